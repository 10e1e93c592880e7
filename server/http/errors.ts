/**
 * The error catalogue in action: ParleyError carries a stable code from protocol.ts, and one
 * handler turns it — and every error Fastify or a plugin raises — into
 * `{ error: { code, message } }` with the catalogue's status. No other error shape leaves the server.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ERROR, LIMITS, type ErrorBody, type ErrorName } from '../../protocol/protocol.ts';
import { GoneError, StoreUnavailableError } from '../store/store.ts';

export class ParleyError extends Error {
  readonly kind: ErrorName;
  readonly details: Record<string, unknown> | undefined;
  constructor(kind: ErrorName, message: string, details?: Record<string, unknown>) {
    super(message);
    this.kind = kind;
    this.details = details;
  }
  get status(): number {
    return ERROR[this.kind];
  }
  toBody(): ErrorBody {
    return { error: { code: `PARLEY_ERR_${this.kind}`, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Operational trouble with the database: the client retries soon, and nothing was stored. */
const STORAGE: Record<StoreUnavailableError['reason'], { kind: ErrorName; message: string; retryAfterSeconds: number }> = {
  busy: { kind: 'STORAGE_BUSY', message: 'The database is busy; nothing was stored. Retry shortly.', retryAfterSeconds: 2 },
  full: { kind: 'STORAGE_FULL', message: 'The server\'s disk is full; nothing was stored. Retry later.', retryAfterSeconds: 30 },
  unavailable: { kind: 'STORAGE_UNAVAILABLE', message: 'The database cannot be reached right now; nothing was stored. Retry shortly.', retryAfterSeconds: 5 },
};

export function fromStore(error: StoreUnavailableError): ParleyError {
  const { kind, message, retryAfterSeconds } = STORAGE[error.reason];
  return new ParleyError(kind, message, { retryAfterSeconds });
}

/**
 * What was there when the request looked is gone by the time it wrote (deleted, or a visitor
 * merged into another): "not found", as it would have been a moment later. A visitor's own request
 * never gets this far (visitor-gone.ts answers it as whoever its token finds now).
 */
export function fromGone(error: GoneError): ParleyError {
  return error.what === 'visitor'
    ? new ParleyError('VISITOR_NOT_FOUND', 'This visitor no longer exists: their data was deleted, or they were merged into another visitor.')
    : new ParleyError('CONVERSATION_NOT_FOUND', 'This conversation no longer exists: it was deleted meanwhile.');
}

/**
 * Operators hear of each kind of storage trouble once a minute, as a warning with the cause — not
 * once per request, and not as "a bug".
 */
const LOG_STORAGE_EVERY_MS = 60_000;
const storageLogged = new Map<string, number>();
function logStorageOnce(request: FastifyRequest, error: StoreUnavailableError): void {
  const now = Date.now();
  if (now - (storageLogged.get(error.reason) ?? -Infinity) < LOG_STORAGE_EVERY_MS) return;
  storageLogged.set(error.reason, now);
  request.log.warn({ reason: error.reason, cause: String((error.cause as Error | undefined)?.message ?? error.message) }, `storage trouble: ${error.message}`);
}

/** Maps what Fastify and its plugins throw onto the catalogue. */
function fromFastify(error: FastifyError): ParleyError {
  if (error.validation) {
    return new ParleyError('BAD_REQUEST', `Invalid request: ${error.message}`);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ParleyError('BODY_TOO_LARGE', `The request body is larger than ${LIMITS.requestBodyMaxBytes} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ParleyError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ParleyError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new ParleyError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (error.statusCode === 429) return new ParleyError('RATE_LIMITED', 'Too many requests; slow down and retry later.');
  if (error.statusCode === 404) return new ParleyError('NOT_FOUND', 'No such resource.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ParleyError('BAD_REQUEST', error.message);
  }
  return new ParleyError('INTERNAL', 'Something went wrong on the server; it has been logged.');
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof StoreUnavailableError) logStorageOnce(request, error);
    const parley = error instanceof ParleyError ? error
      : error instanceof StoreUnavailableError ? fromStore(error)
      : error instanceof GoneError ? fromGone(error)
      : fromFastify(error);
    if (parley.kind === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    const headers = parley.details?.retryAfterSeconds ? { 'retry-after': String(parley.details.retryAfterSeconds) } : {};
    return reply.status(parley.status).headers(headers).send(parley.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ParleyError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`);
    return reply.status(error.status).send(error.toBody());
  });
}
