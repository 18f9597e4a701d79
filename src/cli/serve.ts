// `ghes-gitops serve`: the reconciler daemon. Reads its flags once into settings, builds the source, the client
// and the reconcile loop, then runs one pass (`--once`) or the manager until SIGTERM/SIGINT.
import { DEFAULT_CONCURRENCY } from '../apply/apply.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { UserError } from '../errors.js';
import { createClient } from '../github/client.js';
import { resolveConnection, type Connection } from '../github/connection.js';
import type { Redactor } from '../redact.js';
import type { CommandContext } from './commands.js';
import { connect } from '../reconcile.js';
import { parseListen, type Listen } from '../daemon/http.js';
import { LocalPathSource } from '../daemon/local-source.js';
import { createDaemonLogger, type DaemonLogger, type LogFormat } from '../daemon/log.js';
import { Manager } from '../daemon/manager.js';
import { DaemonMetrics } from '../daemon/metrics.js';
import type { Mode, PassOutcome } from '../daemon/pass.js';
import { Reconciler } from '../daemon/reconciler.js';
import type { IssueReporter } from '../daemon/report-issue.js';
import { createIssueReporter, parseReportRepository } from '../daemon/report-issue-github.js';
import { createApiSource, DEFAULT_SOURCE_INTERVAL_MS, parseRepositorySpec, sourceToken } from '../daemon/source-api.js';
import type { DesiredStateSource } from '../daemon/source.js';
import type { WebhookSettings } from '../daemon/webhook.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { parseDuration, parsePositiveInt, type ParsedFlags } from './args.js';

/** The push webhook's secret comes from the environment only, as the token does. */
export const WEBHOOK_SECRET_VARIABLE = 'GHES_GITOPS_WEBHOOK_SECRET';

export interface ServeSettings {
  configPath: string;
  apiUrl: string | undefined;
  mode: Mode;
  intervalMs: number;
  listen: Listen;
  once: boolean;
  shutdownTimeoutMs: number;
  logFormat: LogFormat;
  requestTimeoutMs: number | undefined;
  concurrency: number;
  downloadTimeoutMs: number;
  allowMassDelete: boolean;
  syncSecrets: boolean;
  skipPreflight: boolean;
  verbose: boolean;
  webhookRepository: string | undefined;
  webhookRef: string | undefined;
  /** `--repo OWNER/NAME[/DIR]`: the desired state read through the REST API instead of `configPath`. */
  repository: string | undefined;
  ref: string | undefined;
  repoApiUrl: string | undefined;
  sourceIntervalMs: number;
  /** `--report-issue OWNER/REPO`. */
  reportIssue: string | undefined;
  reportApiUrl: string | undefined;
}

