// One function per command. Data (plans, exports) goes to stdout; progress and diagnostics to stderr.
import type { ApplyResult } from '../apply/types.js';
import { hasChanges } from '../plan/types.js';
import { DEFAULT_CONCURRENCY } from '../apply/apply.js';
import { DEFAULT_CONFIG_PATH, undeclaredEnvironments } from '../config/load.js';
import { isTargetName, type NamedTarget, type OverrideTargets } from '../config/overrides.js';
import type { OverrideScope } from '../config/types.js';
import { formatDiagnostic, UserError } from '../errors.js';
import type { ObservedState } from '../github/types.js';
import { resolveConnection } from '../github/connection.js';
import { createNodeFetch, proxyFor } from '../github/transport.js';
import { renderApplyJson, renderApplyText } from '../report/apply.js';
import { exportOf } from '../report/export.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../report/plan.js';
import { onInterrupt, type Interruption, type SignalHost } from '../interrupt.js';
import { createStderrLogger, type Logger, type Redactor, type TextOutput } from '../redact.js';
import {
  applyPlan,
  connect,
  loadDesired,
  planChanges,
  reviewPlan,
  type ConnectOptions,
  type ReviewSettings,
} from '../reconcile.js';
import { askApproval, processTerminal, type Terminal } from './approve.js';
import { checkOutputFile, writeOutputFile } from './files.js';
import { configDigest, readSavedPlan, renderSavedPlan, staleness } from './saved-plan.js';
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
  /** Where apply asks for `yes`; the process's stdin and stderr when absent. */
  terminal?: Terminal;
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
      return validate(flags, context, log);
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
    case 'simulate': {
      // Loaded on demand too: the simulator's routes and stores are no other command's business.
      const { runSimulateCommand } = await import('./simulate.js');
      return runSimulateCommand(flags, log);
    }
  }
}

async function validate(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  log.debug(`read ${desired.files.join(', ')}`);
  for (const note of undeclaredEnvironments(desired)) {
    context.stderr.write(`${context.redactor.redact(formatDiagnostic(note))}\n`);
  }
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  for (const warning of desired.warnings ?? []) context.stderr.write(`${formatDiagnostic(warning)}\n`);
  context.stdout.write(
    `${desired.files.join(', ')}: valid (${count(desired.environments.length, 'environment')}, ` +
      `${count(desired.hooks.length, 'hook')}, ${count(desired.webhooks.length, 'webhook')}).\n`,
  );
  return 0;
}

async function plan(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const format = outputFormat(flags, ['text', 'json', 'markdown']);
  const requestTimeoutMs = requestTimeout(flags);
  // Like terraform's -out, the plan file is replaced; a path that cannot be written fails before anything is read.
  const out = typeof flags.out === 'string' ? { path: flags.out, flag: '--out', overwrite: true } : undefined;
  if (out) await checkOutputFile(out);
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  const { api, apiUrl } = connectFromFlags(flags, context, log, requestTimeoutMs);
  const syncSecrets = flags['sync-secrets'] === true;
  const { plan, observed } = await planChanges(desired, api, { syncSecrets });
  // The guards apply runs, run here too: a plan that apply would refuse must fail review, not pass it.
  const review = await reviewPlan(plan, api, reviewSettings(flags, observed, log), desired);
  if (out) {
    const source = { apiUrl, configSha256: await configDigest(desired.files), syncSecrets };
    await writeOutputFile(out, `${context.redactor.redact(renderSavedPlan(plan, source, review))}\n`);
  }
  const rendered =
    format === 'json'
      ? renderPlanJson(plan, review)
      : format === 'markdown'
        ? renderPlanMarkdown(plan, { findings: review })
        : renderPlanText(plan, { color: useColor(flags, context), findings: review });
  context.stdout.write(`${context.redactor.redact(rendered)}\n`);
  if (review.errors.length > 0) {
    // Before --detailed-exitcode's 2: a refused plan is an error, as terraform's 1 outranks its 2.
    log.error(
      `apply would refuse this plan (${review.errors.length} problem${review.errors.length === 1 ? '' : 's'}, ` +
        'listed with the plan); fix them before applying.',
    );
    return 1;
  }
  return flags['detailed-exitcode'] === true && hasChanges(plan) ? 2 : 0;
}

