/**
 * Fastify's type provider for the JSON Schema literals of protocol/ (protocol/json-schema.ts):
 * with `app.withTypeProvider<JsonSchemaProvider>()`, a route's request.body, params and query, and
 * what its handler may return, are typed from the very schemas that validate and serialise them
 * (Fastify docs/Reference/Type-Providers.md) — no hand-written route generics to drift.
 */
import type { FastifyTypeProvider } from 'fastify';
import type { Infer } from '../../protocol/json-schema.ts';

export interface JsonSchemaProvider extends FastifyTypeProvider {
  validator: this['schema'] extends object ? Infer<this['schema']> : unknown;
  serializer: this['schema'] extends object ? Infer<this['schema']> : unknown;
}
