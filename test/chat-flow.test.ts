import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { eventIdAfter } from '../protocol/protocol.ts';
import { createManualClock } from './support/manual-clock.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { waitFor } from './wait-for.ts';

describe('chat over SSE + POST', () => {
  let server: TestServer;
  before(async () => { server = await startServer(); });
  after(() => server.close());

  it('delivers a visitor message to the agent stream and the reply to the visitor stream, with ids and sequences', async () => {
    const agent = await loginAgent(server, 'alice@test.local');
    const agentStream = await agent.stream();
    const visitor = await newVisitor(server);
    const visitorStream = await visitor.stream(visitor.cursor);
    assert.equal(visitorStream.status, 200);
    assert.match(String(visitorStream.headers['content-type']), /^text\/event-stream/);

    const conversation = await visitor.start();
    const created = await agentStream.until((e) => e.event === 'conversation.created');
    assert.equal(created.data.conversation.id, conversation.id);
    assert.match(created.id!, /^[a-z0-9]+:\d+$/, 'an id is epoch:seq');

    const sent = await visitor.send(conversation.id, 'Hello, is anyone there?');
    assert.equal(sent.status, 200);
    assert.equal(sent.body.message.seq, 1);
    const atAgent = await agentStream.until((e) => e.event === 'message');
    assert.equal(atAgent.data.message.body, 'Hello, is anyone there?');
    assert.equal(atAgent.data.message.author, 'visitor');
    assert.ok(eventIdAfter(atAgent.id!, created.id!));

    const reply = await agent.send(conversation.id, 'Hi! Alice here.');
    assert.equal(reply.status, 200);
    // Answering a waiting conversation claims it: the visitor sees who joined, then the reply.
    const joined = await visitorStream.until((e) => e.event === 'message' && e.data.message.author === 'system');
    assert.equal(joined.data.message.system.kind, 'joined');
    assert.equal(joined.data.message.system.agentName, 'Alice');
    const atVisitor = await visitorStream.until((e) => e.event === 'message' && e.data.message.author === 'agent');
    assert.equal(atVisitor.data.message.body, 'Hi! Alice here.');
    assert.equal(atVisitor.data.message.seq, 3);
    assert.equal(atVisitor.data.message.agent.name, 'Alice');
    assert.ok(eventIdAfter(atVisitor.id!, joined.id!));
    agentStream.close();
    visitorStream.close();
  });

  it('stores ten parallel retries of one send once and answers each identically', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const clientId = nanoid();
    const responses = await Promise.all(Array.from({ length: 10 }, () => visitor.send(conversation.id, 'only once', clientId)));
    assert.ok(responses.every((r) => r.status === 200));
    const bodies = new Set(responses.map((r) => JSON.stringify(r.body)));
    assert.equal(bodies.size, 1, 'identical responses');
    const history = await visitor.call(`/conversations/${conversation.id}/messages`);
    assert.deepEqual(history.body.messages.map((m: { body: string }) => m.body), ['only once']);
    // And hours later the same id still maps to the same message.
    const later = await visitor.send(conversation.id, 'only once', clientId);
    assert.equal(JSON.stringify(later.body), [...bodies][0]);
  });

  it('lets exactly one of two agents claiming at once win; the other is told who took it', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const [alice, bob] = await Promise.all([loginAgent(server, 'alice@test.local'), loginAgent(server, 'bob@test.local')]);
    const results = await Promise.all([alice.call(`/conversations/${conversation.id}/claim`, { method: 'POST' }), bob.call(`/conversations/${conversation.id}/claim`, { method: 'POST' })]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    assert.equal(loser.body.error.code, 'PARLEY_ERR_ALREADY_CLAIMED');
    assert.equal(loser.body.error.details.assignee.name, winner.body.conversation.assignee.name);
    assert.match(loser.body.error.message, new RegExp(`${winner.body.conversation.assignee.name} has already taken`));
  });

  it('keeps internal notes away from the visitor, in the stream and in history', async () => {
    const agent = await loginAgent(server, 'bob@test.local');
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const stream = await visitor.stream(visitor.cursor);
    await agent.send(conversation.id, 'Looks like a refund scam', nanoid(), true);
    await agent.send(conversation.id, 'Let me check that for you');
    await stream.until((e) => e.event === 'message' && e.data.message.body === 'Let me check that for you');
    assert.ok(!JSON.stringify(stream.events).includes('refund scam'));
    const history = await visitor.call(`/conversations/${conversation.id}/messages`);
    assert.ok(!JSON.stringify(history.body).includes('refund scam'));
    const agentHistory = await agent.call(`/conversations/${conversation.id}/messages`);
    assert.ok(JSON.stringify(agentHistory.body).includes('refund scam'));
    stream.close();
  });

  it('relays typing both ways without storing it', async () => {
    const agent = await loginAgent(server, 'alice@test.local');
    const agentStream = await agent.stream();
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const visitorStream = await visitor.stream(visitor.cursor);
    assert.equal((await visitor.call(`/conversations/${conversation.id}/typing`, { method: 'POST', json: { typing: true } })).status, 204);
    const typing = await agentStream.until((e) => e.event === 'typing');
    assert.deepEqual({ by: typing.data.by, typing: typing.data.typing, id: typing.id }, { by: 'visitor', typing: true, id: undefined });
    await agent.call(`/conversations/${conversation.id}/typing`, { method: 'POST', json: { typing: true } });
    const agentTyping = await visitorStream.until((e) => e.event === 'typing');
    assert.equal(agentTyping.data.name, 'Alice');
    agentStream.close();
    visitorStream.close();
  });

  it('tells the agent when the visitor has read their reply', async () => {
    const agent = await loginAgent(server, 'alice@test.local');
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'hi');
    const reply = await agent.send(conversation.id, 'hello');
    const agentStream = await agent.stream(agent.me.cursor);
    const read = await visitor.call(`/conversations/${conversation.id}/read`, { method: 'POST', json: { seq: reply.body.message.seq } });
    assert.equal(read.body.conversation.visitorReadSeq, reply.body.message.seq);
    const event = await agentStream.until((e) => e.event === 'read');
    assert.deepEqual(event.data, { conversationId: conversation.id, by: 'visitor', seq: reply.body.message.seq });
    agentStream.close();
  });

  it('tells a visitor what the server knows of them, after they give their name', async () => {
    const visitor = await newVisitor(server);
    await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Ada', email: 'ada@example.com' } });
    const { body } = await visitor.call('/visitor');
    assert.deepEqual(body.visitor, { id: visitor.id, name: 'Ada', email: 'ada@example.com', verified: false });
  });

  it('resumes a returning visitor with the same identity and their latest conversation', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const again = await http(`${visitor.base}/session`, { method: 'POST', json: {}, headers: visitor.auth });
    assert.equal(again.body.visitor.id, visitor.id);
    assert.equal(again.body.token, visitor.token);
    assert.equal(again.body.conversation.id, conversation.id);
  });
});