/** The guards as the flags set them, shared by plan and apply. */
function reviewSettings(flags: ParsedFlags, observed: ObservedState, log: Logger): ReviewSettings {
  return {
    allowMassDelete: flags['allow-mass-delete'] === true,
    skipPreflight: flags['skip-preflight'] === true,
    observed,
    onPreflight: ({ checked }) => {
      const repositories = new Set(checked.map((target) => target.repository.toLowerCase())).size;
      log.debug(`preflight: ${checked.length} hook script(s) in ${repositories} repository(ies) checked`);
    },
  };
}

async function applyCommand(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const format = outputFormat(flags, ['text', 'json']);
  const requestTimeoutMs = requestTimeout(flags);
  const concurrency =
    typeof flags.concurrency === 'string' ? parsePositiveInt(flags.concurrency, 'concurrency') : DEFAULT_CONCURRENCY;
  const downloadTimeoutMs =
    typeof flags['download-timeout'] === 'string'
      ? parseDuration(flags['download-timeout'], 'download-timeout')
      : 600_000;
  const saved = typeof flags.plan === 'string' ? await readSavedPlan(flags.plan) : undefined;
  const desired = await loadDesired(configPath(flags), context.env, context.redactor);
  // The bound covers every request of the run, the plan's reads and preflight's included.
  const { api, apiUrl } = connectFromFlags(flags, context, log, requestTimeoutMs, concurrency);
  // A saved plan is re-made with the option it was made with, so that only a change of the instance or config shows.
  const syncSecrets = flags['sync-secrets'] === true || saved?.source.syncSecrets === true;
  const { plan, observed } = await planChanges(desired, api, { syncSecrets });
  if (saved) {
    const differences = staleness(saved, plan, {
      apiUrl,
      configSha256: await configDigest(desired.files),
      syncSecrets,
    });
    if (differences.length > 0) {
      throw new UserError(
        `--plan ${String(flags.plan)}: the saved plan is stale; a fresh plan differs:\n` +
          `${context.redactor.redact(differences.map((line) => `  - ${line}`).join('\n'))}\n` +
          'Nothing was sent. Run `plan --out FILE` again, review it, and apply that.',
      );
    }
  }
  // Reviewed before it is shown, so the plan printed says what apply is about to refuse, and why.
  const review = await reviewPlan(plan, api, { ...reviewSettings(flags, observed, log), concurrency }, desired);
  const color = useColor(flags, context);
  if (format === 'text') {
    context.stdout.write(`${context.redactor.redact(renderPlanText(plan, { color, findings: review }))}\n`);
  }
  const dryRun = flags['dry-run'] === true;
  if (!hasChanges(plan) || desired.suspend) {
    if (format === 'json')
      context.stdout.write(`${context.redactor.redact(renderApplyJson(plan, nothingApplied(dryRun), review))}\n`);
    // The break-glass switch: an on-call admin merged `suspend: true` so that nothing changes until it goes.
    if (hasChanges(plan)) log.warn(SUSPENDED_NOTE);
    return 0;
  }

  const skipPreflight = flags['skip-preflight'] === true;
  if (skipPreflight) log.warn('--skip-preflight: hook scripts are not checked before they are used');
  // terraform's rules: a person at a terminal approves what they see, unless the plan was reviewed (--plan) already.
  const terminal = context.terminal ?? processTerminal(context.stderr);
  const asking = terminal.interactive && flags['auto-approve'] !== true && !dryRun && !saved;
  const controller = new AbortController();
  // Signals are watched once the question is answered: Ctrl+C at the prompt only cancels (askApproval).
  let interrupt: Interruption | undefined;
  const watchSignals = () => {
    if (interrupt) return;
    interrupt = onInterrupt({ log, work: 'operation', host: context.signals });
    interrupt.signal.addEventListener('abort', () => controller.abort(), { once: true });
  };
  if (!asking) watchSignals();
  const downloadStates = new Map<string, string>();
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, api, {
      concurrency,
      downloadTimeoutMs,
      allowMassDelete: flags['allow-mass-delete'] === true,
      dryRun,
      skipPreflight,
      observed,
      review,
      signal: controller.signal,
      ...(asking && {
        approve: async () => {
          // With --format json, stdout holds only the final document; the person reads the plan here.
          if (format === 'json')
            terminal.output.write(`${context.redactor.redact(renderPlanText(plan, { color: false }))}\n`);
          await askApproval(terminal, apiUrl);
          watchSignals();
        },
      }),
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
    interrupt?.dispose();
  }
  const rendered = format === 'json' ? renderApplyJson(plan, result, review) : renderApplyText(result, { color });
  context.stdout.write(`${context.redactor.redact(rendered)}\n`);
  if (result.interrupted) return interrupt?.exitCode ?? 1;
  if (result.counts.failed > 0 || result.counts.skipped > 0) return 1;
  return flags['detailed-exitcode'] === true && !result.dryRun ? 2 : 0;
}

