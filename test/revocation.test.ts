/**
 * Rights that change take effect on open connections, not only on new requests: streams end when
 * a session is revoked or its rights change, and verified-identity sites refuse anonymous chats.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createManualClock } from './support/manual-clock.ts';
import { http, loginAgent, newVisitor, PASSWORD, SITE_SECRET, startServer, type TestServer } from './harness.ts';

describe('revocation and rights', () => {
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof loginAgent>>;
  const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => owner.admin(path, init);

  before(async () => {
    server = await startServer();
    owner = await loginAgent(server, 'owner@test.local');
  });
  after(() => server.close());

  it('ends an agent\'s open stream when their sites change, so nothing from a site they left reaches them', async () => {
    const other = await admin('/sites', { method: 'POST', json: { name: 'Other shop' } });
    const bob = await loginAgent(server, 'bob@test.local');
    const stream = await bob.stream();
    await admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { siteIds: [other.body.site.id] } });
    const goodbye = await stream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'changed');
    await stream.ended;
    const visitor = await newVisitor(server);
    await visitor.send((await visitor.start()).id, 'not for Bob any more');
    // Then something on the site he was moved to, which he must see (this server's own origin may
    // use any site's widget).
    const otherSite = `${server.url}/v1/sites/${other.body.site.id}`;
    const stranger = await http(`${otherSite}/session`, { method: 'POST', json: {}, headers: { origin: server.url } });
    const marker = await http(`${otherSite}/conversations`, { method: 'POST', json: { clientId: 'marker-1' },
      headers: { origin: server.url, authorization: `Bearer ${stranger.body.token}` } });
    // Reconnecting as the dashboard does, from the cursor it had before the change: the replay
    // covers both events and must hold only the one for his new site.
    const again = await bob.stream(bob.me.cursor);
    await again.until((e) => e.event === 'conversation.created' && e.data.conversation.id === marker.body.conversation.id);
    assert.ok(!JSON.stringify(again.events).includes('not for Bob'));
    again.close();
    await admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { siteIds: [server.site.id] } });
  });

  it('ends only the logged-out session\'s stream; the agent\'s other sessions carry on', async () => {
    const laptop = await loginAgent(server, 'alice@test.local');
    const phone = await loginAgent(server, 'alice@test.local');
    const laptopStream = await laptop.stream();
    const phoneStream = await phone.stream();
    assert.equal((await laptop.call('/logout', { method: 'POST' })).status, 204);
    assert.equal((await laptopStream.until((e) => e.event === 'goodbye')).data.reason, 'revoked');
    const visitor = await newVisitor(server);
    await visitor.start();
    await phoneStream.until((e) => e.event === 'conversation.created');
    phoneStream.close();
  });

  it('ends every session and stream when a password is reset', async () => {
    const alice = await loginAgent(server, 'alice@test.local');
    const stream = await alice.stream();
    const reset = await admin(`/users/${server.alice.id}/password-reset`, { method: 'POST' });
    const token = new URLSearchParams(new URL(reset.body.url).hash.slice(1)).get('token');
    assert.equal((await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'a brand new password' } })).status, 200);
    assert.equal((await stream.until((e) => e.event === 'goodbye')).data.reason, 'revoked');
    assert.equal((await alice.call('/me')).status, 401);
  });

  it('signs out every other session and its stream when an agent changes their password, and keeps the one that changed it', async () => {
    const laptop = await loginAgent(server, 'bob@test.local');
    const stolen = await loginAgent(server, 'bob@test.local');
    const laptopStream = await laptop.stream();
    const stolenStream = await stolen.stream();
    const changed = await laptop.call('/password', { method: 'POST', json: { current: PASSWORD, password: 'a brand new password for bob' } });
    assert.equal(changed.status, 204);
    assert.equal((await stolenStream.until((e) => e.event === 'goodbye')).data.reason, 'revoked');
    await stolenStream.ended;
    assert.equal((await stolen.call('/me')).status, 401);
    assert.equal((await laptop.call('/me')).status, 200);
    // The session that changed it still receives what happens.
    const visitor = await newVisitor(server);
    await visitor.start();
    await laptopStream.until((e) => e.event === 'conversation.created');
    laptopStream.close();
    assert.equal((await laptop.call('/password', { method: 'POST', json: { current: 'a brand new password for bob', password: PASSWORD } })).status, 204);
  });

  it('keeps an invitation working when redeeming it is refused', async () => {
    const invite = await admin('/invites', { method: 'POST', json: { email: 'erin@test.local', name: 'Erin', role: 'agent', siteIds: [server.site.id] } });
    const token = new URLSearchParams(new URL(invite.body.url).hash.slice(1)).get('token');
    const tooShort = await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'short' } });
    assert.equal(tooShort.status, 400);
    assert.equal((await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'long enough now' } })).status, 200);
  });

  it('refuses invitations and memberships for sites that do not exist, instead of failing later', async () => {
    const invite = await admin('/invites', { method: 'POST', json: { email: 'frank@test.local', name: 'Frank', role: 'agent', siteIds: ['s_nope'] } });
    assert.equal(invite.status, 404);
    assert.equal(invite.body.error.code, 'PARLEY_ERR_SITE_NOT_FOUND');
    const patch = await admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { siteIds: ['s_nope'] } });
    assert.equal(patch.status, 404);
  });

  it('stores allowed origins the way browsers send them', async () => {
    const saved = await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { allowedOrigins: ['http://LOCALHOST:5555', 'https://Shop.example:443'] } });
    assert.deepEqual(saved.body.site.allowedOrigins, ['http://localhost:5555', 'https://shop.example']);
  });

  it('lets only verified visitors chat when the site requires verified identities', async () => {
    await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: true } } });
    try {
      const anonymous = await newVisitor(server);
      const refused = await anonymous.call('/conversations', { method: 'POST', json: { clientId: 'conv-a' } });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'PARLEY_ERR_IDENTITY_REQUIRED');
      assert.equal((await anonymous.call('/stream-ticket', { method: 'POST' })).status, 403);
      const hash = createHmac('sha256', SITE_SECRET).update('customer-7').digest('hex');
      assert.equal((await http(`${anonymous.base}/visitor`, { method: 'PATCH', headers: anonymous.auth, json: { identity: { id: 'customer-7', hash } } })).status, 200);
      const started = await anonymous.call('/conversations', { method: 'POST', json: { clientId: 'conv-a' } });
      assert.equal(started.status, 200);
    } finally {
      await admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: false } } });
    }
  });

  it('counts a visitor who long-polls as on the page', async () => {
    const stream = await owner.stream();
    const visitor = await newVisitor(server);
    void visitor.call(`/events?cursor=${visitor.cursor}&wait=2`);
    const online = await stream.until((e) => e.event === 'visitor.presence' && e.data.visitorId === visitor.id);
    assert.equal(online.data.online, true);
    stream.close();
  });
});

describe('session expiry', () => {
  it('ends an agent\'s open stream when the session expires', async () => {
    const clock = createManualClock();
    const server = await startServer({ sessionTtlMs: 3600_000, clock });
    try {
      const alice = await loginAgent(server, 'alice@test.local');
      const stream = await alice.stream();
      clock.advance(3600_000 - 1);
      assert.equal((await alice.call('/me')).status, 200, 'still valid a moment before it expires');
      assert.equal(stream.events.some((e) => e.event === 'goodbye'), false);
      clock.advance(1);
      const goodbye = await stream.until((e) => e.event === 'goodbye');
      assert.equal(goodbye.data.reason, 'revoked');
      await stream.ended;
      assert.equal((await alice.call('/me')).status, 401);
    } finally {
      await server.close();
    }
  });
});
