// The Action: read the inputs once, run the same reconcile path as the CLI (load → observe → plan → apply), and
// report as a runner expects: outputs, a job summary, a sticky pull-request comment, annotations on config errors.
// Every string written anywhere passes through the Redactor, behind the runner's own masking of core.setSecret.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as core from '@actions/core';
import type { ApplyEvent, ApplyResult } from '../apply/types.js';
import { secretValues } from '../config/load.js';
import { ConfigError, formatDiagnostic, UserError, type Diagnostic } from '../errors.js';
import { PlanRefusedError } from '../plan/plan.js';
import { hasChanges, type Plan } from '../plan/types.js';
import { applyCountLine } from '../report/apply.js';
import { describeOperation } from '../report/format.js';
import { renderPlanJson, renderPlanText } from '../report/plan.js';
import { onInterrupt, type SignalHost } from '../interrupt.js';
import { Redactor, type Logger } from '../redact.js';
import type { Findings } from '../report/findings.js';
import {
  applyPlan,
  connect,
  loadDesired,
  planChanges,
  PreflightError,
  reviewPlan,
  type PlanReview,
} from '../reconcile.js';
import { sourceMappedStack } from '../stack.js';
import { annotationsFor, failureSummary } from './annotations.js';
import {
  commentMarker,
  createGitHubClient,
  failureCommentBody,
  planCommentBody,
  upsertComment,
  type CommentTarget,
} from './comment.js';
import { readRunnerContext, type RunnerContext } from './context.js';
import { getSettings, inActionTerms, MissingTokenError, type ActionSettings } from './inputs.js';
import { applyCommentBody, applyCommentMarker, mergedPullRequest } from './apply-comment.js';
import { describeRunKind, resolveRunKind, type RunKind } from './mode.js';
import {
  applySummary,
  failureSection,
  fitSummary,
  planSummary,
  summaryHeading,
  type SummaryContext,
} from './summary.js';

const SUSPENDED_NOTE =
  'the desired state says `suspend: true`: this run only plans and applies nothing. Remove `suspend` to apply again.';

/** `fail-on-changes` with changes: the plan succeeded, so the comment keeps showing it. */
class ChangesFoundError extends UserError {
  override readonly name = 'ChangesFoundError';

  constructor(changes: number) {
    super(
      `${changes} change${changes === 1 ? '' : 's'} found and fail-on-changes is set: the live configuration ` +
        'differs from the desired state (the plan is in the log and the job summary).',
    );
  }
}

/** A signal stopped the apply: what was in flight finished and is reported; the step fails with 130/143. */
class InterruptedError extends UserError {
  override readonly name = 'InterruptedError';

  constructor(signal: NodeJS.Signals) {
    super(`interrupted (${signal}): the run was cancelled while applying; run it again.`);
  }
}

/** The process run() acts on; a test passes its own. */
export interface RunOptions {
  /** The runner's environment. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Where SIGINT/SIGTERM come from, and whose exit code says a signal stopped the run. Default `process`. */
  host?: SignalHost & { exitCode?: number | string | undefined };
}

/**
 * The plan has problems apply would refuse (a mass delete, a missing hook script): the plan is shown in the summary,
 * the comment and the outputs, and the check fails, so a pull request is not approved on a plan that cannot apply.
 */
class ApplyWouldRefuseError extends UserError {
  override readonly name = 'ApplyWouldRefuseError';
  readonly problems: Diagnostic[];

  constructor(problems: readonly Diagnostic[]) {
    const n = problems.length;
    super(
      `${problems.map(formatDiagnostic).join('\n')}\n` +
        `Apply would refuse this plan (${n} problem${n === 1 ? '' : 's'}); nothing was sent. Fix them before merging.`,
    );
    this.problems = [...problems];
  }
}

/** What a run has learnt so far: the failure path reports with whatever is known. */
interface RunState {
  env: Record<string, string | undefined>;
  host: NonNullable<RunOptions['host']>;
  /** The exit code of an interrupted apply. */
  interruptedWith?: number;
  redactor: Redactor;
  summary: string[];
  settings?: ActionSettings;
  runner?: RunnerContext;
  kind?: RunKind;
  /** The merged pull request has been told how the apply went; the failure path must not tell it twice. */
  applyCommented?: boolean;
}

