// Odd responses: malformed JSON, an HTML page where JSON was expected, the wrong shape. Each gives an error that
// names the request, never a crash; what does not depend on the odd answer still happens, and a rerun converges
// without a duplicate. A proxy in front of the simulator garbles the answers chosen by each test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { applyPlan, connect, loadDesired, planChanges } from '../../src/reconcile.js';
import type { Simulator } from '../../src/sim/server.js';
import { expectNoDuplicates, repositories, runCli, simulator, TOKEN, writeConfig } from './helpers.js';

interface Garble {
  method: string;
  path: RegExp;
  /** What to answer instead; the request still reaches the simulator first when `forward` is set. */
  status: number;
  contentType: string;
  body: string;
  forward: boolean;
  times: number;
}

const proxies: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** A proxy to `sim` that garbles the matching answers; returns its API URL. */
async function garblingProxy(sim: Simulator, rules: Garble[]): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const path = (req.url ?? '/').replace(/^\/api\/v3/, '');
      const rule = rules.find((r) => r.times > 0 && r.method === req.method && r.path.test(path.split('?')[0]!));
      const forwarded = async () => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
        }
        return fetch(`${sim.origin}${req.url}`, {
          method: req.method,
          headers,
          ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
        });
      };
      if (rule) {
        rule.times--;
        if (rule.forward) await (await forwarded()).arrayBuffer();
        res.writeHead(rule.status, { 'content-type': rule.contentType });
        res.end(rule.body);
        return;
      }
      const answer = await forwarded();
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (key !== 'content-encoding' && key !== 'content-length' && key !== 'transfer-encoding') headers[key] = value;
      });
      res.writeHead(answer.status, headers);
      res.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxies.push({
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const config = {
  version: 1,
  hooks: [{ name: 'Check', script: 'check.sh', script_repository: 'platform/hooks', environment: 'Default' }],
  webhooks: [{ url: 'https://audit.example.com/in' }, { url: 'https://chat.example.com/in' }],
};

async function applyThrough(apiUrl: string, configPath: string) {
  const api = connect({ apiUrl, token: TOKEN }, { retryDelayMs: 1, rateLimitUnitMs: 1 });
  const desired = await loadDesired(configPath, {}, new Redactor());
  const { plan, observed } = await planChanges(desired, api, { syncSecrets: false });
  return applyPlan(plan, api, {
    concurrency: 2,
    downloadTimeoutMs: 5000,
    downloadPollMs: 5,
    allowMassDelete: false,
    dryRun: false,
    observed,
  });
}

describe('odd responses', () => {
  it('a create answered with malformed JSON fails that operation only, naming the request; a rerun adds no duplicate', async () => {
    const sim = await simulator({ initialState: repositories(['platform/hooks', 'check.sh']) });
    const proxy = await garblingProxy(sim, [
      // The webhook is created, but its answer is cut off mid-JSON.
      {
        method: 'POST',
        path: /^\/admin\/hooks$/,
        status: 201,
        contentType: JSON_TYPE,
        body: '{"id": 1, "conf',
        forward: true,
        times: 1,
      },
      // The hook's answer is an array where an object belongs.
      {
        method: 'POST',
        path: /^\/admin\/pre-receive-hooks$/,
        status: 201,
        contentType: JSON_TYPE,
        body: '[]',
        forward: true,
        times: 1,
      },
    ]);
    const configPath = await writeConfig(config);
    const result = await applyThrough(proxy, configPath);
    const failed = result.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.error)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^unexpected response to POST \/admin\/hooks: expected a global webhook to be a JSON object, got text "\{"id": 1, "conf"/,
        ),
        expect.stringMatching(
          /^unexpected response to POST \/admin\/pre-receive-hooks: expected a pre-receive hook to be a JSON object, got an array/,
        ),
      ]),
    );
    expect(result.counts).toMatchObject({ succeeded: 1, failed: 2 });

    // The objects exist: the rerun sees them and creates nothing again.
    const rerun = await applyThrough(proxy, configPath);
    expect(rerun.results.filter((r) => r.operation.action === 'create')).toEqual([]);
    expectNoDuplicates(sim);
    expect(sim.state.webhooks()).toHaveLength(2);
  });

  it('the CLI reports an HTML page instead of JSON as an error naming the request, not a crash', async () => {
    const sim = await simulator();
    const proxy = await garblingProxy(sim, [
      {
        method: 'GET',
        path: /^\/admin\/pre-receive-environments$/,
        status: 200,
        contentType: 'text/html',
        body: '<html><body>Sign in to your proxy</body></html>',
        forward: false,
        times: 10,
      },
    ]);
    const run = await runCli(['plan', '--config', await writeConfig(config)], {
      env: { GHES_API_URL: proxy, GHES_TOKEN: TOKEN },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /unexpected response to GET \/admin\/pre-receive-environments\?direction=asc&per_page=100: expected a JSON array, got text "<html>/,
    );
    expect(run.stderr).not.toMatch(/internal error| {4}at /);
  });
});
