/**
 * For load balancers and monitors: `/healthz` says the process is up (restart it if not);
 * `/readyz` says it can serve — its database answers — so a balancer sends traffic elsewhere while
 * it cannot (503 with Retry-After). Outside /v1, so not in the API description; its one shape is
 * defined here, as nothing else reads it.
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../readiness.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

const ok = { type: 'object', additionalProperties: false, required: ['ok'], properties: { ok: { type: 'boolean', const: true } } } as const;

export async function healthRoutes(scope: FastifyInstance, readiness: Readiness): Promise<void> {
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.get('/healthz', { schema: { response: { 200: { ...ok, description: 'The process is up' } } } }, async () => ({ ok: true as const }));
  app.get('/readyz', { schema: { response: { 200: { ...ok, description: 'The database answers' } } } }, async () => {
    if (!(await readiness.check())) {
      throw new ParleyError('STORAGE_UNAVAILABLE', 'Not ready: the database cannot be reached.', { retryAfterSeconds: 5 });
    }
    return { ok: true as const };
  });
}
