/**
 * A deadline for receiving a request body. Node's requestTimeout is one number for every request,
 * and uploads (issue 13) may take minutes where a JSON body (at most 64 KiB) takes milliseconds:
 * so the server-wide timeout is the uploads' (UPLOAD_TIMEOUT_SECONDS), and every other body must
 * arrive within this deadline, or its sender is cut off as stalled.
 */
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a long body itself (an upload): the short body deadline does not apply. */
    streamingBody?: boolean;
  }
}

export const BODY_DEADLINE_MS = 30_000;

export async function bodyDeadline(request: FastifyRequest): Promise<void> {
  if (request.raw.complete || request.routeOptions.config.streamingBody) return;
  const cut = setTimeout(() => request.raw.destroy(), BODY_DEADLINE_MS);
  cut.unref();
  const done = () => clearTimeout(cut);
  request.raw.once('end', done);
  request.raw.once('close', done);
}
