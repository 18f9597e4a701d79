// Command-line parsing: one table of commands and their flags, shared by the parser and `--help`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_CONCURRENCY } from '../apply/apply.js';
import { durationMs } from '../duration.js';
import { didYouMean } from '../config/suggest.js';
import { STATE_FILE_FORMAT } from '../sim/state-file-format.js';
import { UserError } from '../errors.js';
import { TOOL_NAME } from '../version.js';

export type CommandName = 'validate' | 'plan' | 'apply' | 'export' | 'serve' | 'simulate';

interface FlagSpec {
  type: 'string' | 'boolean';
  value?: string;
  help: string;
}

const configFlag: FlagSpec = {
  type: 'string',
  value: 'PATH',
  help: 'desired-state file, or a directory whose *.yml/*.yaml files are merged (default: ghes-gitops.yml)',
};
const apiUrlFlag: FlagSpec = {
  type: 'string',
  value: 'URL',
  help: 'GHES API URL, e.g. https://ghes.example.com/api/v3 (default: $GHES_API_URL, then $GITHUB_API_URL)',
};
const requestTimeoutFlag: FlagSpec = {
  type: 'string',
  value: 'DURATION',
  help: 'abandon (and retry when safe) a request that takes longer, e.g. 30, 90s, 2m (default: 30)',
};
const syncSecretsFlag: FlagSpec = {
  type: 'boolean',
  help: 'send configured webhook secrets even when the live webhook has one (secrets cannot be read back)',
};
const allowMassDeleteFlag: FlagSpec = {
  type: 'boolean',
  help: 'allow a plan that deletes every live object of a kind, or more than half of them',
};
const skipPreflightFlag: FlagSpec = {
  type: 'boolean',
  help: 'do not check that hook scripts exist (and are executable) in their repositories',
};
const concurrencyFlag: FlagSpec = {
  type: 'string',
  value: 'N',
  help: 'requests in flight at once, reads included (default: 4; 1 is the most conservative)',
};
const downloadTimeoutFlag: FlagSpec = {
  type: 'string',
  value: 'DURATION',
  help: 'how long to wait for an environment download, e.g. 600, 90s, 10m (default: 10m)',
};
/** Flags every command takes, listed last in each command's help. */
const SHARED_FLAGS: Record<string, FlagSpec> = {
  verbose: { type: 'boolean', help: 'log more: every request (never the token or a secret)' },
  'no-color': { type: 'boolean', help: 'no ANSI colours (also: the NO_COLOR environment variable)' },
};

interface CommandSpec {
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Printed after the flags in the command's help. */
  details?: string;
}

