// One function per command. Data (plans, exports) goes to stdout; progress and diagnostics to stderr.
import { writeFile } from 'node:fs/promises';
import type { ApplyResult } from '../apply/types.js';
import { DEFAULT_CONCURRENCY } from '../apply/apply.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { isTargetName, type NamedTarget, type OverrideTargets } from '../config/overrides.js';
import type { OverrideScope } from '../config/types.js';
import { UserError } from '../errors.js';
import { resolveConnection } from '../github/connection.js';
import { renderApplyText } from '../report/apply.js';
import { exportWarnings, renderExport } from '../report/export.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../report/plan.js';
import { onInterrupt, type SignalHost } from '../interrupt.js';
import { createStderrLogger, type Logger, type Redactor, type TextOutput } from '../redact.js';
import { applyPlan, connect, loadDesired, planChanges, type ConnectOptions } from '../reconcile.js';
import { runSimulateCommand } from './simulate.js';
import { parseDuration, parsePositiveInt, type CommandName, type ParsedFlags } from './args.js';

export interface CommandContext {
  redactor: Redactor;
  env: Record<string, string | undefined>;
  /** Data: plans, results, exports. */
  stdout: TextOutput;
  /** Progress and diagnostics. */
  stderr: TextOutput;
  /** Where SIGINT/SIGTERM come from during apply; default `process`. */
  signals?: SignalHost;
  /** Waits between retries; the defaults suit a real server, in-process tests shrink them. */
  waits?: Pick<ConnectOptions, 'retryDelayMs' | 'rateLimitUnitMs'>;
}

const SUSPENDED_NOTE =
  'suspended: the desired state says `suspend: true`, so this is a plan only and nothing was applied. ' +
  'Remove `suspend` to apply again.';

const DOWNLOAD_STATES: Record<string, string> = {
  not_started: 'download queued',
  in_progress: 'downloading…',
  success: 'downloaded',
  failed: 'download failed',
  waiting: 'a download started elsewhere is running; ours starts when it ends',
};

export async function runCommand(name: CommandName, flags: ParsedFlags, context: CommandContext): Promise<number> {
  const log = createStderrLogger(context.redactor, { verbose: flags.verbose === true, stderr: context.stderr });
  switch (name) {
    case 'validate':
      return validate(flags, context);
    case 'plan':
      return plan(flags, context, log);
    case 'apply':
      return applyCommand(flags, context, log);
    case 'export':
      return exportCommand(flags, context, log);
    case 'serve': {
      // Loaded on demand: the other commands need neither pino nor prom-client at start-up.
      const { runServeCommand } = await import('./serve.js');
      return runServeCommand(flags, context);
    }
    case 'simulate':
      return runSimulateCommand(flags, log);
  }
}

async function validate(flags: ParsedFlags, context: CommandContext): Promise<number> {
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  context.stdout.write(
    `${desired.files.join(', ')}: valid (${count(desired.environments.length, 'environment')}, ` +
      `${count(desired.hooks.length, 'hook')}, ${count(desired.webhooks.length, 'webhook')}).\n`,
  );
  return 0;
}

async function plan(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const format = outputFormat(flags, ['text', 'json', 'markdown']);
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  const api = connectFromFlags(flags, context, log);
  const { plan } = await planChanges(desired, api, { syncSecrets: flags['sync-secrets'] === true });
  if (typeof flags.out === 'string') await writeFile(flags.out, `${renderPlanJson(plan)}\n`);
  const rendered =
    format === 'json'
      ? renderPlanJson(plan)
      : format === 'markdown'
        ? renderPlanMarkdown(plan, {})
        : renderPlanText(plan, { color: useColor(flags, context) });
  context.stdout.write(`${context.redactor.redact(rendered)}\n`);
  const changes = plan.operations.length > 0;
  return flags['detailed-exitcode'] === true && changes ? 2 : 0;
}

