/**
 * Each shape once (issue 15): a request or response shape is written as a JSON Schema literal
 * (`as const`), and its TypeScript type is derived from it with Infer — so the route's validation,
 * its serialisation, the OpenAPI description (@fastify/swagger reads the same schema) and the
 * type the server and dashboard use cannot disagree. The server reaches it through Fastify's type
 * provider (server/http/json-schema-provider.ts); browser code imports the derived types only.
 *
 * Types only, no runtime: it covers the JSON Schema the routes use — type (one or a list),
 * properties with required, items (one schema, or a list of them for a tuple: draft-07's form, which
 * Fastify's Ajv validates), enum, const, anyOf/oneOf — rather than all of JSON Schema, the
 * way TypeBox's Static or json-schema-to-ts do, without the dependency. A property with a
 * `default` counts as present when validated input is read (Fastify's Ajv fills defaults in).
 */

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
type DefaultedKeys<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? K : never]: Infer<P[K]> }
      & { -readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? never : K]?: Infer<P[K]> }
    >
  : S extends { readonly additionalProperties: infer A extends object } ? Record<string, Infer<A>>
  : Record<string, unknown>;

/** `items: [a, b]`: a pair, as BusinessHours' [from, to]. */
type TupleOf<I extends readonly unknown[]> = { -readonly [K in keyof I]: Infer<I[K]> };

/** Distributes over a list of types: `type: ['string', 'null']` is `string | null`. */
type OfType<S, T> =
  T extends 'string' ? string
  : T extends 'integer' | 'number' ? number
  : T extends 'boolean' ? boolean
  : T extends 'null' ? null
  : T extends 'array' ? (S extends { readonly items: infer I } ? (I extends readonly unknown[] ? TupleOf<I> : Infer<I>[]) : unknown[])
  : T extends 'object' ? ObjectOf<S>
  : never;

/** The TypeScript type of the values a JSON Schema literal accepts. */
export type Infer<S> =
  S extends { readonly const: infer C } ? C
  : S extends { readonly enum: readonly (infer E)[] } ? E
  : S extends { readonly anyOf: readonly (infer A)[] } ? Infer<A>
  : S extends { readonly oneOf: readonly (infer A)[] } ? Infer<A>
  : S extends { readonly type: infer T } ? OfType<S, T extends readonly (infer U)[] ? U : T>
  : unknown;
