/**
 * The OpenAPI description (issue 15) against the live server and the docs, so none of the three
 * can drift: every API route the router has is described with each of its methods, every
 * described operation is a route, every endpoint a heading of docs/protocol.md names is described,
 * and every described path is mentioned in docs/protocol.md. The router's own table
 * (printRoutes) is read independently of @fastify/swagger, which builds the document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPENAPI_PATH } from '../protocol/api-tokens.ts';
import { http, startServer, type TestServer } from './harness.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Operation = `${(typeof METHODS)[number]} ${string}`;

/** Every route of the router as "METHOD /path/:param", from printRoutes' tree (HEAD and OPTIONS left out). */
function routerTable(printed: string): Set<Operation> {
  const operations = new Set<Operation>();
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const [, segment, methods = ''] = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 4))!;
    const full = `${depth === 0 ? '' : stack[depth - 1]}${segment}`;
    stack[depth] = full;
    stack.length = depth + 1;
    for (const method of methods.split(', ')) {
      if ((METHODS as readonly string[]).includes(method)) operations.add(`${method as (typeof METHODS)[number]} ${full}`);
    }
  }
  return operations;
}

/** "/v1/sites/{siteId}" → "/v1/sites/:siteId", the router's spelling. */
const colonPath = (openapiPath: string) => openapiPath.replace(/\{(\w+)\}/g, ':$1');
/** Parameters of any name (`:id`, `:conversationId`, `$CONVERSATION`, `${SITE}`) as one mark, query strings cut. */
const shape = (path: string) => path.split('?')[0]!.replace(/(:\w+|\$\{?\w+\}?)/g, ':').replace(/\/+$/, '');

