// The simulator's own control endpoints under /_sim, outside /api/v3: read or replace the state, read or clear the
// request log, script faults. For scripts and tools in other processes; tests in process call the Simulator.
import type { FaultKind, FaultPlanner } from './faults.js';
import { isRecord, parseJson } from './http.js';
import { MESSAGES } from './messages.js';
import type { RequestLog } from './request-log.js';
import { notFound, type ApiResponse } from './route.js';
import { SimStateError, type SimStateStore } from './state.js';

export interface Controlled {
  store: SimStateStore;
  log: RequestLog;
  faults: FaultPlanner;
}

export function handleControl(
  method: string,
  path: string,
  raw: string,
  { store, log, faults }: Controlled,
): ApiResponse {
  const parsed = parseJson(raw);
  if (!parsed.ok) return { status: 400, body: { message: MESSAGES.badJson } };
  const body = parsed.value;
  try {
    switch (`${method} ${path}`) {
      case 'GET /_sim/state':
        return { status: 200, body: store.snapshot() };
      case 'POST /_sim/state':
      case 'PUT /_sim/state':
        store.load(isRecord(body) ? body : {});
        return { status: 200, body: store.snapshot() };
      case 'POST /_sim/reset':
        store.reset();
        log.clear();
        faults.clearScripted();
        return { status: 204 };
      case 'GET /_sim/requests':
        return {
          status: 200,
          body: { in_flight: log.inFlight, peak_concurrency: log.peakConcurrency, requests: log.entries },
        };
      case 'DELETE /_sim/requests':
        log.clear();
        return { status: 204 };
      case 'POST /_sim/faults': {
        const f = isRecord(body) ? body : {};
        if (typeof f.path !== 'string' || typeof f.kind !== 'string') {
          return {
            status: 400,
            body: { message: 'body must be {path, kind, method?, times?, status?, latency_ms?}' },
          };
        }
        faults.inject(
          { method: typeof f.method === 'string' ? f.method : undefined, pathPattern: f.path },
          f.kind as FaultKind,
          typeof f.times === 'number' ? f.times : 1,
          {
            status: typeof f.status === 'number' ? f.status : undefined,
            latencyMs: typeof f.latency_ms === 'number' ? f.latency_ms : undefined,
          },
        );
        return { status: 204 };
      }
      case 'DELETE /_sim/faults':
        faults.clearScripted();
        return { status: 204 };
      default:
        return notFound();
    }
  } catch (error) {
    if (error instanceof SimStateError || error instanceof RangeError) {
      return { status: 400, body: { message: error.message } };
    }
    throw error;
  }
}