/** The entry point: everything a step does, and the one place a failure becomes a failed step. */
export async function run(options: RunOptions = {}): Promise<void> {
  const state: RunState = {
    env: options.env ?? process.env,
    host: options.host ?? process,
    redactor: new Redactor(),
    summary: [],
  };
  try {
    await execute(state);
  } catch (error) {
    core.setFailed(state.redactor.redact(await reportFailure(error, state)));
    if (state.interruptedWith !== undefined) state.host.exitCode = state.interruptedWith;
  } finally {
    await writeSummary(state);
  }
}

async function execute(state: RunState): Promise<void> {
  const { redactor } = state;
  const runner = readRunnerContext(state.env);
  state.runner = runner;
  let settings: ActionSettings;
  try {
    settings = getSettings(state.env);
  } catch (error) {
    if (error instanceof MissingTokenError && forkWithoutSecrets(runner)) {
      skipForkPullRequest(state, runner);
      return;
    }
    throw error;
  }
  redactor.add(settings.token, settings.githubToken);
  state.settings = settings;
  const kind = resolveRunKind(settings.mode, runner.eventName, {
    ref: runner.ref,
    ...(runner.defaultBranch !== undefined && { defaultBranch: runner.defaultBranch }),
    applyBranches: settings.applyBranches,
  });
  state.kind = kind;
  const log = actionLogger(redactor);
  log.info(
    `ghes-gitops ${describeRunKind(kind)} of ${settings.config} against ${settings.apiUrl}` +
      (runner.eventName ? ` (event ${runner.eventName}, mode ${settings.mode})` : ''),
  );
  if (kind.notApplied) core.notice(`Planned, not applied: ${kind.notApplied}.`);
  if (kind.action === 'apply' && settings.failOnChanges) {
    log.warn('fail-on-changes applies to plan runs only; this run applies, so it is ignored');
  }
  if (kind.action === 'apply' && settings.skipPreflight) {
    log.warn('skip-preflight: hook scripts are not checked before they are used');
  }

  const desired = await loadDesired(configPath(settings, runner), state.env, redactor);
  for (const secret of secretValues(desired)) core.setSecret(secret);
  // `concurrency` bounds every request of the run, reads included.
  const api = connect({ apiUrl: settings.apiUrl, token: settings.token }, { log, concurrency: settings.concurrency });
  const { plan, observed } = await planChanges(desired, api, { syncSecrets: settings.syncSecrets });
  // Apply's guards, on every run: a plan run shows what the apply after merge would refuse.
  const review = await reviewPlan(
    plan,
    api,
    {
      allowMassDelete: settings.allowMassDelete,
      skipPreflight: settings.skipPreflight,
      concurrency: settings.concurrency,
      observed,
      onPreflight: ({ checked }) => log.info(`Preflight: ${checked.length} hook script(s) checked.`),
    },
    desired,
  );
  const findings = inActionFindings(review);
  log.info(renderPlanText(plan, { color: false, findings }));
  annotate(findings.warnings, 'ghes-gitops: warning', runner, redactor);
  await writeOutputs(plan, findings, settings, runner, redactor);

  const context: SummaryContext = { kind, target: commentTarget(settings), eventName: runner.eventName, findings };
  if (kind.action === 'plan') {
    state.summary.push(fitSummary((max) => planSummary(plan, context, max)));
    await commentOnPullRequest(state, (target) => planCommentBody(plan, target, commentLinks(runner), findings));
    if (findings.errors.length > 0) throw new ApplyWouldRefuseError(findings.errors);
    if (settings.failOnChanges && hasChanges(plan)) {
      throw new ChangesFoundError(plan.operations.length);
    }
    return;
  }

  if (desired.suspend && hasChanges(plan)) {
    // The break-glass switch an on-call admin merges: this apply run only plans until `suspend` is removed.
    log.warn(SUSPENDED_NOTE);
    state.summary.push(`**Suspended**: ${SUSPENDED_NOTE}\n\n${fitSummary((max) => planSummary(plan, context, max))}`);
    return;
  }
  if (!hasChanges(plan)) {
    state.summary.push(fitSummary((max) => applySummary(plan, undefined, context, max)));
    log.info(kind.drift ? 'No drift: nothing to correct.' : 'Nothing to apply.');
    return;
  }
  // The plan goes into the summary first: if apply is refused (mass delete, preflight), the reader still sees it.
  const at = state.summary.push(fitSummary((max) => planSummary(plan, context, max))) - 1;
  const interrupt = onInterrupt({ log, work: 'operation', host: state.host });
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, api, {
      concurrency: settings.concurrency,
      downloadTimeoutMs: settings.downloadTimeoutMs,
      allowMassDelete: settings.allowMassDelete,
      dryRun: false,
      skipPreflight: settings.skipPreflight,
      observed,
      review,
      signal: interrupt.signal,
      onEvent: (event) => logApplyEvent(event, log),
    });
  } finally {
    interrupt.dispose();
  }
  state.summary[at] = fitSummary((max) => applySummary(plan, result, context, max));
  log.info(applyCountLine(result));
  await commentOnMergedPullRequest(state, { result });
  if (result.interrupted && interrupt.received) {
    state.interruptedWith = interrupt.exitCode;
    throw new InterruptedError(interrupt.received);
  }
  const unfinished = result.counts.failed + result.counts.skipped;
  if (unfinished > 0) {
    throw new UserError(
      `${result.counts.failed} operation(s) failed and ${result.counts.skipped} were skipped: ${applyCountLine(result)} ` +
        'Fix the cause and run again: only what still differs is sent.',
    );
  }
}

