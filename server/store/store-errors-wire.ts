/**
 * The store's errors across a thread boundary (sqlite-thread.ts): structured clone keeps an
 * Error's message but not its class or fields, and callers decide by class (a GoneError is a 404,
 * a StoreUnavailableError a 503 with Retry-After). Each known class is sent by name with its own
 * fields and rebuilt as an instance of the same class; anything else arrives as a plain Error
 * with its message and stack.
 */
import {
  AttachmentUnusableError, GoneError, LastOwnerError, RefusedError, StoreStartError, StoreUnavailableError,
} from './store.ts';

const CLASSES = { AttachmentUnusableError, GoneError, LastOwnerError, RefusedError, StoreStartError, StoreUnavailableError } as const;
type ClassName = keyof typeof CLASSES;

export interface WireError {
  className: ClassName | null;
  message: string;
  stack?: string;
  /** The cause's message (SQLite's own words, for the log), when there is one. */
  cause?: string;
  fields: Record<string, unknown>;
}

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { className: null, message: String(error), fields: {} };
  const className = (Object.keys(CLASSES) as ClassName[]).find((name) => error instanceof CLASSES[name]) ?? null;
  // Own enumerable fields (reason, what); of the cause only its message, which is cloneable.
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (key !== 'cause' && typeof value !== 'function') fields[key] = value;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return { className, message: error.message, stack: error.stack, ...(cause !== undefined && { cause }), fields };
}

export function fromWire(wire: WireError): Error {
  const error: Error = wire.className ? Object.create(CLASSES[wire.className].prototype) : new Error(wire.message);
  Object.defineProperty(error, 'message', { value: wire.message, writable: true, configurable: true });
  if (wire.stack) Object.defineProperty(error, 'stack', { value: wire.stack, writable: true, configurable: true });
  if (wire.cause !== undefined) Object.defineProperty(error, 'cause', { value: new Error(wire.cause), writable: true, configurable: true });
  Object.assign(error, wire.fields);
  return error;
}