describe('the OpenAPI description', () => {
  let server: TestServer;
  let document: { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { responses: object; 'x-parley-api-token'?: unknown }>> };
  let described: Set<Operation>;

  before(async () => {
    server = await startServer({ inject: true });
    const answer = await http(`${server.url}${OPENAPI_PATH}`);
    assert.equal(answer.status, 200);
    document = answer.body;
    described = new Set(Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${colonPath(path)}` as Operation)));
  });
  after(() => server?.close());

  it(`is an OpenAPI 3.1 document at ${OPENAPI_PATH}, with the server's name and version`, () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.title, 'Parley');
    assert.equal(document.info.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
    assert.ok(described.size > 50, `only ${described.size} operations`);
  });

  it('describes every API route the server has, each with every method, and nothing else', () => {
    const routes = routerTable(server.app.printRoutes({ commonPrefix: false }));
    const api = [...routes].filter((op) => op.split(' ')[1]!.startsWith('/v1/'));
    assert.ok(api.length > 50, `read ${api.length} API routes from the router`);
    const undescribed = api.filter((op) => !described.has(op));
    assert.deepEqual(undescribed, [], 'routes missing from the description');
    for (const op of described) {
      const [method, url] = op.split(' ') as [(typeof METHODS)[number], string];
      assert.ok(server.app.hasRoute({ method, url }), `${op} is described but no such route exists`);
      assert.ok(url.startsWith('/v1/'), `${op}: only the API is described, not pages or assets`);
    }
  });

  it('describes the successful answer of every operation, from the schema that serialises it', () => {
    const undescribed: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const answers = Object.entries(operation.responses as Record<string, { content?: Record<string, { schema?: object }> }>)
          .filter(([status]) => /^2\d\d$/.test(status));
        const described = answers.some(([status, answer]) => status === '204' || Object.values(answer.content ?? {}).some((media) => media.schema));
        if (!described) undescribed.push(`${method.toUpperCase()} ${path}`);
      }
    }
    assert.deepEqual(undescribed, [], 'operations whose answer has no schema');
  });

  it('says for every agent and owner operation whether an API token may call it, and with which scope', () => {
    const tokenRules = (path: string, method: string) => document.paths[path]![method]!['x-parley-api-token'];
    assert.deepEqual(tokenRules('/v1/agent/conversations', 'get'), { scope: 'read-only', sites: 'any' });
    assert.deepEqual(tokenRules('/v1/agent/conversations/{conversationId}/messages', 'post'), { scope: 'read-write', sites: 'any' });
    assert.deepEqual(tokenRules('/v1/admin/invites', 'post'), { scope: 'read-write', sites: 'every site' });
    assert.equal(tokenRules('/v1/admin/api-tokens', 'post'), false);
    assert.equal(tokenRules('/v1/agent/password', 'post'), false);
    assert.equal(tokenRules('/v1/agent/login', 'post'), undefined, 'signing in needs no credentials');
    for (const [path, item] of Object.entries(document.paths)) {
      if (!/^\/v1\/(agent|admin)\//.test(path) || ['/v1/agent/login', '/v1/agent/link', '/v1/agent/redeem'].includes(path)) continue;
      for (const [method, operation] of Object.entries(item)) assert.ok('x-parley-api-token' in operation, `${method} ${path}`);
    }
  });

  it('writes tuples (a business day\'s [from, to], a report\'s five scores) as JSON Schema 2020-12 does, with prefixItems', () => {
    const text = JSON.stringify(document);
    assert.doesNotMatch(text, /"items":\[/, 'a draft-07 tuple: OpenAPI 3.1 wants one schema in items');
    const hours = document.paths['/v1/admin/sites/{siteId}']!.patch! as unknown as { requestBody: { content: { 'application/json': { schema: any } } } };
    const range = hours.requestBody.content['application/json'].schema.properties.widget.properties.businessHours.properties.days.items.items;
    assert.equal(range.prefixItems.length, 2);
    assert.equal(range.items, false);
  });

  it('describes every endpoint that a heading of docs/protocol.md names, with that method', () => {
    const headings = readFileSync('docs/protocol.md', 'utf8').split('\n').filter((line) => /^#{2,4} /.test(line));
    const shapes = [...described].map((op) => ({ method: op.split(' ')[0]!, path: shape(op.split(' ')[1]!) }));
    let checked = 0;
    for (const heading of headings) {
      let methods: string[] = [];
      for (const [, span] of heading.matchAll(/`([^`]+)`/g)) {
        const [, named = '', path] = /^((?:(?:GET|POST|PUT|PATCH|DELETE)\|?)+)?\s*(\S+)?$/.exec(span!.trim()) ?? [];
        methods.push(...named.split('|').filter(Boolean));
        if (!path || !(path.startsWith('/v1/') || path.startsWith('…/'))) continue;
        const wanted = shape(path.replace(/^…/, ''));
        for (const method of methods.length > 0 ? methods : [null]) {
          const found = shapes.some((op) => (method === null || op.method === method)
            && (path.startsWith('…') ? op.path.endsWith(wanted) : op.path === wanted));
          assert.ok(found, `"${heading}" names ${method ?? 'any'} ${path}, which the description does not have`);
          checked++;
        }
        methods = [];
      }
    }
    assert.ok(checked > 25, `checked ${checked} endpoints named in headings`);
  });

  it('has every described path mentioned in docs/protocol.md, in full or by its last segments', () => {
    const lines = readFileSync('docs/protocol.md', 'utf8').split('\n');
    const full = new Set<string>();
    const tails: string[] = [];
    for (const line of lines) {
      // "`GET /v1/agent/held-emails`, `DELETE …/:heldEmailId`": a tail of parameters only follows
      // the full path before it on its line; any other tail ("…/read") is the end of some path.
      let last: string | null = null;
      for (const [, path, tail] of line.matchAll(/(\/v1\/[^\s`"')\]]+)|…(\/[^\s`"')\]]+)/g)) {
        if (path) full.add((last = shape(path)));
        else if (/\/[a-z]/.test(shape(tail!))) tails.push(shape(tail!));
        else if (last) full.add(`${last}${shape(tail!)}`);
      }
    }
    const unmentioned = Object.keys(document.paths).map(colonPath)
      .filter((path) => !full.has(shape(path)) && !tails.some((tail) => shape(path).endsWith(tail)));
    assert.deepEqual(unmentioned, [], 'paths the description has and docs/protocol.md never mentions');
  });
});