/** Relative config paths start at the workspace; kept relative to the working directory for short messages. */
function configPath(settings: ActionSettings, runner: RunnerContext): string {
  if (isAbsolute(settings.config)) return settings.config;
  return relative(process.cwd(), resolve(runner.workspace, settings.config)) || '.';
}

function commentTarget(settings: ActionSettings): CommentTarget {
  return { apiUrl: settings.apiUrl, config: settings.config };
}

function commentLinks(runner: RunnerContext) {
  return { sha: runner.pullRequest?.headSha ?? runner.sha, runUrl: runner.runUrl };
}

/** The review in the Action's words: an input to set rather than a flag to pass. */
function inActionFindings(review: PlanReview): Findings {
  const reword = <D extends Diagnostic>(d: D): D => ({
    ...d,
    message: inActionTerms(d.message),
    ...(d.hint !== undefined && { hint: inActionTerms(d.hint) }),
  });
  return { errors: review.errors.map(reword), warnings: review.warnings.map(reword) };
}

/** Warnings as annotations on the file and line they concern (GitHub shows 10 per step; the plan lists them all). */
function annotate(diagnostics: readonly Diagnostic[], title: string, runner: RunnerContext, redactor: Redactor): void {
  for (const a of annotationsFor(diagnostics, title, runner.workspace).annotations) {
    const message = redactor.redact(a.message);
    if (a.level === 'error') core.error(message, a.properties);
    else core.warning(message, a.properties);
  }
}

async function writeOutputs(
  plan: Plan,
  findings: Findings,
  settings: ActionSettings,
  runner: RunnerContext,
  redactor: Redactor,
): Promise<void> {
  // One file per instance and config, so several steps in one job do not overwrite each other's plan.
  const id = createHash('sha256').update(`${settings.apiUrl}\0${settings.config}`).digest('hex').slice(0, 12);
  const planFile = join(runner.runnerTemp, `ghes-gitops-plan-${id}.json`);
  await mkdir(runner.runnerTemp, { recursive: true });
  await writeFile(planFile, `${redactor.redact(renderPlanJson(plan, findings))}\n`);
  const outputs: Record<string, string> = {
    'has-changes': String(hasChanges(plan)),
    creates: String(plan.summary.create),
    updates: String(plan.summary.update),
    deletes: String(plan.summary.delete),
    downloads: String(plan.summary.download),
    'plan-file': planFile,
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redactor.redact(value));
}

/**
 * Posts or updates the sticky comment when this run is about a pull request and comments are on. A comment that
 * cannot be posted is a warning, not a failure: the plan itself is in the job summary and the outputs.
 */
