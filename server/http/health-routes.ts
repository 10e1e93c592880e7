/**
 * For load balancers and monitors: `/healthz` says the process is up (restart it if not);
 * `/readyz` says it can serve — its database answers — so a balancer sends traffic elsewhere while
 * it cannot (503 with Retry-After).
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../readiness.ts';
import { ParleyError } from './errors.ts';

export async function healthRoutes(app: FastifyInstance, readiness: Readiness): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async () => {
    if (!(await readiness.check())) {
      throw new ParleyError('STORAGE_UNAVAILABLE', 'Not ready: the database cannot be reached.', { retryAfterSeconds: 5 });
    }
    return { ok: true };
  });
}
