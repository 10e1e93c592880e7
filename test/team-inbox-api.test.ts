/**
 * The team inbox's API against a real server (issue 14): owners manage labels and agents apply
 * them, live on every agent's stream and never on a visitor's; the queue filtered by a label;
 * saved views per agent; a visitor's profile across visits; and merging two visitors — the
 * merged-away browser's open stream is ended with "changed", and its token then works as the
 * visitor it became. Every refusal has its code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import type { SseConnection } from './sse-client.ts';
import { Teardown } from './teardown.ts';

describe('team inbox API', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof loginAgent>>;
  let alice: Awaited<ReturnType<typeof loginAgent>>;
  const streams: SseConnection[] = [];
  const stream = (s: SseConnection) => (streams.push(s), s);

  before(async () => {
    server = teardown.add(await startServer(), (s) => s.close());
    owner = await loginAgent(server, 'owner@test.local');
    alice = await loginAgent(server, 'alice@test.local');
  });
  after(async () => {
    for (const s of streams) s.close();
    await teardown.run();
  });

  const siteLabels = () => `/sites/${server.site.id}/labels`;

  it('lets owners create, rename, recolour and delete labels, refusing a taken name with its code, and agents only read them', async () => {
    const created = await owner.admin(siteLabels(), { method: 'POST', json: { name: 'Refund', color: '#E03131' } });
    assert.equal(created.status, 200);
    assert.deepEqual({ name: created.body.label.name, color: created.body.label.color }, { name: 'Refund', color: '#e03131' });
    const taken = await owner.admin(siteLabels(), { method: 'POST', json: { name: ' refund ', color: '#000000' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'PARLEY_ERR_LABEL_NAME_TAKEN');
    assert.match(taken.body.error.message, /already exists/);

    for (const [json, why] of [[{ name: '', color: '#000000' }, 'empty'], [{ name: 'x', color: 'red' }, 'colour'], [{ name: 'x'.repeat(41), color: '#000000' }, 'long']] as const) {
      const bad = await owner.admin(siteLabels(), { method: 'POST', json });
      assert.equal(bad.status, 400, why);
      assert.equal(bad.body.error.code, 'PARLEY_ERR_BAD_REQUEST');
    }
    const byAgent = await alice.admin(siteLabels(), { method: 'POST', json: { name: 'Mine', color: '#000000' } });
    assert.equal(byAgent.status, 403);
    assert.equal(byAgent.body.error.code, 'PARLEY_ERR_FORBIDDEN');

    const id = created.body.label.id;
    const renamed = await owner.admin(`${siteLabels()}/${id}`, { method: 'PATCH', json: { name: 'Refunds', color: '#c92a2a' } });
    assert.deepEqual({ name: renamed.body.label.name, color: renamed.body.label.color }, { name: 'Refunds', color: '#c92a2a' });
    assert.equal((await owner.admin(`${siteLabels()}/l_missing`, { method: 'PATCH', json: { name: 'x' } })).body.error.code, 'PARLEY_ERR_LABEL_NOT_FOUND');
    assert.deepEqual((await alice.call('/labels')).body.labels.map((l: { name: string }) => l.name), ['Refunds']);

    assert.equal((await owner.admin(`${siteLabels()}/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await owner.admin(`${siteLabels()}/${id}`, { method: 'DELETE' })).body.error.code, 'PARLEY_ERR_LABEL_NOT_FOUND');
    assert.deepEqual((await alice.call('/labels')).body.labels, []);
  });

  it('puts a label on a conversation live for every agent, never for the visitor, and filters the queue by it', async () => {
    const label = (await owner.admin(siteLabels(), { method: 'POST', json: { name: 'Bug', color: '#7048e8' } })).body.label;
    const visitor = await newVisitor(server);
    const { id } = await visitor.start();
    await visitor.send(id, 'The checkout button does nothing');
    const other = await visitor.start();
    const agentStream = stream(await owner.stream((await owner.call('/me')).body.cursor));
    const visitorStream = stream(await visitor.stream(visitor.cursor));

    const put = await alice.call(`/conversations/${id}/labels/${label.id}`, { method: 'PUT' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.labelIds, [label.id]);
    const live = await agentStream.until((e) => e.event === 'conversation.labels');
    assert.deepEqual(live.data, { conversationId: id, labelIds: [label.id] });
    assert.ok(live.id, 'resumable');

    const filtered = await alice.call(`/conversations?view=all&label=${label.id}`);
    assert.deepEqual(filtered.body.conversations.map((c: { id: string }) => c.id), [id]);
    assert.deepEqual(filtered.body.labels, { [id]: [label.id] });
    assert.ok((await alice.call('/conversations?view=all')).body.conversations.some((c: { id: string }) => c.id === other.id));
    assert.deepEqual((await alice.call(`/conversations/${id}`)).body.labelIds, [label.id]);

    const csrfless = await http(`${server.url}/v1/agent/conversations/${id}/labels/${label.id}`, { method: 'DELETE', headers: { cookie: alice.cookie } });
    assert.equal(csrfless.body.error.code, 'PARLEY_ERR_CSRF');
    assert.deepEqual((await alice.call(`/conversations/${id}/labels/${label.id}`, { method: 'DELETE' })).body.labelIds, []);
    assert.equal((await alice.call(`/conversations/${id}/labels/l_missing`, { method: 'PUT' })).body.error.code, 'PARLEY_ERR_LABEL_NOT_FOUND');
    assert.equal((await alice.call(`/conversations/c_missing/labels/${label.id}`, { method: 'PUT' })).body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');

    await visitor.send(id, 'Anyone?');
    await visitorStream.until((e) => e.event === 'message' && e.data.message.body === 'Anyone?');
    assert.ok(!visitorStream.events.some((e) => e.event === 'conversation.labels' || JSON.stringify(e.data).includes('Bug')), 'labels never reach the visitor');
  });

  it('keeps saved views per agent and refuses a second view of the same name', async () => {
    const filter = { view: 'open', labelId: null, q: ' refund ' };
    const saved = await alice.call('/views', { method: 'POST', json: { name: 'Refunds', filter } });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body.view.filter, { view: 'open', labelId: null, q: 'refund' });
    const again = await alice.call('/views', { method: 'POST', json: { name: 'REFUNDS', filter } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'PARLEY_ERR_VIEW_NAME_TAKEN');
    assert.equal((await alice.call('/views', { method: 'POST', json: { name: 'x', filter: { ...filter, labelId: 'l_nope' } } })).body.error.code, 'PARLEY_ERR_LABEL_NOT_FOUND');
    assert.equal((await alice.call('/views', { method: 'POST', json: { name: 'x', filter: { view: 'later', labelId: null, q: '' } } })).status, 400);
    assert.deepEqual((await owner.call('/views')).body.views, [], 'the owner has views of their own');
    assert.equal((await owner.call(`/views/${saved.body.view.id}`, { method: 'DELETE' })).body.error.code, 'PARLEY_ERR_VIEW_NOT_FOUND');
    assert.equal((await alice.call(`/views/${saved.body.view.id}`, { method: 'DELETE' })).status, 204);
    assert.deepEqual((await alice.call('/views')).body.views, []);
  });

  it('shows a returning visitor\'s profile: visits, pages, and every conversation', async () => {
    const visitor = await newVisitor(server);
    const first = await visitor.start();
    await visitor.send(first.id, 'First time here');
    await http(`${visitor.base}/session`, { method: 'POST', headers: visitor.auth, json: { context: { url: 'http://localhost:5555/checkout?order=42', title: 'Checkout' } } });
    const second = await visitor.start();
    const profile = await alice.call(`/visitors/${visitor.id}`);
    assert.equal(profile.status, 200);
    assert.deepEqual(profile.body.conversations.map((c: { id: string }) => c.id), [second.id, first.id]);
    assert.deepEqual(profile.body.pages.map((p: { url: string }) => p.url), ['http://localhost:5555/checkout', 'http://localhost:5555/pricing']);
    assert.equal(profile.body.visitor.id, visitor.id);
    assert.equal((await alice.call('/visitors/v_missing')).body.error.code, 'PARLEY_ERR_VISITOR_NOT_FOUND');
  });

  it('merges two visitors: the merged-away browser is told to reconnect and then works as the visitor it became', async () => {
    const ann = await newVisitor(server);
    await ann.call('/visitor', { method: 'PATCH', json: { name: 'Ann' } });
    const annConversation = await ann.start();
    await ann.send(annConversation.id, 'Hello from my laptop');
    const phone = await newVisitor(server);
    await phone.call('/visitor', { method: 'PATCH', json: { email: 'ann@example.com' } });
    const phoneConversation = await phone.start();
    await phone.send(phoneConversation.id, 'Hello from my phone');
    const phoneStream = stream(await phone.stream(phone.cursor));
    await phoneStream.until((e) => e.event === 'availability');
    const agentStream = stream(await alice.stream((await alice.call('/me')).body.cursor));

    assert.equal((await alice.call(`/visitors/${ann.id}/merge`, { method: 'POST', json: { from: ann.id } })).body.error.code, 'PARLEY_ERR_BAD_REQUEST');
    const merged = await alice.call(`/visitors/${ann.id}/merge`, { method: 'POST', json: { from: phone.id } });
    assert.equal(merged.status, 200);
    assert.deepEqual(merged.body.moved, [phoneConversation.id]);
    assert.deepEqual({ name: merged.body.visitor.name, email: merged.body.visitor.email }, { name: 'Ann', email: 'ann@example.com' });

    const event = await agentStream.until((e) => e.event === 'visitor.merged');
    assert.deepEqual({ from: event.data.from, into: event.data.into.id, moved: event.data.moved }, { from: phone.id, into: ann.id, moved: [phoneConversation.id] });
    const goodbye = await phoneStream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'changed');
    await phoneStream.ended;

    // The phone's token now is Ann's: its conversation is still there, and it can carry on.
    const mine = await phone.call('/conversations');
    assert.deepEqual(mine.body.conversations.map((c: { id: string }) => c.id).sort(), [annConversation.id, phoneConversation.id].sort());
    assert.equal((await phone.send(phoneConversation.id, 'Still me')).status, 200);
    // Resuming from the last id it had: it gets what happened since, as Ann.
    const resumed = stream(await phone.stream(phoneStream.events.filter((e) => e.id).at(-1)?.id ?? phone.cursor));
    assert.equal(resumed.status, 200);
    await resumed.until((e) => e.event === 'message' && e.data.message.body === 'Still me');
    assert.equal((await alice.call(`/visitors/${phone.id}`)).body.error.code, 'PARLEY_ERR_VISITOR_NOT_FOUND');
    assert.equal((await alice.call(`/visitors/${ann.id}/merge`, { method: 'POST', json: { from: phone.id } })).body.error.code, 'PARLEY_ERR_VISITOR_NOT_FOUND');
  });

  it('refuses to merge two visitors verified as different people, changing nothing', async () => {
    const a = await newVisitor(server);
    const b = await newVisitor(server);
    await server.store.updateVisitor(a.id, { externalId: 'user-1', verified: true });
    await server.store.updateVisitor(b.id, { externalId: 'user-2', verified: true });
    const refused = await alice.call(`/visitors/${a.id}/merge`, { method: 'POST', json: { from: b.id } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'PARLEY_ERR_MERGE_REFUSED');
    assert.match(refused.body.error.message, /not one person/);
    assert.equal((await alice.call(`/visitors/${b.id}`)).status, 200);
  });
});