async function commentOnPullRequest(state: RunState, body: (target: CommentTarget) => string): Promise<void> {
  const { settings, runner, redactor } = state;
  if (!settings?.comment || !runner) return;
  if (!runner.pullRequest) {
    if (state.kind?.action === 'plan' && runner.eventName.startsWith('pull_request')) {
      core.warning('no pull request number in the event payload: the plan is in the job summary only');
    }
    return;
  }
  if (!settings.githubToken) {
    core.warning('the `github-token` input is empty: no pull-request comment (the plan is in the job summary)');
    return;
  }
  const target = commentTarget(settings);
  try {
    const outcome = await upsertComment(
      await createGitHubClient(settings.githubToken, runner.apiUrl),
      runner.pullRequest,
      commentMarker(target),
      redactor.redact(body(target)),
    );
    core.info(`${outcome.action} the plan comment: ${outcome.url}`);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const hint =
      status === 403 || status === 404
        ? ' Give the job `permissions: pull-requests: write`; on pull requests from forks the token is read-only.'
        : '';
    const message = error instanceof Error ? error.message : String(error);
    core.warning(
      redactor.redact(
        `could not post the plan comment on pull request #${runner.pullRequest.number}: ${message}.${hint}`,
      ),
    );
  }
}

/** A pull request from a fork runs without secrets: no token, and nothing can be planned. Not a failure. */
function forkWithoutSecrets(runner: RunnerContext): boolean {
  return runner.pullRequest?.fromFork === true && runner.eventName !== 'pull_request_target';
}

function skipForkPullRequest(state: RunState, runner: RunnerContext): void {
  const message =
    `pull request #${runner.pullRequest!.number} comes from a fork, and GitHub gives workflows on pull requests ` +
    'from forks no secrets, so the `token` input is empty: nothing was planned and nothing was sent. The plan is ' +
    'made when a maintainer merges it (or pushes the branch to this repository).';
  core.notice(`Skipped: ${message}`);
  state.summary.push(
    `## ghes-gitops plan\n\n**Skipped**: ${message} Do not switch to \`pull_request_target\` to get the secret: ` +
      "that runs the fork's configuration with the site-admin token (see the README's Security section).\n",
  );
}

/**
 * After an apply from a push, tells the pull request that was merged what happened to the instance. Best effort:
 * a comment that cannot be posted is a warning, and a push with no merged pull request behind it gets none.
 */
