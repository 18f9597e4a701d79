// The simulator's HTTP plumbing: request bodies in, JSON, HTML and empty answers out, as GHES and its load
// balancer send them. No GHES rules here; server.ts routes, access.ts authenticates, the route modules answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiResponse } from './route.js';

export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** An empty body is no body; anything that is not JSON is `ok: false` (the API answers 400). */
export function parseJson(raw: string): ParsedBody {
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A listen address as the host of a URL: a wildcard is reached on loopback, an IPv6 address in brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const BODY_LIMIT = 5 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        reject(new Error('request body too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that goes away mid-body: nothing to answer.
    req.on('error', () => resolve(''));
    req.on('aborted', () => resolve(''));
  });
}

export function sendApi(res: ServerResponse, response: ApiResponse): void {
  if (response.text !== undefined) {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.text) });
    res.end(response.text);
    return;
  }
  if (response.body === undefined) {
    if (res.destroyed || res.headersSent) return;
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
    res.statusCode = response.status;
    res.end();
    return;
  }
  sendJson(res, response.status, response.body, response.headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** 500 comes from the application (JSON); 502/503/504 from the load balancer in front of it (HTML). */
export function sendServerError(res: ServerResponse, status: number): void {
  if (status === 500) {
    sendJson(res, 500, { message: 'Server Error' });
    return;
  }
  if (res.destroyed || res.headersSent) return;
  const reason = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Error';
  const text = `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>\n`;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
