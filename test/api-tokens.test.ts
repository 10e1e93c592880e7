/**
 * API tokens (issue 15) over the real API: an owner makes one (shown once, stored hashed), a server
 * calls the agent and owner APIs with it instead of a cookie and CSRF header, and every limit holds
 * — read-only tokens only read, a token for one site reaches nothing else, tokens never manage
 * tokens, passwords or a person's own account, and whatever is refused changes nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { API_TOKEN_PATTERN, type ApiToken, type CreateApiTokenRequest } from '../protocol/api-tokens.ts';
import { sha256 } from '../server/auth/secrets.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { recordStoreWrites } from './support/store-writes.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

describe('API tokens', () => {
  let server: TestServer;
  let owner: Agent;
  let otherSiteId: string;

  before(async () => {
    server = await startServer({ inject: true });
    owner = await loginAgent(server, 'owner@test.local');
    otherSiteId = (await owner.admin('/sites', { method: 'POST', json: { name: 'Second shop' } })).body.site.id;
  });
  after(() => server?.close());

  async function create(request: CreateApiTokenRequest, by: Agent = owner): Promise<{ token: ApiToken; secret: string }> {
    const made = await by.admin('/api-tokens', { method: 'POST', json: request });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    return made.body;
  }
  /** A server's call: the token, no cookie, no CSRF header. */
  const withToken = (secret: string) => (method: string, path: string, json?: unknown) =>
    http(`${server.url}/v1${path}`, { method, json, headers: { authorization: `Bearer ${secret}` } });

  it('shows a new token once, keeps only its SHA-256, and lists it by name, scope, sites and hint', async () => {
    const { token, secret } = await create({ name: 'CRM sync', scope: 'read-write', siteIds: null });
    assert.match(secret, new RegExp(API_TOKEN_PATTERN), 'recognisable: parley_pat_ and 43 characters');
    assert.equal(token.hint, secret.slice(-4));
    assert.deepEqual({ name: token.name, scope: token.scope, siteIds: token.siteIds, createdBy: token.createdBy, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt },
      { name: 'CRM sync', scope: 'read-write', siteIds: null, createdBy: { id: server.owner.id, name: server.owner.name }, lastUsedAt: null, revokedAt: null });
    const listed = await owner.admin('/api-tokens');
    assert.equal(listed.status, 200);
    const entry = listed.body.tokens.find((t: ApiToken) => t.id === token.id);
    assert.deepEqual(entry, token);
    assert.ok(!JSON.stringify(listed.body).includes(secret), 'the list never shows the token');
    assert.ok(!JSON.stringify(listed.body).includes(sha256(secret)), 'nor its hash');
    assert.equal((await server.store.findApiToken(sha256(secret)))?.id, token.id, 'found by its hash');
    // Nowhere on disk: the database files hold the hash, never the token.
    for (const file of readdirSync(server.dataDir).filter((name) => name.startsWith('parley.db'))) {
      assert.ok(!readFileSync(join(server.dataDir, file)).includes(secret), `${file} holds the token`);
    }
  });

  it('lets a server call the agent and owner APIs as the token\'s owner, without cookie or CSRF header', async () => {
    const { secret } = await create({ name: 'Helpdesk bridge', scope: 'read-write', siteIds: null });
    const call = withToken(secret);
    const me = await call('GET', '/agent/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, server.owner.id);
    assert.equal(me.body.csrfToken, '', 'a token needs no CSRF token');
    assert.deepEqual(me.body.sites.map((s: { id: string }) => s.id).sort(), [server.site.id, otherSiteId].sort());

    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Is my order on its way?');
    const queue = await call('GET', '/agent/conversations?view=waiting');
    assert.ok(queue.body.conversations.some((c: { id: string }) => c.id === conversation.id));
    const reply = await call('POST', `/agent/conversations/${conversation.id}/messages`, { clientId: nanoid(), body: 'It ships today.' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.message.agent.id, server.owner.id, 'sent as the owner');
    const history = await visitor.call(`/conversations/${conversation.id}/messages`);
    assert.ok(history.body.messages.some((m: { body: string; author: string }) => m.body === 'It ships today.' && m.author === 'agent'), 'the visitor sees the reply');
    const renamed = await call('PATCH', `/admin/sites/${otherSiteId}`, { name: 'Second shop (EU)' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.site.name, 'Second shop (EU)');
  });

  it('lets a read-only token read, and refuses each of its writes with 403 TOKEN_READ_ONLY, changing nothing', async () => {
    const { secret } = await create({ name: 'Reporting', scope: 'read-only', siteIds: null });
    const call = withToken(secret);
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    assert.equal((await call('GET', '/agent/conversations?view=all')).status, 200);
    assert.equal((await call('GET', `/agent/conversations/${conversation.id}/messages`)).status, 200);
    assert.equal((await call('GET', `/admin/sites/${server.site.id}/export`)).status, 200);
    assert.equal((await call('GET', '/admin/users')).status, 200);
    const before = await server.store.getSite(server.site.id);
    const head = await server.store.headCursor();
    const writes = recordStoreWrites(server.app.services.store);
    try {
      for (const [method, path, json] of [
        ['POST', `/agent/conversations/${conversation.id}/messages`, { clientId: nanoid(), body: 'no' }],
        ['POST', `/agent/conversations/${conversation.id}/claim`, {}],
        ['PATCH', `/admin/sites/${server.site.id}`, { name: 'Renamed' }],
        ['POST', `/admin/sites/${server.site.id}/canned`, { shortcut: 'nope', body: 'no' }],
        ['DELETE', `/admin/visitors/${visitor.id}`, undefined],
      ] as const) {
        const refused = await call(method, path, json);
        assert.equal(refused.status, 403, `${method} ${path}`);
        assert.equal(refused.body.error.code, 'PARLEY_ERR_TOKEN_READ_ONLY');
        assert.match(refused.body.error.message, /read-only/);
      }
      assert.deepEqual(writes.calls(), [], 'nothing written');
    } finally {
      writes.restore();
    }
    assert.equal(await server.store.headCursor(), head, 'no event');
    assert.deepEqual(await server.store.getSite(server.site.id), before);
    assert.equal((await server.store.getConversation(conversation.id))!.status, 'waiting');
  });

  it('keeps a token for one site to that site: its conversations, settings and visitors only, and nothing that spans sites', async () => {
    const { secret } = await create({ name: 'Shop backend', scope: 'read-write', siteIds: [server.site.id] });
    const call = withToken(secret);
    const mine = await newVisitor(server);
    const mineConversation = await mine.start();
    const elsewhere = await http(`${server.url}/v1/sites/${otherSiteId}/session`, { method: 'POST', json: {} });
    const elsewhereConversation = await http(`${server.url}/v1/sites/${otherSiteId}/conversations`, {
      method: 'POST', json: { clientId: nanoid() }, headers: { authorization: `Bearer ${elsewhere.body.token}` },
    });
    assert.equal(elsewhereConversation.status, 200);

    const otherBefore = await server.store.getSite(otherSiteId);
    const me = await call('GET', '/agent/me');
    assert.deepEqual(me.body.sites.map((s: { id: string }) => s.id), [server.site.id]);
    assert.deepEqual((await call('GET', '/admin/sites')).body.sites.map((s: { id: string }) => s.id), [server.site.id]);
    const all = await call('GET', '/agent/conversations?view=all');
    assert.ok(all.body.conversations.some((c: { id: string }) => c.id === mineConversation.id));
    assert.ok(all.body.conversations.every((c: { siteId: string }) => c.siteId === server.site.id), 'no other site\'s conversations');
    const theirs = await call('GET', `/agent/conversations/${elsewhereConversation.body.conversation.id}`);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');
    assert.equal((await call('POST', `/agent/conversations/${elsewhereConversation.body.conversation.id}/claim`, {})).status, 404);

    for (const [method, path, json] of [
      ['PATCH', `/admin/sites/${otherSiteId}`, { name: 'Taken over' }],
      ['GET', `/admin/sites/${otherSiteId}/export`, undefined],
      ['GET', `/admin/sites/${otherSiteId}/canned`, undefined],
      ['GET', '/admin/users', undefined],
      ['POST', '/admin/invites', { email: 'eve@example.com', name: 'Eve', role: 'owner', siteIds: [server.site.id] }],
      ['PATCH', `/admin/users/${server.alice.id}`, { siteIds: [otherSiteId] }],
      ['POST', '/admin/sites', { name: 'Third shop' }],
    ] as const) {
      const refused = await call(method, path, json);
      assert.equal(refused.status, 403, `${method} ${path}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.code, 'PARLEY_ERR_TOKEN_SITE_LIMITED', `${method} ${path}`);
    }
    assert.deepEqual(await server.store.getSite(otherSiteId), otherBefore, 'the other site is untouched');
    const elsewhereVisitor = elsewhereConversation.body.conversation.visitorId;
    const deleteOther = await call('DELETE', `/admin/visitors/${elsewhereVisitor}`);
    assert.equal(deleteOther.status, 404, 'another site\'s visitor is not there for this token');
    assert.ok(await server.store.getVisitor(elsewhereVisitor), 'and is not deleted');
    assert.equal((await call('DELETE', `/admin/visitors/${mine.id}`)).status, 204, 'its own site\'s visitor can be deleted');
    // Its own site's settings, as any owner's.
    assert.equal((await call('PATCH', `/admin/sites/${server.site.id}`, { widget: { greeting: 'Hello from the backend' } })).status, 200);
  });

  it('never lets a token manage tokens, passwords, or a person\'s own account and presence', async () => {
    const { token, secret } = await create({ name: 'Everything', scope: 'read-write', siteIds: null });
    const call = withToken(secret);
    for (const [method, path, json] of [
      ['GET', '/admin/api-tokens', undefined],
      ['POST', '/admin/api-tokens', { name: 'another', scope: 'read-write', siteIds: null }],
      ['DELETE', `/admin/api-tokens/${token.id}`, undefined],
      ['POST', '/agent/password', { current: 'x', password: 'a much longer password' }],
      ['PATCH', '/agent/account', { name: 'Hijacked' }],
      ['POST', `/admin/users/${server.alice.id}/password-reset`, {}],
      ['POST', '/agent/presence', { status: 'away' }],
      ['POST', '/agent/logout', {}],
    ] as const) {
      const refused = await call(method, path, json);
      assert.equal(refused.status, 403, `${method} ${path}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.code, 'PARLEY_ERR_TOKEN_NOT_ALLOWED', `${method} ${path}`);
    }
    assert.equal((await server.store.getUser(server.owner.id))!.name, server.owner.name);
    assert.equal((await server.store.findApiToken(sha256(secret)))!.revokedAt, null, 'it could not revoke itself');
  });

  it('answers 401 for what is not a working token and 403 for what a working one may not do, each with its own code', async () => {
    const refusal = async (headers: Record<string, string>, path = '/agent/me') => {
      const response = await http(`${server.url}/v1${path}`, { headers });
      return [response.status, response.body?.error?.code];
    };
    assert.deepEqual(await refusal({ authorization: 'Bearer not-a-token' }), [401, 'PARLEY_ERR_TOKEN_INVALID']);
    assert.deepEqual(await refusal({ authorization: 'Bearer' }), [401, 'PARLEY_ERR_TOKEN_INVALID']);
    assert.deepEqual(await refusal({ authorization: `Bearer parley_pat_${'A'.repeat(43)}` }), [401, 'PARLEY_ERR_TOKEN_INVALID'], 'well-formed, unknown');
    const { token, secret } = await create({ name: 'Soon revoked', scope: 'read-only', siteIds: null });
    assert.deepEqual(await refusal({ authorization: `Bearer ${secret}` }), [200, undefined]);
    assert.deepEqual(await refusal({ authorization: `bearer   ${secret}` }), [200, undefined], 'the scheme in any case');
    assert.equal((await owner.admin(`/api-tokens/${token.id}`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(await refusal({ authorization: `Bearer ${secret}` }), [401, 'PARLEY_ERR_TOKEN_REVOKED']);
    // A proxy's Basic credentials in front of the dashboard are not a token: the cookie decides.
    assert.deepEqual(await refusal({ authorization: 'Basic dXNlcjpwYXNz', cookie: owner.cookie }), [200, undefined]);
    assert.deepEqual(await refusal({ authorization: 'Basic dXNlcjpwYXNz' }), [401, 'PARLEY_ERR_UNAUTHENTICATED']);
  });

  it('stops a token while its owner is disabled or no longer an owner, and lets it work again once they are', async () => {
    // A second owner's token, made as the route makes one (Oscar has no password to sign in with here).
    const other = await server.store.createUser({ email: 'oscar@test.local', name: 'Oscar Owner', role: 'owner', passwordHash: 'x', siteIds: [] });
    const secret = `parley_pat_${'o'.repeat(43)}`;
    await server.store.createApiToken({ name: 'Oscar\'s', scope: 'read-only', siteIds: null, hint: 'oooo', tokenHash: sha256(secret), createdBy: other.id });
    const call = withToken(secret);
    assert.equal((await call('GET', '/agent/me')).body.user.id, other.id);
    await owner.admin(`/users/${other.id}`, { method: 'PATCH', json: { disabled: true } });
    const disabled = await call('GET', '/agent/me');
    assert.deepEqual([disabled.status, disabled.body.error.code], [401, 'PARLEY_ERR_TOKEN_INVALID']);
    assert.match(disabled.body.error.message, /Oscar Owner/);
    await owner.admin(`/users/${other.id}`, { method: 'PATCH', json: { disabled: false, role: 'agent' } });
    assert.equal((await call('GET', '/agent/me')).status, 401, 'an agent\'s token is no owner\'s');
    await owner.admin(`/users/${other.id}`, { method: 'PATCH', json: { role: 'owner' } });
    assert.equal((await call('GET', '/agent/me')).status, 200);
  });

  it('refuses bad token requests with a clear error, and agents entirely', async () => {
    const head = (await owner.admin('/api-tokens')).body.tokens.length;
    for (const [json, code] of [
      [{ name: '', scope: 'read-only', siteIds: null }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: '   ', scope: 'read-only', siteIds: null }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: 'x'.repeat(81), scope: 'read-only', siteIds: null }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: 'x', scope: 'admin', siteIds: null }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: 'x', scope: 'read-only', siteIds: [] }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: 'x', scope: 'read-only' }, 'PARLEY_ERR_BAD_REQUEST'],
      [{ name: 'x', scope: 'read-only', siteIds: ['s_nope'] }, 'PARLEY_ERR_SITE_NOT_FOUND'],
    ] as const) {
      const refused = await owner.admin('/api-tokens', { method: 'POST', json });
      assert.equal(refused.body.error?.code, code, JSON.stringify(json));
      assert.ok(refused.body.error.message.length > 10);
    }
    assert.equal((await owner.admin('/api-tokens')).body.tokens.length, head, 'none made');
    const unknown = await owner.admin('/api-tokens/tok_nope', { method: 'DELETE' });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'PARLEY_ERR_NOT_FOUND']);
    const alice = await loginAgent(server, 'alice@test.local');
    for (const [method, json] of [['GET', undefined], ['POST', { name: 'x', scope: 'read-only', siteIds: null }]] as const) {
      const refused = await alice.admin('/api-tokens', { method, json });
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'PARLEY_ERR_FORBIDDEN']);
    }
    const noCsrf = await http(`${server.url}/v1/admin/api-tokens`, { method: 'POST', json: { name: 'x', scope: 'read-only', siteIds: null }, headers: { cookie: owner.cookie } });
    assert.equal(noCsrf.body.error.code, 'PARLEY_ERR_CSRF', 'a session still needs its CSRF header');
  });
});
