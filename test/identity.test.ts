/**
 * Verified identities are the site's word about who a visitor is: a browser can neither inherit
 * another identity's conversations (a shared computer), nor keep the verified mark while changing
 * the name or email it vouches for, nor see anything on a require-verified site before proving who
 * it is (issue 9, findings 1–3).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { http, loginAgent, newVisitor, SITE_SECRET, startServer, type TestServer } from './harness.ts';

const hashOf = (id: string) => createHmac('sha256', SITE_SECRET).update(id).digest('hex');

describe('verified identities', () => {
  let server: TestServer | undefined;
  let owner: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    server = await startServer({ inject: true }); // no stream here: requests need no socket
    owner = await loginAgent(server, 'owner@test.local');
  });
  after(() => server?.close());

  it('gives a second verified identity on the same browser a visitor of its own, with none of the first one\'s history', async () => {
    const browser = await newVisitor(server!);
    assert.equal((await browser.call('/visitor', { method: 'PATCH', json: { name: 'Alice', identity: { id: 'alice', hash: hashOf('alice') } } })).status, 200);
    const conversation = await browser.start();
    assert.equal((await browser.send(conversation.id, 'my card number ends in 4242')).status, 200);

    const switched = await browser.call('/visitor', { method: 'PATCH', json: { name: 'Bob', identity: { id: 'bob', hash: hashOf('bob') } } });
    assert.equal(switched.status, 200);
    assert.equal(typeof switched.body.token, 'string', 'the browser is handed a new visitor');
    assert.notEqual(switched.body.visitor.id, browser.id);
    assert.equal(switched.body.visitor.name, 'Bob');

    const asBob = { authorization: `Bearer ${switched.body.token}`, origin: 'http://localhost:5555' };
    const session = await http(`${browser.base}/session`, { method: 'POST', json: {}, headers: asBob });
    assert.equal(session.body.conversation, null);
    assert.deepEqual((await http(`${browser.base}/conversations`, { headers: asBob })).body.conversations, []);
    assert.equal((await http(`${browser.base}/conversations/${conversation.id}/messages`, { headers: asBob })).status, 404);

    // Alice's side is untouched: her visitor keeps her conversation and her verified name.
    const again = await browser.call('/visitor');
    assert.deepEqual(again.body.visitor, { id: browser.id, name: 'Alice', email: null, verified: true });
    assert.equal((await browser.call('/conversations')).body.conversations.length, 1);
  });

  it('keeps an anonymous visitor\'s conversation when they sign in, and answers the same identity again without a new token', async () => {
    const visitor = await newVisitor(server!);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'hello before signing in');
    const first = await visitor.call('/visitor', { method: 'PATCH', json: { identity: { id: 'carol', hash: hashOf('carol') } } });
    assert.equal(first.body.token, undefined);
    const second = await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Carol', identity: { id: 'carol', hash: hashOf('carol') } } });
    assert.equal(second.body.token, undefined);
    assert.equal(second.body.visitor.id, visitor.id);
    assert.equal((await visitor.call('/conversations')).body.conversations[0].id, conversation.id);
  });

  it('refuses to change a verified name or email without the hash, and the agent still sees the verified details', async () => {
    const visitor = await newVisitor(server!);
    await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Dana', email: 'dana@example.com', identity: { id: 'dana', hash: hashOf('dana') } } });
    const forged = await visitor.call('/visitor', { method: 'PATCH', json: { name: 'The CEO', email: 'ceo@yourco.com' } });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, 'PARLEY_ERR_IDENTITY_REQUIRED');
    const conversation = await visitor.start();
    const detail = await owner.call(`/conversations/${conversation.id}`);
    assert.equal(detail.body.visitor.name, 'Dana');
    assert.equal(detail.body.visitor.email, 'dana@example.com');
    assert.equal(detail.body.visitor.verified, true);

    // Unchanged values, other fields, and a change that carries the hash are all fine.
    assert.equal((await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Dana', attributes: { plan: 'pro' } } })).status, 200);
    const renamed = await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Dana S.', identity: { id: 'dana', hash: hashOf('dana') } } });
    assert.equal(renamed.body.visitor.name, 'Dana S.');
  });

  it('shows nothing of a returning visitor\'s conversation on a require-verified site until they are identified', async () => {
    const visitor = await newVisitor(server!);
    await visitor.call('/visitor', { method: 'PATCH', json: { identity: { id: 'erin', hash: hashOf('erin') } } });
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'private question');
    await owner.admin(`/sites/${server!.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: true } } });
    try {
      // An unverified visitor who has a conversation (they chatted before the site switched) sees none of it.
      const anonymous = await newVisitor(server!);
      await owner.admin(`/sites/${server!.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: false } } });
      const old = await anonymous.start();
      await anonymous.send(old.id, 'written before sign-in was required');
      await owner.admin(`/sites/${server!.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: true } } });
      const resumed = await http(`${anonymous.base}/session`, { method: 'POST', json: {}, headers: anonymous.auth });
      assert.equal(resumed.status, 200);
      assert.equal(resumed.body.conversation, null);
      assert.equal(typeof resumed.body.config.requireVerifiedIdentity, 'boolean');
      // The verified visitor gets their conversation back.
      const verified = await http(`${visitor.base}/session`, { method: 'POST', json: {}, headers: visitor.auth });
      assert.equal(verified.body.conversation.id, conversation.id);
    } finally {
      await owner.admin(`/sites/${server!.site.id}`, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: false } } });
    }
  });
});
