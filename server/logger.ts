/**
 * Fastify's logger options: JSON lines, and nothing secret in them. Requests are logged as method,
 * path and IP only — no headers (Authorization, cookies) and no query string (stream tickets).
 */
import type { Writable } from 'node:stream';

export function loggerOptions(level: string, stream?: Writable) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, path: request.url.split('?')[0], ip: request.ip }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
    redact: ['req.headers', 'headers.authorization', 'headers.cookie'],
  };
}
