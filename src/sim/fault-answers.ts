// What a planned fault (faults.ts) looks like on the wire: a reset socket, no answer at all, a load balancer's
// 5xx page, a secondary rate limit with Retry-After. Faults after the state changed are server.ts's to send.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults.js';
import { sendJson, sendServerError } from './http.js';
import { DOCS_SECONDARY_RATE_LIMIT, MESSAGES } from './messages.js';

/** Answers a fault that stops the request before it reaches the state. Returns true when the request is done. */
export function answerFaultBefore(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  retryAfterSeconds: number,
): boolean {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return true;
    case 'hang':
      // Never answered; the socket is freed by the client giving up or by stop().
      return true;
    case '5xx-before':
      sendServerError(res, fault.status ?? 502);
      return true;
    case 'rate-limit':
      sendJson(
        res,
        fault.status ?? 403,
        { message: `${MESSAGES.secondaryRateLimit} ${requestId}.`, documentation_url: DOCS_SECONDARY_RATE_LIMIT },
        { 'retry-after': String(retryAfterSeconds) },
      );
      return true;
    default:
      return false;
  }
}