describe('long-polling', () => {
  // A manual clock: a held poll can only end by an event or by the test moving time, so "it
  // waited" is a fact the test can check rather than a guess about timing.
  const clock = createManualClock();
  let server: TestServer | undefined;
  before(async () => { server = await startServer({ clock }); });
  after(() => server?.close());

  const messageBodies = (batch: { events: Array<{ type: string; data: any }> }) =>
    batch.events.filter((e) => e.type === 'message' && e.data.message.author !== 'system').map((e) => e.data.message.body as string);

  it('answers at once when there are events, holds the poll until its wait is over when there are none, and wakes it for a reply', async () => {
    const visitor = await newVisitor(server!);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'first');
    const ready = await visitor.call(`/events?cursor=${visitor.cursor}&wait=25`);
    assert.equal(ready.status, 200);
    assert.deepEqual(messageBodies(ready.body), ['first']);

    // Nothing new: the poll is held (the visitor counts as on the page while it is)…
    const offPage = () => {
      clock.advance(server!.config.presenceGraceMs); // off the page between polls, once the grace is over
      assert.equal(server!.app.services.presence.visitorOnline(visitor.id), false);
    };
    offPage();
    let answered = false;
    const held = visitor.call(`/events?cursor=${ready.body.cursor}&wait=25`).finally(() => (answered = true));
    await waitFor(() => server!.app.services.presence.visitorOnline(visitor.id), { message: 'the poll to be held' });
    clock.advance(24_999);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'still held just before its wait is over');
    clock.advance(1);
    const empty = await held;
    assert.equal(empty.status, 200);
    assert.deepEqual(messageBodies(empty.body), []);
    assert.equal(empty.body.cursor, ready.body.cursor);

    // …and a reply wakes a held poll at once.
    offPage();
    const waiting = visitor.call(`/events?cursor=${empty.body.cursor}&wait=25`);
    await waitFor(() => server!.app.services.presence.visitorOnline(visitor.id), { message: 'the second poll to be held' });
    const agent = await loginAgent(server!, 'alice@test.local');
    await agent.send(conversation.id, 'answer while you wait');
    // Woken by the first event (the reply claims the conversation first); poll on, as a client does.
    let batch = (await waiting).body;
    const bodies = messageBodies(batch);
    for (let polls = 0; polls < 5 && !bodies.includes('answer while you wait'); polls++) {
      batch = (await visitor.call(`/events?cursor=${batch.cursor}&wait=0`)).body;
      bodies.push(...messageBodies(batch));
    }
    assert.deepEqual(bodies, ['answer while you wait']);
  });
});