async function commentOnMergedPullRequest(
  state: RunState,
  outcome: { result: ApplyResult } | { failure: string },
): Promise<void> {
  const { settings, runner, redactor } = state;
  if (!settings?.comment || !runner || runner.eventName !== 'push' || !runner.sha || !runner.repository) return;
  if (state.applyCommented || !settings.githubToken) return;
  state.applyCommented = true;
  const github = await createGitHubClient(settings.githubToken, runner.apiUrl);
  const target = commentTarget(settings);
  try {
    const pull = await mergedPullRequest(github, runner.repository, runner.sha);
    if (!pull) {
      core.info(`no merged pull request contains ${runner.sha.slice(0, 7)}: no apply comment`);
      return;
    }
    const body = applyCommentBody(outcome, target, runner.sha, commentLinks(runner));
    const posted = await upsertComment(github, pull, applyCommentMarker(target, runner.sha), redactor.redact(body));
    core.info(`${posted.action} the apply comment on pull request #${pull.number}: ${posted.url}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.warning(
      redactor.redact(
        `could not comment the apply result on the merged pull request: ${message}. Give the job ` +
          '`permissions: pull-requests: write`; the result is in the job summary.',
      ),
    );
  }
}

function logApplyEvent(event: ApplyEvent, log: Logger): void {
  if (event.type === 'download-progress') {
    log.info(`  ↓ ${event.operation.key}: download ${event.state}`);
  } else if (event.type === 'done') {
    const { operation, status, error } = event.result;
    if (status === 'succeeded') log.info(`  ✓ ${describeOperation(operation)}`);
    else if (status === 'failed') log.error(`${describeOperation(operation)} failed: ${error ?? 'unknown error'}`);
    else log.info(`  ${status.replace('_', ' ')}: ${describeOperation(operation)}${error ? ` (${error})` : ''}`);
  }
}

/**
 * Reports a failure where a reader looks: annotations for located diagnostics, the job summary, and on a pull
 * request the sticky comment (a plan from an earlier commit must not stay up looking current). Returns the
 * message the step fails with.
 */
async function reportFailure(error: unknown, state: RunState): Promise<string> {
  const { redactor } = state;
  let failure: string;
  let details: string;
  const located = locatedProblems(error);
  if (located) {
    const { diagnostics, title, singular, plural } = located;
    const planned = annotationsFor(diagnostics, title, state.runner?.workspace ?? process.cwd());
    // The full list goes to the log; the annotations carry the first few to the file and line.
    core.info(redactor.redact(located.message));
    for (const a of planned.annotations) {
      const message = redactor.redact(a.message);
      if (a.level === 'error') core.error(message, a.properties);
      else core.warning(message, a.properties);
    }
    failure = failureSummary(planned, singular, plural) + (error instanceof PreflightError ? PREFLIGHT_HINT : '');
    details = inActionTerms(located.message);
  } else if (error instanceof UserError) {
    failure = inActionTerms(error.message);
    details = failure;
  } else {
    const text = error instanceof Error ? sourceMappedStack(error.stack ?? error.message) : String(error);
    failure = `internal error (please report it): ${text}`;
    details = failure;
  }
  if (state.summary.length === 0 && state.settings && state.runner && state.kind) {
    const context = { kind: state.kind, target: commentTarget(state.settings), eventName: state.runner.eventName };
    state.summary.push(summaryHeading(context));
  }
  state.summary.push(failureSection(redactor.redact(details)));
  if (state.kind?.action === 'apply') {
    await commentOnMergedPullRequest(state, { failure: redactor.redact(details) });
  }
  // A plan that was shown (changes found, or refusals listed in it) stays in the comment; any other failure replaces it.
  if (
    state.kind?.action === 'plan' &&
    !(error instanceof ChangesFoundError || error instanceof ApplyWouldRefuseError)
  ) {
    await commentOnPullRequest(state, (target) =>
      failureCommentBody(redactor.redact(details), target, state.runner ? commentLinks(state.runner) : {}),
    );
  }
  return failure;
}

const PREFLIGHT_HINT =
  ' Fix the scripts, or set `skip-preflight: true` to apply without checking them (pushes fail on a missing script).';

/** Errors that carry diagnostics with a file and line, and how to speak of them. */
function locatedProblems(
  error: unknown,
): { diagnostics: Diagnostic[]; message: string; title: string; singular: string; plural: string } | undefined {
  if (error instanceof ConfigError) {
    return {
      diagnostics: error.diagnostics,
      message: error.message,
      title: 'ghes-gitops: configuration error',
      singular: 'error in the configuration',
      plural: 'errors in the configuration',
    };
  }
  if (error instanceof PlanRefusedError) {
    return {
      diagnostics: error.reasons,
      message: error.message,
      title: 'ghes-gitops: plan refused',
      singular: 'reason the plan was refused',
      plural: 'reasons the plan was refused',
    };
  }
  if (error instanceof ApplyWouldRefuseError) {
    return {
      diagnostics: error.problems,
      message: error.message,
      title: 'ghes-gitops: apply would refuse this plan',
      singular: 'problem apply would refuse',
      plural: 'problems apply would refuse',
    };
  }
  if (error instanceof PreflightError) {
    return {
      diagnostics: error.problems,
      message: error.message,
      title: 'ghes-gitops: preflight',
      singular: 'problem with a hook script (preflight)',
      plural: 'problems with hook scripts (preflight)',
    };
  }
  return undefined;
}

async function writeSummary(state: RunState): Promise<void> {
  if (state.summary.length === 0) return;
  if (!state.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  try {
    await core.summary.addRaw(state.redactor.redact(state.summary.join('\n'))).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function actionLogger(redactor: Redactor): Logger {
  return {
    debug: (message) => core.debug(redactor.redact(message)),
    info: (message) => core.info(redactor.redact(message)),
    warn: (message) => core.warning(redactor.redact(message)),
    error: (message) => core.error(redactor.redact(message)),
  };
}