export const COMMANDS: Record<CommandName, CommandSpec> = {
  validate: {
    summary: 'check the desired state against the schema and its cross-references; sends nothing',
    usage: 'validate [--config PATH]',
    flags: { config: configFlag, ...SHARED_FLAGS },
  },
  plan: {
    summary: 'show what apply would change on the instance, and what it would refuse',
    usage: 'plan [--config PATH] [--format text|json|markdown] [--detailed-exitcode] [--out FILE]',
    flags: {
      config: configFlag,
      'api-url': apiUrlFlag,
      format: {
        type: 'string',
        value: 'text|json|markdown',
        help: 'how to print the plan (default: text); markdown is what the pull-request comment shows',
      },
      'detailed-exitcode': {
        type: 'boolean',
        help: 'exit 0 when there is no change, 2 when there are changes, 1 on error or when apply would refuse the plan',
      },
      out: {
        type: 'string',
        value: 'FILE',
        help: 'also write the plan as JSON to FILE, with where it came from, for `apply --plan FILE`',
      },
      'allow-mass-delete': allowMassDeleteFlag,
      'skip-preflight': skipPreflightFlag,
      'sync-secrets': syncSecretsFlag,
      'request-timeout': requestTimeoutFlag,
      ...SHARED_FLAGS,
    },
  },
  apply: {
    summary: 'change the instance to match the desired state',
    usage:
      'apply [--config PATH] [--plan FILE] [--auto-approve] [--dry-run] [--concurrency N] ' +
      '[--download-timeout DURATION] [--format text|json] [--detailed-exitcode]',
    flags: {
      config: configFlag,
      'api-url': apiUrlFlag,
      plan: {
        type: 'string',
        value: 'FILE',
        help: 'apply the plan saved by `plan --out FILE`; refused, with the difference, if a fresh plan differs',
      },
      'auto-approve': {
        type: 'boolean',
        help: 'do not ask for `yes` on a terminal before changing anything (without a terminal nobody is asked)',
      },
      'dry-run': { type: 'boolean', help: 'print what would be done; send no mutating request' },
      concurrency: concurrencyFlag,
      'download-timeout': downloadTimeoutFlag,
      'allow-mass-delete': allowMassDeleteFlag,
      'sync-secrets': syncSecretsFlag,
      'skip-preflight': skipPreflightFlag,
      format: { type: 'string', value: 'text|json', help: 'how to print the plan and the result (default: text)' },
      'detailed-exitcode': {
        type: 'boolean',
        help: 'exit 0 when nothing changed, 2 when changes were applied, 1 on error',
      },
      'request-timeout': requestTimeoutFlag,
      ...SHARED_FLAGS,
    },
  },
  export: {
    summary: 'write the live configuration as desired-state YAML (to adopt an existing instance)',
    usage: 'export [--output FILE [--force]] [--organizations LIST] [--repositories LIST]',
    flags: {
      'api-url': apiUrlFlag,
      output: { type: 'string', value: 'FILE', help: 'write to FILE instead of stdout' },
      force: { type: 'boolean', help: 'let --output replace an existing file' },
      organizations: {
        type: 'string',
        value: 'LIST',
        help: "also write the hooks' enforcement overrides in these organizations (comma-separated logins)",
      },
      repositories: {
        type: 'string',
        value: 'LIST',
        help: "also write the hooks' enforcement overrides in these repositories (comma-separated owner/name)",
      },
      'request-timeout': requestTimeoutFlag,
      ...SHARED_FLAGS,
    },
  },
  serve: {
    summary: 'run as a daemon: reconcile continuously, with health, metrics and status endpoints',
    usage:
      'serve [--config PATH | --repo OWNER/NAME[/DIR] [--ref REF]] [--interval DURATION] [--mode apply|plan] ' +
      '[--listen HOST:PORT] [--once] [--report-issue OWNER/REPO]',
    flags: {
      config: configFlag,
      'api-url': apiUrlFlag,
      interval: {
        type: 'string',
        value: 'DURATION',
        help: 'time between drift passes, each wait jittered by ±5% (default: 10m)',
      },
      mode: {
        type: 'string',
        value: 'apply|plan',
        help: 'apply (default): correct drift; plan: only detect and report it, never send a change',
      },
      listen: {
        type: 'string',
        value: 'HOST:PORT',
        help: 'address of /healthz, /readyz, /metrics, /status, /hooks/github (default: 127.0.0.1:9090; port 0: any)',
      },
      once: { type: 'boolean', help: 'reconcile once and exit: 0 in sync or applied, 1 on error (for cron)' },
      'shutdown-timeout': {
        type: 'string',
        value: 'DURATION',
        help: 'on SIGTERM/SIGINT, how long operations in flight may take to finish (default: 30s)',
      },
      'log-format': {
        type: 'string',
        value: 'json|text',
        help: 'json (default when stdout is not a terminal) or text',
      },
      repo: {
        type: 'string',
        value: 'OWNER/NAME[/DIR]',
        help: 'read the desired state from this repository through the REST API instead of --config (token: $GHES_SOURCE_TOKEN, else $GHES_TOKEN)',
      },
      ref: {
        type: 'string',
        value: 'REF',
        help: "with --repo: the branch, tag or commit to reconcile (default: the repository's default branch)",
      },
      'repo-api-url': {
        type: 'string',
        value: 'URL',
        help: 'with --repo: the API of the host that holds it (default: the instance, --api-url)',
      },
      'source-interval': {
        type: 'string',
        value: 'DURATION',
        help: 'with --repo: how often the ref is polled, one conditional request (default: 1m)',
      },
      'report-issue': {
        type: 'string',
        value: 'OWNER/REPO',
        help: 'keep one issue there open while the instance is drifted, failed or stalled; close it when back in sync (token: $GITHUB_TOKEN)',
      },
      'report-api-url': {
        type: 'string',
        value: 'URL',
        help: 'the API of the host that holds --report-issue (default: the instance, --api-url)',
      },
      'webhook-repo': {
        type: 'string',
        value: 'OWNER/NAME',
        help: 'POST /hooks/github reconciles only on pushes to this repository (default: any)',
      },
      'webhook-ref': {
        type: 'string',
        value: 'REF',
        help: 'and only on pushes to this branch or ref, e.g. main (default: any)',
      },
      concurrency: concurrencyFlag,
      'download-timeout': downloadTimeoutFlag,
      'allow-mass-delete': allowMassDeleteFlag,
      'sync-secrets': syncSecretsFlag,
      'skip-preflight': skipPreflightFlag,
      'request-timeout': requestTimeoutFlag,
      verbose: { type: 'boolean', help: "log every request and each run's details (never the token or a secret)" },
      // A shared flag (SHARED_FLAGS), in serve's words: the daemon's log has no colours to turn off.
      'no-color': { type: 'boolean', help: 'accepted as by every command (the log has no colours)' },
    },
  },
  simulate: {
    summary: 'serve an in-memory GHES admin API on loopback, to try the tool without an instance',
    usage: 'simulate [--port N] [--state FILE] [--download-ms MS]',
    details: STATE_FILE_FORMAT,
    flags: {
      port: { type: 'string', value: 'N', help: 'port to listen on (default: 8080; 0 picks a free one)' },
      state: { type: 'string', value: 'FILE', help: 'initial state, as JSON (the format is below)' },
      'download-ms': {
        type: 'string',
        value: 'MS',
        help: 'how long a simulated environment download takes (default: 2000)',
      },
      ...SHARED_FLAGS,
    },
  },
};

