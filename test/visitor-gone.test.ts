/**
 * A request that meets its visitor or conversation gone mid-way (issue 14): the visitor was merged
 * into another, or their data deleted, after the request was authenticated (or had checked that
 * the conversation is theirs) and before it wrote. The store's reads are wrapped so the change
 * lands exactly in that gap, every time. A deleted visitor's widget hears 401 VISITOR_UNKNOWN
 * (it forgets the device's traces calmly); a merged one's request carries on as the visitor it
 * became; an agent hears "not found". Never a 500.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import type { Store } from '../server/store/store.ts';
import { Teardown } from './teardown.ts';

type Visitor = Awaited<ReturnType<typeof newVisitor>>;

/**
 * What a widget asks for with its token; `writes`: it stores something about the conversation or
 * the visitor (typing is only relayed, and reading history finds nothing: neither can go wrong).
 */
const REQUESTS: Array<[string, boolean, (v: Visitor, conversationId: string) => ReturnType<Visitor['call']>]> = [
  ['start a conversation', true, (v) => v.call('/conversations', { method: 'POST', json: { clientId: 'second' } })],
  ['send a message', true, (v, id) => v.send(id, 'still there?')],
  ['mark it read', true, (v, id) => v.call(`/conversations/${id}/read`, { method: 'POST', json: { seq: 1 } })],
  ['say it is typing', false, (v, id) => v.call(`/conversations/${id}/typing`, { method: 'POST', json: { typing: true } })],
  ['read its history', false, (v, id) => v.call(`/conversations/${id}/messages`)],
  ['change its details', true, (v) => v.call('/visitor', { method: 'PATCH', json: { name: 'Sam' } })],
];

describe('a visitor gone mid-request', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let store: Store;
  /** Which reads open the gap: the token's look-up, or the conversation's. */
  let wrapped: 'token' | 'conversation' = 'token';
  /** Runs once, right after the next call of the wrapped read returns. */
  let inTheGap: ((visitorId: string) => Promise<unknown>) | null = null;
  const gap = async (visitorId: string | undefined) => {
    const change = inTheGap;
    inTheGap = null;
    if (change && visitorId) await change(visitorId);
  };

  before(async () => {
    server = teardown.add(await startServer({ inject: true }), (s) => s.close());
    store = server.store;
    // The reads that decide who is asking and whose conversation it is; the change lands after them.
    const { findVisitorByToken, getConversationRef, getConversation } = store;
    Object.assign(store, {
      findVisitorByToken: async (siteId: string, tokenHash: string) => {
        const found = await findVisitorByToken.call(store, siteId, tokenHash);
        if (wrapped === 'token') await gap(found?.id);
        return found;
      },
      getConversationRef: async (id: string) => {
        const found = await getConversationRef.call(store, id);
        if (wrapped === 'conversation') await gap(found?.visitorId);
        return found;
      },
      getConversation: async (id: string) => {
        const found = await getConversation.call(store, id);
        if (wrapped === 'conversation') await gap(found?.visitorId);
        return found;
      },
    });
  });
  after(() => teardown.run());

  const visitorWithConversation = async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start('first');
    assert.equal((await visitor.send(conversation.id, 'hello')).status, 200);
    return { visitor, conversation };
  };

  for (const where of ['token', 'conversation'] as const) {
    const moment = where === 'token' ? 'after its token was checked' : 'after its conversation was checked';

    it(`tells a widget whose visitor was deleted ${moment} that the token is unknown, never a 500`, async () => {
      wrapped = where;
      for (const [what, writes, request] of REQUESTS) {
        const { visitor, conversation } = await visitorWithConversation();
        inTheGap = (id) => store.deleteVisitor(id);
        const answer = await request(visitor, conversation.id);
        // Requests that name no conversation check none: they meet the deletion at their token.
        if (inTheGap) { inTheGap = null; continue; }
        if (!writes && answer.status < 300) continue;
        assert.equal(answer.status, 401, `${what}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'PARLEY_ERR_VISITOR_UNKNOWN', what);
      }
      // And the widget's next call, whatever it is, hears the same.
      const { visitor, conversation } = await visitorWithConversation();
      await store.deleteVisitor(visitor.id);
      assert.equal((await visitor.call(`/conversations/${conversation.id}/messages`)).body.error.code, 'PARLEY_ERR_VISITOR_UNKNOWN');
    });

    it(`carries on as the visitor it was merged into when the merge lands ${moment}`, async () => {
      wrapped = where;
      for (const [what, , request] of REQUESTS) {
        const into = await newVisitor(server);
        const { visitor, conversation } = await visitorWithConversation();
        inTheGap = (id) => store.mergeVisitors(into.id, id);
        const answer = await request(visitor, conversation.id);
        if (inTheGap) { inTheGap = null; continue; }
        assert.ok(answer.status < 300, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
        // Whatever it wrote is the merged visitor's now.
        assert.equal((await store.getConversationRef(conversation.id))!.visitorId, into.id, what);
      }
      const into = await newVisitor(server);
      const { visitor, conversation } = await visitorWithConversation();
      inTheGap = (id) => store.mergeVisitors(into.id, id);
      const sent = await visitor.send(conversation.id, 'after the merge');
      assert.equal(sent.status, 200);
      const page = await store.listMessages(conversation.id, { limit: 10, includeInternal: false });
      assert.deepEqual(page.messages.map((m) => m.body), ['hello', 'after the merge']);
    });
  }

  it('opens a session as the merged visitor, or as a new one after a deletion, when it lands between look-up and touch', async () => {
    wrapped = 'token';
    const into = await newVisitor(server);
    const merged = await visitorWithConversation();
    inTheGap = (id) => store.mergeVisitors(into.id, id);
    const again = await http(`${merged.visitor.base}/session`, { method: 'POST', json: {}, headers: merged.visitor.auth });
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.token, again.body.visitor.id], [merged.visitor.token, into.id]);

    const deleted = await visitorWithConversation();
    inTheGap = (id) => store.deleteVisitor(id);
    const fresh = await http(`${deleted.visitor.base}/session`, { method: 'POST', json: {}, headers: deleted.visitor.auth });
    assert.equal(fresh.status, 200);
    assert.notEqual(fresh.body.token, deleted.visitor.token);
    assert.notEqual(fresh.body.visitor.id, deleted.visitor.id);
  });

  it('tells an agent whose conversation was deleted mid-request that it is not found, never a 500', async () => {
    wrapped = 'conversation';
    const alice = await loginAgent(server, 'alice@test.local');
    for (const [what, request] of [
      ['reply', (id: string) => alice.send(id, 'hello?')],
      ['claim', (id: string) => alice.call(`/conversations/${id}/claim`, { method: 'POST', json: {} })],
      ['resolve', (id: string) => alice.call(`/conversations/${id}/resolve`, { method: 'POST', json: {} })],
      ['mark read', (id: string) => alice.call(`/conversations/${id}/read`, { method: 'POST', json: { seq: 1 } })],
    ] as const) {
      const { conversation } = await visitorWithConversation();
      inTheGap = (id) => store.deleteVisitor(id);
      const answer = await request(conversation.id);
      assert.equal(inTheGap, null, `${what} checks its conversation first`);
      assert.equal(answer.status, 404, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND', what);
    }
  });
});