/** Every flag checked before anything starts: a typo fails at once with exit 1, not at the first reconcile. */
export function serveSettings(flags: ParsedFlags, stdoutIsTty: boolean): ServeSettings {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);
  const mode = text('mode') ?? 'apply';
  if (mode !== 'apply' && mode !== 'plan') throw new UserError(`--mode takes apply or plan, not \`${mode}\``);
  const logFormat = text('log-format') ?? (stdoutIsTty ? 'text' : 'json');
  if (logFormat !== 'json' && logFormat !== 'text') {
    throw new UserError(`--log-format takes json or text, not \`${logFormat}\``);
  }
  const listenText = text('listen') ?? '127.0.0.1:9090';
  const listen = parseListen(listenText);
  if (!listen) {
    throw new UserError(`--listen takes HOST:PORT, e.g. 127.0.0.1:9090, [::1]:9090 or :9090, not \`${listenText}\``);
  }
  const duration = (name: string, fallback: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    const ms = parseDuration(value, name);
    if (ms <= 0) throw new UserError(`--${name} must be longer than 0, not \`${value}\``);
    return ms;
  };
  const repository = text('repo');
  if (repository !== undefined) {
    parseRepositorySpec(repository);
    if (text('config') !== undefined) {
      throw new UserError('--repo and --config both name the desired state: pass one of them');
    }
  } else {
    for (const name of ['ref', 'repo-api-url', 'source-interval']) {
      if (text(name) !== undefined) throw new UserError(`--${name} goes with --repo, which is not given`);
    }
  }
  const reportIssue = text('report-issue');
  if (reportIssue !== undefined) parseReportRepository(reportIssue);
  else if (text('report-api-url') !== undefined) {
    throw new UserError('--report-api-url goes with --report-issue, which is not given');
  }
  // With --repo, a push webhook is about that repository (and --ref) unless told otherwise.
  const webhookRepository =
    text('webhook-repo') ?? (repository === undefined ? undefined : repository.split('/').slice(0, 2).join('/'));
  if (webhookRepository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(webhookRepository)) {
    throw new UserError(`--webhook-repo takes OWNER/NAME, not \`${webhookRepository}\``);
  }
  return {
    configPath: text('config') ?? DEFAULT_CONFIG_PATH,
    apiUrl: text('api-url'),
    mode,
    intervalMs: duration('interval', 10 * 60_000),
    listen,
    once: flags.once === true,
    shutdownTimeoutMs: duration('shutdown-timeout', 30_000),
    logFormat,
    requestTimeoutMs: text('request-timeout') === undefined ? undefined : duration('request-timeout', 30_000),
    concurrency:
      text('concurrency') === undefined ? DEFAULT_CONCURRENCY : parsePositiveInt(text('concurrency')!, 'concurrency'),
    downloadTimeoutMs: duration('download-timeout', 600_000),
    allowMassDelete: flags['allow-mass-delete'] === true,
    syncSecrets: flags['sync-secrets'] === true,
    skipPreflight: flags['skip-preflight'] === true,
    verbose: flags.verbose === true,
    webhookRepository,
    webhookRef: text('webhook-ref') ?? (repository === undefined ? undefined : text('ref')),
    repository,
    ref: text('ref'),
    repoApiUrl: urlFlag(text('repo-api-url'), 'repo-api-url'),
    sourceIntervalMs: duration('source-interval', DEFAULT_SOURCE_INTERVAL_MS),
    reportIssue,
    reportApiUrl: urlFlag(text('report-api-url'), 'report-api-url'),
  };
}

/** An http(s) URL flag, without its trailing slashes; a UserError naming the flag otherwise. */
function urlFlag(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    throw new UserError(`--${name} takes an http(s) API URL, e.g. https://ghes.example.com/api/v3, not \`${value}\``);
  }
  return value.replace(/\/+$/, '');
}

export async function runServeCommand(
  flags: ParsedFlags,
  context: Pick<CommandContext, 'redactor' | 'env' | 'stdout' | 'waits'>,
): Promise<number> {
  const settings = serveSettings(flags, process.stdout.isTTY === true);
  const { redactor, env } = context;
  const connection = resolveConnection(env, { apiUrl: settings.apiUrl });
  const webhookSecret = env[WEBHOOK_SECRET_VARIABLE]?.trim() || undefined;
  redactor.add(connection.token, webhookSecret);
  const log = createDaemonLogger(redactor, {
    format: settings.logFormat,
    verbose: settings.verbose,
    write: (line) => context.stdout.write(line),
  });
  const metrics = new DaemonMetrics();
  const api = connect(connection, {
    ...context.waits,
    ...(settings.requestTimeoutMs !== undefined && { requestTimeoutMs: settings.requestTimeoutMs }),
    log,
    onResponse: (method, status) => metrics.apiResponse(method, status),
    concurrency: settings.concurrency,
  });
  const source = await createSource(settings, { connection, env, redactor, log, metrics });
  const reconciler = new Reconciler({
    source,
    api,
    settings: {
      mode: settings.mode,
      syncSecrets: settings.syncSecrets,
      concurrency: settings.concurrency,
      downloadTimeoutMs: settings.downloadTimeoutMs,
      allowMassDelete: settings.allowMassDelete,
      skipPreflight: settings.skipPreflight,
    },
    intervalMs: settings.intervalMs,
    env,
    redactor,
    log,
    metrics,
    ...withReporter(createReporter(settings, { connection, env, redactor, log })),
  });
  log.info(
    `${TOOL_NAME} ${VERSION} serve: ${source.description} → ${connection.apiUrl}, mode ${settings.mode}` +
      (settings.once ? ', once' : `, every ${settings.intervalMs / 1000} s`),
  );
  if (settings.skipPreflight) log.warn('--skip-preflight: hook scripts are not checked before they are used');
  if (settings.once) return runOnce(reconciler, settings, log);

  const manager = await Manager.start({
    reconciler,
    metrics,
    listen: settings.listen,
    ...(webhookSecret !== undefined && { webhook: webhookSettings(webhookSecret, settings) }),
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    log,
    handleSignals: true,
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const where = `${settings.listen.host}:${settings.listen.port}`;
    if (code === 'EADDRINUSE') throw new UserError(`--listen ${where}: the address is in use; pick another port`);
    if (code === 'EACCES') throw new UserError(`--listen ${where}: no permission; pick a port above 1023`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`--listen ${where}: no such address on this machine`);
    throw error;
  });
  if (webhookSecret === undefined) log.info(`POST /hooks/github is off: set ${WEBHOOK_SECRET_VARIABLE} to turn it on`);
  return manager.finished;
}

