/**
 * Compile-time checks of Infer (json-schema.ts): `npm run typecheck` fails when a schema stops
 * deriving the type it should. Types only; nothing here runs.
 */
import type { ApiToken, CreateApiTokenRequest } from './api-tokens.ts';
import type { Infer } from './json-schema.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

const query = {
  type: 'object',
  required: ['view'],
  properties: {
    view: { enum: ['open', 'all'] },
    limit: { type: 'integer', default: 50 },
    q: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    avatar: { type: ['string', 'null'] },
    nested: { type: 'object', required: ['on'], properties: { on: { type: 'boolean' } } },
    exactly: { const: 7 },
    either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
  },
} as const;

holds<Equal<Infer<typeof query>, {
  view: 'open' | 'all';
  limit: number;
  q?: string;
  tags?: string[];
  avatar?: string | null;
  nested?: { on: boolean };
  exactly?: 7;
  either?: string | number;
  pair?: [string, number];
}>>();

holds<Equal<ApiToken['siteIds'], string[] | null>>();
holds<Equal<ApiToken['scope'], 'read-only' | 'read-write'>>();
holds<Equal<ApiToken['createdBy'], { id: string; name: string }>>();
holds<Equal<CreateApiTokenRequest, { name: string; scope: 'read-only' | 'read-write'; siteIds: string[] | null }>>();
