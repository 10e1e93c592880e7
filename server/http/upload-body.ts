/**
 * What an upload route needs that JSON routes must not have (issue 13): the request body as a
 * stream of bytes of any content type, read by the route itself; and, when the route answers
 * before the sender has finished (too large, refused type, not found), a bounded lingering close —
 * the rest is read and dropped for a few seconds so the sender can read the answer (closing at
 * once would reset the connection and lose it), then the connection is cut, so a 2 GB upload
 * costs neither memory nor a connection held open for its length.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const LINGER_MS = 3000;

/** In this scope: any body, of any content type, left unread for the route (bodyOf). */
export function acceptRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  scope.addHook('onResponse', async (request) => {
    if (request.raw.complete) return;
    request.raw.resume();
    const cut = setTimeout(() => request.raw.socket?.destroy(), LINGER_MS);
    cut.unref();
    request.raw.once('end', () => clearTimeout(cut));
  });
}

/** The body's bytes as they arrive; leaving the loop early leaves the connection open for the answer. */
export const bodyOf = (request: FastifyRequest): AsyncIterable<Uint8Array> => request.raw.iterator({ destroyOnReturn: false });

/** Content-Length when the sender gave one. */
export function declaredBytes(request: FastifyRequest): number | null {
  const length = Number(request.headers['content-length']);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}
