// The daemon's HTTP endpoints on node:http: /healthz (liveness), /readyz (readiness), /metrics (Prometheus),
// /status (JSON) and, when a secret is set, POST /hooks/github. Small bodies, short timeouts, nothing else served.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../redact.js';
import type { DaemonMetrics } from './metrics.js';
import type { StatusDocument } from './status.js';
import { MAX_WEBHOOK_BODY_BYTES, receiveWebhook, type WebhookSettings } from './webhook.js';

export interface Listen {
  host: string;
  port: number;
}

export interface Endpoints {
  ready: () => boolean;
  status: () => StatusDocument;
  metrics: DaemonMetrics;
  /** undefined: POST /hooks/github answers 404, as an unknown path. */
  webhook?: WebhookSettings;
  onPush: () => void;
  log: Logger;
}

export interface DaemonServer {
  /** `http://HOST:PORT`, the port the system picked when 0 was asked. */
  readonly url: string;
  /** Closes the listener and every connection, idle or not. */
  close(): Promise<void>;
}

/** `127.0.0.1:9090`, `[::1]:9090`, `:9090` (every interface) → host and port. */
export function parseListen(text: string): Listen | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export async function startHttpServer(listen: Listen, endpoints: Endpoints): Promise<DaemonServer> {
  const server = createServer((req, res) => {
    handle(req, res, endpoints).catch((error: unknown) => {
      endpoints.log.error(
        `HTTP ${req.method ?? ''} ${pathOf(req)}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  // Slow or stuck clients must not hold sockets (Flux's receiver: 10 s to read headers, 30 s for the request).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, endpoints: Endpoints): Promise<void> {
  const method = req.method ?? 'GET';
  const path = pathOf(req);
  if (path === '/hooks/github' && endpoints.webhook) {
    if (method !== 'POST') return send(res, 405, 'use POST\n', { allow: 'POST' });
    return webhook(req, res, endpoints, endpoints.webhook);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    req.resume();
    return send(res, path === '/hooks/github' ? 404 : 405, 'not found\n');
  }
  switch (path) {
    case '/healthz':
      // Answering at all shows the event loop turns.
      return send(res, 200, 'ok\n');
    case '/readyz':
      return endpoints.ready() ? send(res, 200, 'ready\n') : send(res, 503, 'not ready\n');
    case '/metrics':
      return send(res, 200, await endpoints.metrics.text(), { 'content-type': endpoints.metrics.contentType });
    case '/status':
      return send(res, 200, `${JSON.stringify(endpoints.status(), null, 2)}\n`, {
        'content-type': 'application/json; charset=utf-8',
      });
    default:
      return send(res, 404, 'not found\n');
  }
}

async function webhook(
  req: IncomingMessage,
  res: ServerResponse,
  endpoints: Endpoints,
  settings: WebhookSettings,
): Promise<void> {
  const event = header(req, 'x-github-event');
  const metricEvent = event === 'push' || event === 'ping' ? event : 'other';
  const body = await readCapped(req, MAX_WEBHOOK_BODY_BYTES);
  if (body === undefined) {
    endpoints.metrics.webhook(metricEvent, 'too_large');
    // Close the connection: the rest of an oversized body is not worth reading.
    res.setHeader('connection', 'close');
    return send(res, 413, `payload larger than ${MAX_WEBHOOK_BODY_BYTES} bytes\n`);
  }
  const answer = await receiveWebhook(
    settings,
    {
      ...(event !== undefined && { event }),
      ...(header(req, 'x-hub-signature-256') && { signature: header(req, 'x-hub-signature-256') }),
    },
    body,
  );
  endpoints.metrics.webhook(answer.event, answer.result);
  endpoints.log.debug(`POST /hooks/github (${metricEvent}): ${answer.status} ${answer.message}`);
  if (answer.reconcile) endpoints.onPush();
  send(res, answer.status, `${answer.message}\n`);
}

/** The body as text, or undefined once it passes `limit` bytes (Content-Length says so, or the bytes do). */
function readCapped(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.once('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
