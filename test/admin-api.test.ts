import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../protocol/protocol.ts';
import { sha256 } from '../server/auth/secrets.ts';
import { createManualClock } from './support/manual-clock.ts';
import { housekeeping } from '../server/housekeeping.ts';
import { http, loginAgent, newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';

describe('owner configuration API', () => {
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof loginAgent>>;
  const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => owner.admin(path, init);

  before(async () => {
    server = await startServer();
    owner = await loginAgent(server, 'owner@test.local');
  });
  after(() => server.close());

  it('answers agents 403 on every owner endpoint', async () => {
    const agent = await loginAgent(server, 'alice@test.local');
    const site = server.site.id;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/v1/admin/sites'], ['POST', '/v1/admin/sites', { name: 'x' }], ['PATCH', `/v1/admin/sites/${site}`, { name: 'x' }],
      ['POST', `/v1/admin/sites/${site}/secret`], ['GET', `/v1/admin/sites/${site}/export`], ['GET', `/v1/admin/sites/${site}/canned`],
      ['POST', `/v1/admin/sites/${site}/canned`, { shortcut: 'x', body: 'y' }], ['DELETE', `/v1/admin/visitors/v_x`], ['GET', '/v1/admin/users'],
      ['POST', '/v1/admin/invites', { email: 'a@b.co', name: 'A', role: 'agent', siteIds: [] }], ['PATCH', `/v1/admin/users/${server.bob.id}`, { disabled: true }],
      ['POST', `/v1/admin/users/${server.bob.id}/password-reset`],
    ];
    for (const [method, path, json] of calls) {
      const response = await http(`${server.url}${path}`, { method, json, headers: { cookie: agent.cookie, 'x-parley-csrf': agent.csrf } });
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.equal(response.body.error.code, 'PARLEY_ERR_FORBIDDEN');
    }
    const bob = await http(`${server.url}/v1/agent/me`, { headers: { cookie: (await loginAgent(server, 'bob@test.local')).cookie } });
    assert.equal(bob.body.user.disabled, false, 'nothing changed');
  });

  it('pushes an appearance change to widgets already open, without reload', async () => {
    const visitor = await newVisitor(server);
    const stream = await visitor.stream(visitor.cursor);
    const changed = await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { color: '#0f766e', greeting: 'Hej!' } } });
    assert.equal(changed.status, 200);
    const config = await stream.until((e) => e.event === 'config');
    assert.equal(config.data.config.color, '#0f766e');
    assert.equal(config.data.config.greeting, 'Hej!');
    assert.ok(config.id, 'config changes are resumable events');
    stream.close();
  });

  it('rejects bad settings with a clear error and changes nothing', async () => {
    const before = await server.store.getSite(server.site.id);
    for (const json of [{ widget: { color: 'red' } }, { allowedOrigins: ['https://shop.example.com/path'] }, { retentionDays: 0 },
      { widget: { businessHours: { timeZone: 'Europe/Oslo', days: [[['09:00', '25:00']], [], [], [], [], [], []] } } },
      // Strings that fit the schema but that every visitor's browser would throw on.
      { widget: { locale: 'not a locale!!' } }, { widget: { locale: 'en_US' } },
      { widget: { businessHours: { timeZone: 'Mars/Olympus_Mons', days: [[], [], [], [], [], [], []] } } }]) {
      const response = await admin(`/sites/${server.site.id}`, { method: 'PATCH', json });
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.equal(response.body.error.code, 'PARLEY_ERR_BAD_REQUEST');
    }
    assert.deepEqual(await server.store.getSite(server.site.id), before, 'the site is exactly as it was');
  });

  it('stores a valid locale in its canonical form, so widgets get a tag every browser accepts', async () => {
    const saved = await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { locale: 'ZH-cn' } } });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.site.widget.locale, 'zh-CN');
    await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { locale: null } } });
  });

  it('applies allowed-origin changes to the API at once, wildcards included', async () => {
    const origin = 'https://help.shop.example';
    const before = await http(`${server.url}/v1/sites/${server.site.id}/session`, { method: 'POST', json: {}, headers: { origin } });
    assert.equal(before.status, 403);
    await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { allowedOrigins: ['http://localhost:5555', 'https://*.shop.example'] } });
    const afterChange = await http(`${server.url}/v1/sites/${server.site.id}/session`, { method: 'POST', json: {}, headers: { origin } });
    assert.equal(afterChange.status, 200);
  });

  it('invites an agent with a one-time link that logs them in to the chosen sites', async () => {
    const invite = await admin('/invites', { method: 'POST', json: { email: 'carol@test.local', name: 'Carol', role: 'agent', siteIds: [server.site.id] } });
    assert.equal(invite.status, 200);
    const token = new URLSearchParams(new URL(invite.body.url).hash.slice(1)).get('token')!;
    assert.match(invite.body.url, /\/app\/redeem#token=[\w-]+&kind=invite$/);
    const redeemed = await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'a long enough password' } });
    assert.equal(redeemed.status, 200);
    assert.equal(redeemed.body.user.email, 'carol@test.local');
    assert.deepEqual(redeemed.body.sites.map((s: { id: string }) => s.id), [server.site.id]);
    assert.ok(redeemed.headers.getSetCookie().some((c) => c.startsWith('parley_session=')));
    const again = await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'a long enough password' } });
    assert.equal(again.status, 410);
    assert.equal(again.body.error.code, 'PARLEY_ERR_LINK_INVALID');
    const taken = await admin('/invites', { method: 'POST', json: { email: 'CAROL@test.local', name: 'Carol', role: 'agent', siteIds: [] } });
    assert.equal(taken.body.error.code, 'PARLEY_ERR_EMAIL_TAKEN');
  });

  it('disabling an agent ends their sessions and closes their open stream at once', async () => {
    const invite = await admin('/invites', { method: 'POST', json: { email: 'dave@test.local', name: 'Dave', role: 'agent', siteIds: [server.site.id] } });
    const token = new URL(invite.body.url).hash.slice(1).split('&')[0]!.replace('token=', '');
    await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'dave password 123' } });
    const dave = await loginAgent(server, 'dave@test.local', 'dave password 123');
    const stream = await dave.stream();
    const disabled = await admin(`/users/${dave.me.user.id}`, { method: 'PATCH', json: { disabled: true } });
    assert.equal(disabled.body.user.disabled, true);
    const goodbye = await stream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'revoked');
    await stream.ended;
    assert.equal((await dave.call('/me')).status, 401);
    // With the right password, they are told why (issue 14); no session either way.
    const login = await http(`${server.url}/v1/agent/login`, { method: 'POST', json: { email: 'dave@test.local', password: 'dave password 123' } });
    assert.deepEqual([login.status, login.body.error.code], [403, 'PARLEY_ERR_ACCOUNT_DISABLED']);
    assert.ok(!login.headers.getSetCookie().some((cookie) => cookie.startsWith('parley_session=')));
  });

  it('resets a password with a one-time link, ending the old sessions', async () => {
    const bob = await loginAgent(server, 'bob@test.local');
    const reset = await admin(`/users/${server.bob.id}/password-reset`, { method: 'POST' });
    const token = new URL(reset.body.url).hash.slice(1).split('&')[0]!.replace('token=', '');
    const redeemed = await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'bob new password' } });
    assert.equal(redeemed.status, 200);
    assert.equal((await bob.call('/me')).status, 401);
    await loginAgent(server, 'bob@test.local', 'bob new password');
  });

  it('refuses one of two owners demoting each other at the same moment, so an owner is left', async () => {
    const { passwordHash } = (await server.store.getUserByEmail('owner@test.local'))!;
    const second = await server.store.createUser({ email: 'owen@test.local', name: 'Owen Owner', role: 'owner', passwordHash, siteIds: [] });
    // A session made in the store: logging in once more would run into the login rate limit.
    const token = randomBytes(24).toString('base64url');
    await server.store.createSession({ tokenHash: sha256(token), userId: second.id, csrfToken: 'owen-csrf', expiresAt: Date.now() + 3600_000 });
    const asOwen = (path: string, json: unknown) => http(`${server.url}/v1/admin${path}`, { method: 'PATCH', json, headers: { cookie: `${SESSION_COOKIE}=${token}`, 'x-parley-csrf': 'owen-csrf' } });
    const [byOlivia, byOwen] = await Promise.all([
      admin(`/users/${second.id}`, { method: 'PATCH', json: { role: 'agent' } }),
      asOwen(`/users/${server.owner.id}`, { role: 'agent' }),
    ]);
    const [done, refused] = byOlivia.status === 200 ? [byOlivia, byOwen] : [byOwen, byOlivia];
    assert.equal(done.status, 200);
    // Refused by the store (the other demotion came first), or at the door when the sender had
    // already been demoted by the time their request was let in.
    assert.ok(['409 PARLEY_ERR_LAST_OWNER', '403 PARLEY_ERR_FORBIDDEN'].includes(`${refused.status} ${refused.body.error?.code}`),
      `one of the two is refused, not ${refused.status} ${JSON.stringify(refused.body).slice(0, 200)}`);
    const owners = (await server.store.listUsers()).filter((u) => u.role === 'owner' && !u.disabled);
    assert.equal(owners.length, 1);
    // Back to one owner, Olivia, for the tests after this one.
    if (owners[0]!.id === second.id) {
      assert.equal((await asOwen(`/users/${server.owner.id}`, { role: 'owner' })).status, 200);
      assert.equal((await admin(`/users/${second.id}`, { method: 'PATCH', json: { role: 'agent' } })).status, 200);
    }
  });

  it('never leaves the installation without an active owner', async () => {
    const demote = await admin(`/users/${server.owner.id}`, { method: 'PATCH', json: { role: 'agent' } });
    assert.equal(demote.status, 409);
    assert.equal(demote.body.error.code, 'PARLEY_ERR_LAST_OWNER');
    assert.equal((await server.store.getUser(server.owner.id))!.role, 'owner');
  });

  it('rotates the identity secret: the new one verifies, the old one no longer does', async () => {
    const rotated = await admin(`/sites/${server.site.id}/secret`, { method: 'POST' });
    assert.equal(typeof rotated.body.secret, 'string');
    assert.ok(!JSON.stringify((await admin('/sites')).body).includes(rotated.body.secret), 'never shown again');
    const visitor = await newVisitor(server);
    const identify = (secret: string) => http(`${visitor.base}/visitor`, { method: 'PATCH', headers: visitor.auth,
      json: { identity: { id: 'user-42', hash: createHmac('sha256', secret).update('user-42').digest('hex') } } });
    assert.equal((await identify('test-site-secret-0123456789')).status, 403);
    assert.equal((await identify(rotated.body.secret)).status, 200);
    const verified = await server.store.getVisitor(visitor.id);
    assert.equal(verified!.verified, true);
    assert.equal(verified!.externalId, 'user-42');
  });

  it('exports exactly the conversations in the database, as JSON and as CSV safe for spreadsheets', async () => {
    const visitor = await newVisitor(server);
    const id = (await visitor.start()).id;
    await visitor.send(id, '=HYPERLINK("http://evil")');
    await visitor.send(id, 'Hello, "quoted", and\nmultiline');
    const json = await admin(`/sites/${server.site.id}/export?format=json`);
    const inDb = await server.store.listConversations({ siteIds: [server.site.id], view: 'all', userId: server.owner.id, limit: 1000 });
    assert.deepEqual(json.body.conversations.map((c: { conversation: { id: string } }) => c.conversation.id).sort(), inDb.map((c) => c.id).sort());
    // Every field the store gives, through the route's response schema (which drops what it does not list).
    assert.deepEqual(json.body.conversations, JSON.parse(JSON.stringify(await server.store.exportConversations(server.site.id))));
    assert.match(json.headers.get('content-disposition')!, /attachment; filename="parley-.*\.json"/);
    const csv = await http(`${server.url}/v1/admin/sites/${server.site.id}/export?format=csv`, { headers: { cookie: owner.cookie } });
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const text = csv.body as string;
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil"")"`), 'formula neutralised and quoted');
    assert.ok(text.includes('"Hello, ""quoted"", and\nmultiline"'));
    const messages = json.body.conversations.reduce((n: number, c: { messages: unknown[] }) => n + c.messages.length, 0);
    assert.equal(text.trimEnd().split('\r\n').length, messages + 1);
  });

  it('deletes one visitor\'s data on request and ends their session', async () => {
    const visitor = await newVisitor(server);
    const id = (await visitor.start()).id;
    await visitor.send(id, 'please forget me');
    const stream = await visitor.stream();
    const deleted = await admin(`/visitors/${visitor.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    await stream.ended;
    assert.equal(await server.store.getConversation(id), null);
    assert.equal((await visitor.call('/conversations')).status, 401);
    assert.equal((await admin(`/visitors/${visitor.id}`, { method: 'DELETE' })).status, 404);
  });

  it('deletes conversations older than the site\'s retention when housekeeping runs', async () => {
    const visitor = await newVisitor(server);
    const id = (await visitor.start()).id;
    await visitor.send(id, 'old conversation');
    await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { retentionDays: 30 } });
    const clock = createManualClock(Date.now());
    assert.equal((await housekeeping({ store: server.store, clock, config: server.config })).conversations, 0);
    clock.advance(31 * 24 * 3600_000);
    assert.ok((await housekeeping({ store: server.store, clock, config: server.config })).conversations >= 1);
    assert.equal(await server.store.getConversation(id), null);
  });

  it('lets the owner manage canned responses that agents can use', async () => {
    const created = await admin(`/sites/${server.site.id}/canned`, { method: 'POST', json: { shortcut: 'refund', body: 'Refunds take 3–5 business days.' } });
    assert.equal(created.status, 200);
    const agent = await loginAgent(server, 'alice@test.local');
    const listed = await agent.call('/canned');
    assert.deepEqual(listed.body.canned.map((c: { shortcut: string }) => c.shortcut), ['refund']);
    assert.equal((await admin(`/sites/${server.site.id}/canned/${created.body.canned.id}`, { method: 'DELETE' })).status, 204);
  });

  it('lets an agent change their own password with the current one', async () => {
    const alice = await loginAgent(server, 'alice@test.local');
    const wrong = await alice.call('/password', { method: 'POST', json: { current: 'nope', password: 'another good password' } });
    assert.equal(wrong.body.error.code, 'PARLEY_ERR_INVALID_CREDENTIALS');
    assert.equal((await alice.call('/password', { method: 'POST', json: { current: PASSWORD, password: 'another good password' } })).status, 204);
    await loginAgent(server, 'alice@test.local', 'another good password');
  });
});
