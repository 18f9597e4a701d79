// The example workflows (and the README's) are valid YAML, use only inputs action.yml declares, never overlap two
// applies, ask for the least permissions, and never apply from a pull request.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { globMatches } from '../../src/action/branches.js';
import { ROOT } from './harness.js';

/** The parts of a workflow file these checks read. */
interface Step {
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Concurrency {
  group: string;
  'cancel-in-progress'?: boolean | string;
}
interface Job {
  steps: Step[];
  'timeout-minutes'?: number;
  concurrency?: Concurrency;
  strategy?: { matrix: { include: Record<string, string>[] } };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: Concurrency;
  jobs: Record<string, Job>;
}

const dir = join(ROOT, 'examples', 'workflows');
const files = readdirSync(dir).filter((name) => name.endsWith('.yml'));
const inputs = Object.keys((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs);

function load(text: string): Workflow {
  const docs = parseAllDocuments(text);
  expect(docs).toHaveLength(1);
  expect(docs[0]!.errors).toEqual([]);
  return docs[0]!.toJS() as Workflow;
}

function ourSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.filter((step) => (step.uses ?? '').startsWith('ghes-gitops/ghes-gitops@')),
  );
}

/** Every `${VAR}` the example configs read. */
const CONFIG_VARIABLES = [
  ...[
    'ghes-gitops.yml',
    'minimal.yml',
    ...readdirSync(join(ROOT, 'examples', 'multi-file')).map((f) => `multi-file/${f}`),
  ]
    .map((file) => readFileSync(join(ROOT, 'examples', file), 'utf8'))
    .join('\n')
    .matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g),
].map((m) => m[1]!);

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- action:start -->'), readme.indexOf('<!-- action:end -->'));
const readmeWorkflow = /```yaml\n(# \.github\/workflows\/[\s\S]*?)```/.exec(section)?.[1];

describe('example workflows', () => {
  it('are the four the README lists', () => {
    expect(files.sort()).toEqual([
      'apply-on-push.yml',
      'drift-correction.yml',
      'multi-instance.yml',
      'plan-on-pull-request.yml',
    ]);
    for (const file of files) expect(section).toContain(`(examples/workflows/${file})`);
  });

  describe.each([
    ...files.map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
    ['README', readmeWorkflow ?? ''],
  ])('%s', (_name, text) => {
    const workflow = load(text);
    const events = Object.keys(workflow.on);
    const pullRequests = events.some((event) => event.startsWith('pull_request'));
    const steps = ourSteps(workflow);

    it('pins the Action by commit SHA (there is no v1 tag), with inputs action.yml declares and the token from a secret', () => {
      expect(steps.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/ghes-gitops\/ghes-gitops@v\d/);
      for (const step of steps) {
        expect(step.uses).toMatch(/^ghes-gitops\/ghes-gitops@[0-9a-f]{40}$/);
        for (const name of Object.keys(step.with ?? {})) expect(inputs, name).toContain(name);
        expect(step.with?.token).toMatch(/^\$\{\{ secrets[.[]/);
      }
    });

    it('asks for contents: read, and pull-requests: write only where it comments (plans, and applies after a merge)', () => {
      const comments = pullRequests || events.includes('push');
      const expected = comments ? { contents: 'read', 'pull-requests': 'write' } : { contents: 'read' };
      expect(workflow.permissions).toEqual(expected);
    });

    it('has a concurrency group that never cancels an apply', () => {
      const groups = [workflow.concurrency, ...Object.values(workflow.jobs).map((job) => job.concurrency)].filter(
        (group): group is Concurrency => group !== undefined,
      );
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) {
        expect(group.group).toMatch(/ghes-gitops/);
        if (events.some((event) => !event.startsWith('pull_request'))) {
          // Either never cancelled, or cancelled only on pull requests.
          expect([false, "${{ github.event_name == 'pull_request' }}"]).toContain(group['cancel-in-progress']);
        }
      }
    });

    it('never asks to apply from a pull request', () => {
      if (pullRequests) for (const step of steps) expect(step.with?.mode).not.toBe('apply');
    });

    it('sets only the secret variables the example configs read', () => {
      for (const step of steps) {
        for (const name of Object.keys(step.env ?? {})) expect(CONFIG_VARIABLES, name).toContain(name);
      }
    });

    it('bounds every job with timeout-minutes', () => {
      for (const [name, job] of Object.entries(workflow.jobs)) expect(job['timeout-minutes'], name).toBeGreaterThan(0);
    });

    it('triggers on changes to the config it uses and to its own file, where it filters by paths', () => {
      const own = /^# (\.github\/workflows\/[\w.-]+\.yml)$/m.exec(text)?.[1];
      expect(own, 'a first line naming where the file goes').toBeDefined();
      for (const event of ['pull_request', 'push']) {
        const paths = (workflow.on[event] as { paths?: string[] } | null)?.paths;
        if (!paths) continue;
        expect(paths, event).toContain(own);
        for (const step of steps) {
          const config = (step.with?.config ?? 'ghes-gitops.yml').replace(/\$\{\{[^}]*\}\}/g, 'x');
          expect(
            paths.some((pattern) => globMatches(pattern, config) || globMatches(pattern, `${config}/x.yml`)),
            `${event}: ${config}`,
          ).toBe(true);
        }
      }
    });
  });

  it('runs one job per instance, each with its own config directory, API URL and token secret', () => {
    const workflow = load(readFileSync(join(dir, 'multi-instance.yml'), 'utf8'));
    const job = workflow.jobs['ghes-gitops']!;
    const instances = job.strategy!.matrix.include;
    expect(instances.length).toBeGreaterThanOrEqual(2);
    expect(new Set(instances.map((i) => i.api_url)).size).toBe(instances.length);
    expect(new Set(instances.map((i) => i.token_secret)).size).toBe(instances.length);
    const [step] = ourSteps(workflow);
    expect(step!.with).toMatchObject({
      config: 'instances/${{ matrix.instance }}/',
      'api-url': '${{ matrix.api_url }}',
      token: '${{ secrets[matrix.token_secret] }}',
    });
    expect(job.concurrency!.group).toContain('${{ matrix.instance }}');
  });

  it('can correct drift on demand as well as on the hour', () => {
    const workflow = load(readFileSync(join(dir, 'drift-correction.yml'), 'utf8'));
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
  });

  it('shares one apply group between apply-on-push and drift-correction', () => {
    const group = (file: string) => load(readFileSync(join(dir, file), 'utf8')).concurrency!.group;
    expect(group('apply-on-push.yml')).toBe(group('drift-correction.yml'));
  });
});