async function exportCommand(flags: ParsedFlags, context: CommandContext, log: Logger): Promise<number> {
  const targets = exportTargets(flags);
  const requestTimeoutMs = requestTimeout(flags);
  const output =
    typeof flags.output === 'string'
      ? { path: flags.output, flag: '--output', overwrite: flags.force === true }
      : undefined;
  if (output) await checkOutputFile(output);
  const { api } = connectFromFlags(flags, context, log, requestTimeoutMs);
  const observed = await api.observe(targets);
  const { yaml, warnings } = exportOf(observed);
  for (const warning of warnings) log.warn(warning);
  if (output) {
    await writeOutputFile(output, yaml);
    log.info(`wrote ${output.path}`);
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

function nothingApplied(dryRun: boolean): ApplyResult {
  return {
    results: [],
    counts: { succeeded: 0, failed: 0, skipped: 0, not_started: 0 },
    dryRun,
    interrupted: false,
  };
}

function configPath(flags: ParsedFlags): string {
  return typeof flags.config === 'string' ? flags.config : DEFAULT_CONFIG_PATH;
}

/** `--request-timeout`, read before the config or the network so that a bad value fails first. */
function requestTimeout(flags: ParsedFlags): number | undefined {
  return typeof flags['request-timeout'] === 'string'
    ? parseDuration(flags['request-timeout'], 'request-timeout')
    : undefined;
}

function connectFromFlags(
  flags: ParsedFlags,
  context: CommandContext,
  log: Logger,
  requestTimeoutMs: number | undefined,
  concurrency?: number,
) {
  const connection = resolveConnection(context.env, {
    apiUrl: typeof flags['api-url'] === 'string' ? flags['api-url'] : undefined,
  });
  context.redactor.add(connection.token);
  for (const warning of connection.warnings) log.warn(warning);
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(new URL(connection.apiUrl), context.env);
  } catch (error) {
    throw new UserError(`${(error as Error).message} (HTTPS_PROXY, HTTP_PROXY): e.g. http://proxy.example.com:3128`);
  }
  if (proxy) log.debug(`connecting to ${connection.apiUrl} through the proxy ${proxy.protocol}//${proxy.host}`);
  const fetch = createNodeFetch({ env: context.env });
  const api = connect(connection, {
    requestTimeoutMs,
    log,
    fetch,
    ...context.waits,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  return { api, apiUrl: connection.apiUrl };
}

function outputFormat<T extends string>(flags: ParsedFlags, allowed: T[]): T {
  const format = typeof flags.format === 'string' ? flags.format : 'text';
  if (!allowed.includes(format as T)) throw new UserError(`--format takes ${allowed.join(', ')}, not \`${format}\``);
  return format as T;
}

function useColor(flags: ParsedFlags, context: CommandContext): boolean {
  return flags['no-color'] !== true && !context.env.NO_COLOR && context.stdout.isTTY === true;
}