interface Wiring {
  connection: Connection;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  log: DaemonLogger;
}

/** Where the desired state comes from: the local path (`--config`), or a repository through the API (`--repo`). */
async function createSource(
  settings: ServeSettings,
  { connection, env, redactor, log, metrics }: Wiring & { metrics: DaemonMetrics },
): Promise<DesiredStateSource> {
  if (settings.repository === undefined) return LocalPathSource.create(settings.configPath);
  const token = sourceToken(env);
  redactor.add(token);
  const apiUrl = settings.repoApiUrl ?? connection.apiUrl;
  return createApiSource({
    repository: settings.repository,
    ref: settings.ref,
    apiUrl,
    token,
    pollIntervalMs: settings.sourceIntervalMs,
    client: createClient({
      apiUrl,
      token,
      log,
      ...(settings.requestTimeoutMs !== undefined && { requestTimeoutMs: settings.requestTimeoutMs }),
      // The config repository is usually on the instance itself: its requests count as the instance's.
      onResponse: (method, status) => metrics.apiResponse(method, status),
    }),
  });
}

/** The drift/failure issue (`--report-issue`), with GITHUB_TOKEN on the host that holds it. */
function createReporter(
  settings: ServeSettings,
  { connection, env, redactor, log }: Wiring,
): IssueReporter | undefined {
  if (settings.reportIssue === undefined) return undefined;
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      `--report-issue ${settings.reportIssue}: set GITHUB_TOKEN to a token that can open issues in that repository`,
    );
  }
  redactor.add(token);
  return createIssueReporter({
    repository: settings.reportIssue,
    apiUrl: settings.reportApiUrl ?? connection.apiUrl,
    token,
    instanceApiUrl: connection.apiUrl,
    log,
    redactor,
    ...(settings.requestTimeoutMs !== undefined && { requestTimeoutMs: settings.requestTimeoutMs }),
  });
}

function withReporter(reporter: IssueReporter | undefined): { reporter?: IssueReporter } {
  return reporter ? { reporter } : {};
}

function webhookSettings(secret: string, settings: ServeSettings): WebhookSettings {
  return {
    secret,
    ...(settings.webhookRepository !== undefined && { repository: settings.webhookRepository }),
    ...(settings.webhookRef !== undefined && { ref: settings.webhookRef }),
  };
}

/** `--once`: the CLI's exit codes. 0 in sync, applied or (plan mode, suspended) drift reported; 1 otherwise. */
async function runOnce(reconciler: Reconciler, settings: ServeSettings, log: DaemonLogger): Promise<number> {
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(signal === 'SIGINT' ? 130 : 143);
    received = signal;
    log.warn(`${signal}: starting no new operation; waiting for those in flight`);
    void reconciler.stop(settings.shutdownTimeoutMs).then((finished) => {
      if (!finished) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const pass = await reconciler.runOnce('once');
    if (received) return received === 'SIGINT' ? 130 : 143;
    const ok: PassOutcome[] = ['in-sync', 'applied', 'drifted'];
    return pass && ok.includes(pass.outcome) ? 0 : 1;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await reconciler.stop(0);
  }
}
