// apply asks for `yes` on a terminal before sending anything, as terraform does: on a real pseudo-terminal through
// the bundle, and in-process with an injected terminal for what a pty cannot show apart (stdout from stderr).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { runCommand } from '../../src/cli/commands.js';
import { UserError } from '../../src/errors.js';
import { Redactor } from '../../src/redact.js';
import { runCli, runCliOnTty, STACK_FRAME } from '../helpers/cli.js';
import { mutations, scoped, type Fixtures } from '../helpers/harness.js';

const TOKEN = 'ghp_approveSuiteToken0123456789abc';
const CONFIG = 'version: 1\nwebhooks:\n  - url: https://a.example.com/x\n';
const QUESTION =
  /Do you want to apply these changes to http:\/\/127\.0\.0\.1:\d+\/api\/v3\?\s+Only 'yes' will be accepted to approve\.\s+Enter a value: /;

async function setup(fx: Fixtures) {
  const sim = await fx.simulator({ adminTokens: [TOKEN] });
  const config = fx.writeConfig(CONFIG);
  return { sim, config, env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN } };
}

/** Answers `text` once the question is on the screen, and records what had been sent by then. */
function answer(text: string, sent: () => string[]) {
  let before: string[] | undefined;
  return {
    onStdout: (seen: string, child: ChildProcess) => {
      if (before === undefined && /Enter a value: $/.test(seen)) {
        before = sent();
        child.stdin?.write(text);
      }
    },
    sentBeforeAnswer: () => before,
  };
}

describe.concurrent('on a terminal', () => {
  it('asks, and `yes` applies; nothing was sent before the answer', async ({ onTestFinished, skip }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, env } = await setup(fx);
    const reply = answer('yes\n', () => mutations(sim));
    const run = await runCliOnTty(['apply', '--config', config], { env, onStdout: reply.onStdout });
    if (!run) return skip('util-linux `script` is not installed');
    expect(run.stdout).toMatch(QUESTION);
    expect(run.stdout.indexOf('Plan: 1 to create')).toBeLessThan(run.stdout.indexOf('Do you want'));
    expect(reply.sentBeforeAnswer()).toEqual([]);
    expect(run.code).toBe(0);
    expect(mutations(sim)).toEqual(['POST /admin/hooks']);
  });

  it.for(['no\n', 'y\n', 'YES please\n', '\n'])(
    '%j cancels: exit 1, nothing sent',
    async (text, { onTestFinished, skip }) => {
      const fx = scoped(onTestFinished);
      const { sim, config, env } = await setup(fx);
      const run = await runCliOnTty(['apply', '--config', config], { env, ...answer(text, () => []) });
      if (!run) return skip('util-linux `script` is not installed');
      expect(run.stdout).toMatch(/Apply cancelled: the answer was not `yes`; nothing was sent\./);
      expect(run.stdout).not.toMatch(STACK_FRAME);
      expect(run.code).toBe(1);
      expect(mutations(sim)).toEqual([]);
    },
  );

  it.for([['--auto-approve'], ['--dry-run'], ['--format', 'json', '--auto-approve']])(
    '%j does not ask',
    async (flags, { onTestFinished, skip }) => {
      const fx = scoped(onTestFinished);
      const { sim, config, env } = await setup(fx);
      const run = await runCliOnTty(['apply', '--config', config, ...flags], { env });
      if (!run) return skip('util-linux `script` is not installed');
      expect(run.stdout).not.toMatch(/Do you want/);
      expect(run.code).toBe(0);
      expect(mutations(sim)).toEqual(flags.includes('--dry-run') ? [] : ['POST /admin/hooks']);
    },
  );
});

describe.concurrent('without a terminal', () => {
  it('applies without asking, as before', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, env } = await setup(fx);
    const run = await runCli(['apply', '--config', config], { env });
    expect(run.stderr).not.toMatch(/Do you want/);
    expect(run.code).toBe(0);
    expect(mutations(sim)).toEqual(['POST /admin/hooks']);
  });
});

describe('in-process, with an injected terminal', () => {
  function terminal() {
    const input = new PassThrough();
    const output = new PassThrough();
    let said = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
    return { input, output, interactive: true, said: () => said };
  }

  async function run(
    fx: Fixtures,
    flags: Record<string, string | boolean>,
    respond: (t: ReturnType<typeof terminal>) => void,
  ) {
    const { sim, config, env } = await setup(fx);
    const stdout: string[] = [];
    const t = terminal();
    const asked = new Promise<void>((resolve) => {
      t.output.on('data', () => {
        if (/Enter a value: $/.test(t.said())) resolve();
      });
    });
    void asked.then(() => respond(t));
    const outcome = runCommand(
      'apply',
      { config, ...flags },
      {
        redactor: new Redactor(),
        env,
        terminal: t,
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: () => true },
      },
    );
    return { sim, t, stdout, outcome };
  }

  it('end of input cancels with nothing sent', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { sim, outcome } = await run(fx, {}, (t) => t.input.end());
    await expect(outcome).rejects.toThrow(/Apply cancelled: the answer was missing \(end of input\); nothing was sent/);
    await expect(outcome).rejects.toBeInstanceOf(UserError);
    expect(mutations(sim)).toEqual([]);
  });

  it('--format json: the plan to read is shown with the question; stdout holds only the JSON document', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const { sim, t, stdout, outcome } = await run(fx, { format: 'json' }, (t) => t.input.write('yes\n'));
    expect(await outcome).toBe(0);
    expect(t.said()).toMatch(
      /\+ create webhook "https:\/\/a\.example\.com\/x"[\s\S]*Plan: 1 to create[\s\S]*Enter a value: /,
    );
    const document = JSON.parse(stdout.join('')) as { result: { counts: { succeeded: number } } };
    expect(document.result.counts.succeeded).toBe(1);
    expect(mutations(sim)).toEqual(['POST /admin/hooks']);
  });
});