async function applyCommand(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const format = outputFormat(flags, ['text', 'json']);
  const concurrency =
    typeof flags.concurrency === 'string' ? parsePositiveInt(flags.concurrency, 'concurrency') : DEFAULT_CONCURRENCY;
  const downloadTimeoutMs =
    typeof flags['download-timeout'] === 'string'
      ? parseDuration(flags['download-timeout'], 'download-timeout')
      : 600_000;
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  // The bound covers every request of the run, the plan's reads and preflight's included.
  const api = connectFromFlags(flags, context, log, concurrency);
  const { plan, observed } = await planChanges(desired, api, { syncSecrets: flags['sync-secrets'] === true });
  const color = useColor(flags, context);
  if (format === 'text')
    context.stdout.write(`${context.redactor.redact(renderPlanText(plan, { color }))}
`);
  if (plan.operations.length === 0 || desired.suspend) {
    if (format === 'json')
      context.stdout.write(`${context.redactor.redact(renderPlanJson(plan))}
`);
    // The break-glass switch: an on-call admin merged `suspend: true` so that nothing changes until it goes.
    if (plan.operations.length > 0) log.warn(SUSPENDED_NOTE);
    return 0;
  }

  const skipPreflight = flags['skip-preflight'] === true;
  if (skipPreflight) log.warn('--skip-preflight: hook scripts are not checked before they are used');
  const interrupt = onInterrupt({ log, work: 'operation', host: context.signals });
  const downloadStates = new Map<string, string>();
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, api, {
      concurrency,
      downloadTimeoutMs,
      allowMassDelete: flags['allow-mass-delete'] === true,
      dryRun: flags['dry-run'] === true,
      skipPreflight,
      observed,
      signal: interrupt.signal,
      onPreflight: ({ checked }) => {
        const repositories = new Set(checked.map((target) => target.repository.toLowerCase())).size;
        log.debug(`preflight: ${checked.length} hook script(s) in ${repositories} repository(ies) checked`);
      },
      onEvent: (event) => {
        if (event.type === 'done') log.debug(`${event.result.operation.id}: ${event.result.status}`);
        // Downloads can take minutes: say when one starts waiting and when its state moves, nothing per poll.
        if (event.type === 'download-progress' && downloadStates.get(event.operation.id) !== event.state) {
          downloadStates.set(event.operation.id, event.state);
          const said = DOWNLOAD_STATES[event.state] ?? `download ${event.state}`;
          log.info(`environment "${event.operation.key}": ${said}`);
        }
      },
    });
  } finally {
    interrupt.dispose();
  }
  const rendered =
    format === 'json'
      ? JSON.stringify({ plan: JSON.parse(renderPlanJson(plan)) as unknown, result }, null, 2)
      : renderApplyText(result, { color });
  context.stdout.write(`${context.redactor.redact(rendered)}\n`);
  if (result.interrupted) return interrupt.exitCode ?? 1;
  if (result.counts.failed > 0 || result.counts.skipped > 0) return 1;
  return flags['detailed-exitcode'] === true && !result.dryRun ? 2 : 0;
}

async function exportCommand(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const targets = exportTargets(flags);
  const api = connectFromFlags(flags, context, log);
  const observed = await api.observe(targets);
  const yaml = renderExport(observed);
  for (const warning of exportWarnings(observed)) log.warn(warning);
  if (typeof flags.output === 'string') {
    await writeFile(flags.output, yaml);
    log.info(`wrote ${flags.output}`);
  } else {
    context.stdout.write(yaml);
  }
  return 0;
}

/** `--organizations a,b --repositories o/r`: the only places export reads overrides from. */
function exportTargets(flags: ParsedFlags): OverrideTargets {
  const list = (flag: 'organizations' | 'repositories', scope: OverrideScope): NamedTarget[] => {
    const value = flags[flag];
    if (typeof value !== 'string') return [];
    const names = [...new Set(value.split(',').map((name) => name.trim()))].filter((name) => name !== '');
    const bad = names.filter((name) => !isTargetName(scope, name));
    if (bad.length > 0) {
      const want = scope === 'organization' ? 'organization logins' : 'owner/name';
      throw new UserError(
        `--${flag}: ${bad.map((name) => `\`${name}\``).join(', ')}: expected ${want}, comma-separated`,
      );
    }
    return names.map((name) => ({ name }));
  };
  return { organizations: list('organizations', 'organization'), repositories: list('repositories', 'repository') };
}

function configPath(flags: ParsedFlags): string {
  return typeof flags.config === 'string' ? flags.config : DEFAULT_CONFIG_PATH;
}

function connectFromFlags(flags: ParsedFlags, context: CommandContext, log: Logger, concurrency?: number) {
  const connection = resolveConnection(context.env, {
    apiUrl: typeof flags['api-url'] === 'string' ? flags['api-url'] : undefined,
  });
  context.redactor.add(connection.token);
  const requestTimeoutMs =
    typeof flags['request-timeout'] === 'string'
      ? parseDuration(flags['request-timeout'], 'request-timeout')
      : undefined;
  return connect(connection, {
    requestTimeoutMs,
    log,
    ...context.waits,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
}

function outputFormat<T extends string>(flags: ParsedFlags, allowed: T[]): T {
  const format = typeof flags.format === 'string' ? flags.format : 'text';
  if (!allowed.includes(format as T)) throw new UserError(`--format takes ${allowed.join(', ')}, not \`${format}\``);
  return format as T;
}

function useColor(flags: ParsedFlags, context: CommandContext): boolean {
  return flags['no-color'] !== true && !context.env.NO_COLOR && context.stdout.isTTY === true;
}