export type ParsedFlags = Record<string, string | boolean | undefined>;

export type Invocation =
  /** `usage`: no command at all, which is a mistake (exit 1) though the answer is the same overview. */
  | { kind: 'usage' }
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | { kind: 'command'; command: CommandName; flags: ParsedFlags };

export function parseInvocation(argv: string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'usage' };
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0];
    return { kind: 'help', command: isCommand(topic) ? topic : undefined };
  }
  if (first === '--version' || first === '-v' || first === 'version') return { kind: 'version' };
  if (!isCommand(first)) {
    const hint = didYouMean(first, Object.keys(COMMANDS));
    throw new UserError(
      `unknown command \`${first}\`${hint ? `: ${hint}` : ''}. Commands: ${Object.keys(COMMANDS).join(', ')}. ` +
        `See \`${TOOL_NAME} --help\`.`,
    );
  }
  const spec = COMMANDS[first];
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, flag] of Object.entries(spec.flags)) options[name] = { type: flag.type };
  let values: ParsedFlags;
  try {
    values = parseArgs({ args: rest, options, allowPositionals: false, strict: true }).values as ParsedFlags;
  } catch (error) {
    throw new UserError(
      `${describeParseError(first, error as Error & { code?: string })}. See \`${TOOL_NAME} ${first} --help\`.`,
    );
  }
  if (values.help) return { kind: 'help', command: first };
  return { kind: 'command', command: first, flags: values };
}

/** node:util's parse errors, with a did-you-mean for an unknown flag (or the command it belongs to). */
function describeParseError(command: CommandName, error: Error & { code?: string }): string {
  const firstLine = error.message.split('\n')[0] ?? error.message;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument is ambiguous/.test(firstLine)) {
    // `--request-timeout -5`: parseArgs will not take a value that starts with a dash.
    const flag = /'(--?[^' ]+)/.exec(firstLine)?.[1] ?? 'the option';
    return `${flag} needs a value (one that starts with "-" is written ${flag}=VALUE)`;
  }
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(--?[^']+)'/.exec(firstLine)?.[1] : undefined;
  if (unknown === undefined) return firstLine;
  const name = unknown.replace(/^--?/, '').split('=')[0] ?? '';
  const elsewhere = (Object.keys(COMMANDS) as CommandName[]).filter(
    (other) => other !== command && Object.hasOwn(COMMANDS[other].flags, name),
  );
  if (elsewhere.length > 0) {
    return `${firstLine}: \`--${name}\` is a flag of ${elsewhere.map((other) => `\`${other}\``).join(', ')}, not of \`${command}\``;
  }
  const hint = didYouMean(
    `--${name}`,
    Object.keys(COMMANDS[command].flags).map((flag) => `--${flag}`),
  );
  return hint ? `${firstLine}: ${hint}` : firstLine;
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

export function helpText(command?: CommandName): string {
  if (!command) {
    const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
    return [
      `${TOOL_NAME}: GitHub Enterprise Server site-admin configuration as code`,
      '(pre-receive environments, pre-receive hooks and global webhooks).',
      '',
      `Usage: ${TOOL_NAME} <command> [flags]`,
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
      '',
      'Connection: the token comes from $GHES_TOKEN (else $GITHUB_TOKEN), never from a flag: a site',
      "administrator's personal access token (classic) with the site_admin scope. Proxies: HTTPS_PROXY,",
      'HTTP_PROXY, NO_PROXY; an internal CA: NODE_EXTRA_CA_CERTS=/path/to/ca.pem.',
      '',
      'Exit codes: 0 success, 1 error (or a plan apply would refuse), 2 changes (with --detailed-exitcode),',
      '130/143 interrupted.',
      '',
      'Flags:',
      `  -h, --help     show this overview (\`${TOOL_NAME} <command> --help\`: the command's flags)`,
      '  -v, --version  print the version',
    ].join('\n');
  }
  const spec = COMMANDS[command];
  const rows = Object.entries(spec.flags).map(([name, flag]) => [
    `--${name}${flag.value ? ` ${flag.value}` : ''}`,
    flag.help,
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return [
    `Usage: ${TOOL_NAME} ${spec.usage}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'Flags:',
    ...rows.map(([left, help]) => `  ${left!.padEnd(width)}  ${help}`),
    ...(spec.details === undefined ? [] : ['', spec.details]),
  ].join('\n');
}

/** `600`, `90s`, `10m`, `1h` → milliseconds; zero is refused (a zero timeout would fail, or mean "the default"). */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text);
  if (ms === undefined || !(ms > 0)) {
    throw new UserError(`--${flag} takes a duration above zero, such as 600, 90s or 10m, not \`${text}\``);
  }
  return ms;
}

export function parsePositiveInt(text: string, flag: string, max = MAX_CONCURRENCY): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UserError(`--${flag} takes a whole number from 1 to ${max}, not \`${text}\``);
  }
  return value;
}
