/**
 * The behaviour every Store implementation must have, written once (test support, not product
 * code: it imports node:test). Each engine's test file (server/store/*-store.test.ts) calls
 * `storeConformance(name, open)` with a factory for a fresh, empty store (reading time from
 * `options.now` when given, so cases where times matter move an injected clock).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventIdAfter, formatEventId, parseEventId, type AgentRef } from '../../protocol/protocol.ts';
import { LastOwnerError, type Store } from '../../server/store/store.ts';
import { apiTokenConformance } from './conformance-api-tokens.ts';
import { assignmentConformance } from './conformance-assignment.ts';
import { emailOutboxConformance } from './conformance-email-outbox.ts';
import { attachmentConformance } from './conformance-attachments.ts';
import { emailThreadConformance } from './conformance-email-threads.ts';
import { ownAccountConformance } from './conformance-own-account.ts';
import { heldEmailConformance } from './conformance-held-emails.ts';
import { seedStore, type OpenStore } from './store-seed.ts';
import { teamInboxConformance } from './conformance-team-inbox.ts';
import { goneConformance } from './conformance-gone.ts';
import { ratingConformance } from './conformance-ratings.ts';
import { reportConformance } from './conformance-reports.ts';
import { webhookConformance } from './conformance-webhooks.ts';
import { waitFor } from '../wait-for.ts';

export function storeConformance(name: string, open: OpenStore): void {
  const seeded = () => seedStore(open);
  /** The cursor before the first event of this store's log. */
  const fromStart = async (store: Store) => formatEventId(parseEventId(await store.headCursor())!.epoch, 0);
  const send = (store: Store, conversationId: string, clientId: string, body: string, author: 'visitor' | 'agent' = 'visitor', agentId: string | null = null, internal = false) =>
    store.appendMessage({ conversationId, clientId, author, agentId, body, internal });

  describe(`${name} store`, () => {
    it('numbers messages 1, 2, 3 per conversation and logs one event per message', async () => {
      const { store, conversation } = await seeded();
      const a = await send(store, conversation.id, 'a', 'hello');
      const b = await send(store, conversation.id, 'b', 'again');
      assert.deepEqual([a.value.seq, b.value.seq], [1, 2]);
      assert.equal(a.events.length, 1);
      assert.equal(a.events[0]!.type, 'message');
      assert.ok(eventIdAfter(b.events[0]!.id, a.events[0]!.id));
      const updated = await store.getConversation(conversation.id);
      assert.equal(updated!.lastSeq, 2);
      assert.equal(updated!.preview, 'again');
      await store.close();
    });

    it('stores a retried clientId once and returns the same message without new events', async () => {
      const { store, conversation } = await seeded();
      const first = await send(store, conversation.id, 'same', 'hello');
      const again = await send(store, conversation.id, 'same', 'hello');
      assert.equal(again.created, false);
      assert.deepEqual(again.value, first.value);
      assert.equal(again.events.length, 0);
      const page = await store.listMessages(conversation.id, { limit: 50, includeInternal: true });
      assert.equal(page.messages.length, 1);
      await store.close();
    });

    it('starts one conversation per visitor clientId, however often asked', async () => {
      const { store, site, visitor, conversation } = await seeded();
      assert.deepEqual(await store.getConversationRef(conversation.id),
        { id: conversation.id, siteId: site.id, visitorId: visitor.id, status: 'waiting', lastSeq: 0 });
      assert.equal(await store.getConversationRef('c_missing'), null);
      const again = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-1' });
      assert.equal(again.created, false);
      assert.equal(again.value.id, conversation.id);
      await store.close();
    });

    it('lets exactly one of two agents claim a waiting conversation', async () => {
      const { store, conversation, alice, bob } = await seeded();
      const results = await Promise.all([store.claim(conversation.id, alice), store.claim(conversation.id, bob)]);
      assert.deepEqual(results.map((r) => r.outcome).sort(), ['claimed', 'taken']);
      const winner = results.find((r) => r.outcome === 'claimed')!;
      assert.equal(winner.value.status, 'assigned');
      assert.equal(winner.events.map((e) => e.type).join(), 'message,conversation.updated');
      assert.equal((await store.claim(conversation.id, winner.value.assignee!)).outcome, 'already-yours');
      await store.close();
    });

    it('writes a system message for joins, transfers, resolving and reopening', async () => {
      const { store, conversation, alice, bob } = await seeded();
      await store.claim(conversation.id, alice);
      await store.transfer(conversation.id, alice, bob);
      await store.resolve(conversation.id, bob);
      assert.equal((await store.resolve(conversation.id, bob)).events.length, 0, 'resolving twice changes nothing');
      await store.reopen(conversation.id, bob);
      const { messages } = await store.listMessages(conversation.id, { limit: 50, includeInternal: true });
      assert.deepEqual(messages.map((m) => m.system?.kind), ['joined', 'transferred', 'resolved', 'reopened']);
      assert.equal(messages[1]!.system!.agentName, 'Bob');
      const final = await store.getConversation(conversation.id);
      assert.equal(final!.agentReadSeq, final!.lastSeq, 'agents need not "read" system lines');
      assert.equal(final!.status, 'assigned');
      assert.equal(final!.assignee!.id, bob.id);
      await store.close();
    });

    it('reopens a resolved conversation when the visitor writes again', async () => {
      const { store, conversation } = await seeded();
      await store.resolve(conversation.id, null);
      const result = await send(store, conversation.id, 'back', 'one more thing');
      assert.deepEqual(result.events.map((e) => e.type), ['message', 'conversation.updated']);
      assert.equal((await store.getConversation(conversation.id))!.status, 'waiting');
      await store.close();
    });

    it('keeps internal notes from visitors: agents-only events, no preview, hidden from visitor history', async () => {
      const { store, conversation, alice, visitor, site } = await seeded();
      await send(store, conversation.id, 'v', 'visible');
      const note = await send(store, conversation.id, 'n', 'secret note', 'agent', alice.id, true);
      assert.equal(note.events[0]!.audience, 'agents');
      assert.equal((await store.getConversation(conversation.id))!.preview, 'visible');
      const visitorView = await store.listMessages(conversation.id, { limit: 50, includeInternal: false });
      assert.deepEqual(visitorView.messages.map((m) => m.body), ['visible']);
      const visitorEvents = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, await fromStart(store), 100);
      assert.ok(!JSON.stringify(visitorEvents.events).includes('secret note'));
      await store.close();
    });

    it('replays events after a cursor by scope, and resets too-old or unknown cursors', async () => {
      const { store, site, other, visitor, conversation } = await seeded();
      const start = await store.headCursor();
      for (let i = 0; i < 5; i++) await send(store, conversation.id, `m${i}`, `message ${i}`);
      const forVisitor = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, start, 100);
      assert.deepEqual(forVisitor.events.map((e) => (e.data as { message: { body: string } }).message.body), ['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
      assert.equal(forVisitor.cursor, await store.headCursor());
      const paged = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, start, 2);
      assert.equal(paged.events.length, 2);
      assert.equal(paged.cursor, paged.events[1]!.id);
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [other.id] }, start, 100)).events.length, 0);
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, '999999', 100)).reset, 'cursor-unknown');
      const { epoch, seq } = parseEventId(start)!;
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, formatEventId(`${epoch}x`, seq), 100)).reset, 'cursor-unknown', 'another log');
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, formatEventId(epoch, seq + 1000), 100)).reset, 'cursor-unknown', 'above the head');
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, 'garbage', 100)).reset, 'cursor-unknown');
      const pruned = await store.pruneEvents(Date.now() + 1000);
      assert.ok(pruned > 0);
      assert.equal((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, start, 100)).reset, 'cursor-too-old');
      const head = await store.headCursor();
      assert.deepEqual((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, head, 100)).events, []);
      await store.close();
    });

    it('gives the turn for periodic work to one caller per period, per name', async () => {
      const store = await open();
      await store.migrate();
      assert.equal(await store.takeTurn('housekeeping', 60_000), true);
      assert.equal(await store.takeTurn('housekeeping', 60_000), false, 'taken for this period');
      assert.equal(await store.takeTurn('other-job', 60_000), true);
      assert.equal(await store.takeTurn('instant', 0), true);
      assert.equal(await store.takeTurn('instant', 0), true, 'a period of 0 is over at once');
      await store.close();
    });

    it('numbers the event log 1, 2, 3… without gaps, in one epoch, with the head at the last event', async () => {
      const { store, site, conversation } = await seeded();
      for (let i = 0; i < 4; i++) await send(store, conversation.id, `g${i}`, `gapless ${i}`);
      await store.resolve(conversation.id, null);
      const { events } = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      const ids = events.map((e) => parseEventId(e.id)!);
      assert.ok(ids.length >= 6);
      assert.equal(new Set(ids.map((id) => id.epoch)).size, 1);
      assert.deepEqual(ids.map((id) => id.seq), ids.map((_, i) => i + 1));
      assert.equal(await store.headCursor(), events.at(-1)!.id);
      await store.close();
    });

    it('only logs read events when the read position moves forward, capped at the last message', async () => {
      const { store, conversation } = await seeded();
      await send(store, conversation.id, 'a', 'one');
      await send(store, conversation.id, 'b', 'two');
      const read = await store.markRead(conversation.id, 'agent', 99);
      assert.equal(read.value.agentReadSeq, 2);
      assert.equal(read.events.length, 1);
      assert.equal((await store.markRead(conversation.id, 'agent', 1)).events.length, 0);
      await store.close();
    });

    it('pages history newest-first and reports older messages', async () => {
      const { store, conversation } = await seeded();
      for (let i = 1; i <= 5; i++) await send(store, conversation.id, `m${i}`, `#${i}`);
      const last = await store.listMessages(conversation.id, { limit: 2, includeInternal: false });
      assert.deepEqual(last.messages.map((m) => m.seq), [4, 5]);
      assert.equal(last.hasMore, true);
      const before = await store.listMessages(conversation.id, { beforeSeq: 4, limit: 10, includeInternal: false });
      assert.deepEqual(before.messages.map((m) => m.seq), [1, 2, 3]);
      assert.equal(before.hasMore, false);
      const after = await store.listMessages(conversation.id, { afterSeq: 3, limit: 10, includeInternal: false });
      assert.deepEqual(after.messages.map((m) => m.seq), [4, 5]);
      assert.equal(after.hasMore, false);
      const firstOfAll = await store.listMessages(conversation.id, { afterSeq: 0, limit: 1, includeInternal: false });
      assert.deepEqual(firstOfAll.messages.map((m) => m.seq), [1]);
      assert.equal(firstOfAll.hasMore, true, 'more come after');
      await store.close();
    });

    it('finds users by email case-insensitively and lists queue views with the visitor\'s name', async () => {
      const { store, site, alice, conversation, visitor } = await seeded();
      await store.updateVisitor(visitor.id, { name: 'Grace Hopper', email: 'grace@navy.mil' });
      const [listed] = await store.listConversations({ siteIds: [site.id], view: 'all', userId: alice.id, q: 'hopper', limit: 10 });
      assert.deepEqual(listed!.visitor, { name: 'Grace Hopper', email: 'grace@navy.mil' });
      assert.equal((await store.getUserByEmail('alice@shop.TEST'))!.user.id, alice.id);
      const waiting = await store.listConversations({ siteIds: [site.id], view: 'waiting', userId: alice.id, limit: 10 });
      assert.deepEqual(waiting.map((c) => c.id), [conversation.id]);
      await send(store, conversation.id, 'q', 'Where is my 50% refund?');
      assert.equal((await store.listConversations({ siteIds: [site.id], view: 'all', userId: alice.id, q: '50%', limit: 10 })).length, 1);
      assert.equal((await store.listConversations({ siteIds: [site.id], view: 'all', userId: alice.id, q: '50_', limit: 10 })).length, 0);
      await store.claim(conversation.id, alice);
      assert.equal((await store.listConversations({ siteIds: [site.id], view: 'mine', userId: alice.id, limit: 10 })).length, 1);
      assert.equal((await store.listConversations({ siteIds: [site.id], view: 'waiting', userId: alice.id, limit: 10 })).length, 0);
      await store.close();
    });

    it('logs a config event for visitors when widget settings change', async () => {
      const { store, site } = await seeded();
      const changed = await store.updateSite(site.id, { widget: { color: '#ff0000' } });
      assert.equal(changed.value.widget.color, '#ff0000');
      assert.equal(changed.events[0]!.type, 'config');
      assert.equal(changed.events[0]!.audience, 'visitors');
      await store.close();
    });

    it('announces every committed event once, in log order without gaps, even under concurrent writes', async () => {
      const { store, site, visitor } = await seeded();
      const announced: string[] = [];
      store.onCommit((events) => announced.push(...events.map((e) => e.id)));
      const conversations = await Promise.all([1, 2, 3].map((i) => store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `k${i}` })));
      const writes = Array.from({ length: 60 }, (_, i) => store.appendMessage({
        conversationId: conversations[i % 3]!.value.id, clientId: `c${i}`, author: 'visitor', agentId: null, body: `m${i}`, internal: false,
      }));
      // One of them fails (unknown conversation) and must not take the others down with it. Expected
      // at once: on an engine with concurrent writers it may fail before the others are done.
      const failing = assert.rejects(store.appendMessage({ conversationId: 'c_missing', clientId: 'x', author: 'visitor', agentId: null, body: 'x', internal: false }));
      const results = await Promise.all(writes);
      await failing;
      // An engine with several processes announces through a follower of the log: soon, not at once.
      const head = await store.headCursor();
      await waitFor(() => announced.at(-1) === head, { message: 'the last write to be announced' });
      for (const result of results) assert.ok(announced.includes(result.events[0]!.id), 'every write was announced');
      const seqs = announced.map((id) => parseEventId(id)!.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), 'in log order, each once, no gaps');
      assert.equal(results.length, 60);
      for (const conversation of conversations) {
        const { messages } = await store.listMessages(conversation.value.id, { limit: 100, includeInternal: true });
        assert.deepEqual(messages.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => i + 1));
      }
      await store.close();
    });

    it('uses an invitation once, and never after it expires', async () => {
      const { store, site } = await seeded();
      const invite = { kind: 'invite' as const, email: 'New@Shop.test', name: 'New', role: 'agent' as const, siteIds: [site.id], userId: null, expiresAt: Date.now() + 60_000 };
      await store.createInvite('token-a', invite);
      assert.equal((await store.consumeInvite('token-a'))!.email, 'new@shop.test');
      assert.equal(await store.consumeInvite('token-a'), null, 'single use');
      await store.createInvite('token-b', { ...invite, expiresAt: Date.now() - 1 });
      assert.equal(await store.consumeInvite('token-b'), null, 'expired');
      await store.close();
    });

    it('changes a user\'s role, sites and state, and ends their sessions on request', async () => {
      const { store, alice, other } = await seeded();
      await store.createSession({ tokenHash: 'session-1', userId: alice.id, csrfToken: 'c', expiresAt: Date.now() + 60_000 });
      const updated = await store.updateUser(alice.id, { role: 'owner', disabled: true, siteIds: [other.id] });
      assert.equal(updated.role, 'owner');
      assert.equal(updated.disabled, true);
      await store.deleteUserSessions(alice.id);
      assert.equal(await store.getSession('session-1'), null);
      await store.close();
    });

    // Issue 10: invariants that span rows hold with concurrent callers. On PostgreSQL the calls of
    // a Promise.all run on several pool connections at once; each case fails there when the store
    // decides from a read another caller can change before it acts (a read before its transaction,
    // or one without the lock). The clientId clash is the one that catches a separate claim surely;
    // the two agents' race catches it only now and then.

    it('keeps an enabled owner: of two owners demoted or disabled at once, one is refused', async () => {
      const { store } = await seeded();
      let n = 0;
      const owner = () => store.createUser({ email: `owner${++n}@shop.test`, name: `Owner ${n}`, role: 'owner', passwordHash: 'x', siteIds: [] });
      const activeOwners = async () => (await store.listUsers()).filter((u) => u.role === 'owner' && !u.disabled).map((u) => u.id);
      const solo = await owner();
      await assert.rejects(store.updateUser(solo.id, { role: 'agent' }), LastOwnerError);
      await assert.rejects(store.updateUser(solo.id, { disabled: true, name: 'Renamed' }), LastOwnerError);
      const unchanged = (await store.getUser(solo.id))!;
      assert.deepEqual([unchanged.role, unchanged.disabled, unchanged.name], ['owner', false, 'Owner 1'], 'a refused change changes nothing');
      assert.equal((await store.updateUser(solo.id, { name: 'Sole', role: 'owner', disabled: false })).name, 'Sole', 'what keeps them an owner passes');
      let pair = [solo, await owner()];
      for (let round = 0; round < 8; round++) {
        const settled = await Promise.allSettled([
          store.updateUser(pair[0]!.id, round % 2 ? { role: 'agent' } : { disabled: true }),
          store.updateUser(pair[1]!.id, { role: 'agent' }),
        ]);
        const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
        assert.equal(refused.length, 1, `round ${round}: exactly one of the two is refused`);
        assert.ok((settled[refused[0]!] as PromiseRejectedResult).reason instanceof LastOwnerError);
        const survivor = pair[refused[0]!]!;
        assert.deepEqual(await activeOwners(), [survivor.id], `round ${round}: the refused one is the owner left`);
        pair = [survivor, await owner()];
      }
      await store.close();
    });

    it('counts a return once when several tabs open a session at once, and never loses one', async () => {
      const { store, visitor } = await seeded();
      const gap = 30 * 60_000;
      const touch = (at: number, context: Record<string, string>) => store.touchVisitor(visitor.id, { context, at, newVisitAfterMs: gap });
      const soon = await touch(visitor.lastSeenAt + 1000, { userAgent: 'Test/1.0' });
      assert.equal(soon.newVisit, false, 'back within the gap: the same visit');
      assert.equal(soon.value.visits, 1);
      assert.deepEqual(soon.value.context, { url: 'https://shop.test/', userAgent: 'Test/1.0' }, 'the context is merged');
      assert.deepEqual(soon.events.map((e) => e.type), ['visitor.updated']);
      assert.equal((await touch(visitor.lastSeenAt + 2000, { userAgent: 'Test/1.0' })).events.length, 0, 'being seen alone is no news');
      let seen = visitor.lastSeenAt + 2000;
      for (let round = 1; round <= 4; round++) {
        const at = seen + gap + 1;
        const tabs = await Promise.all(Array.from({ length: 8 }, (_, i) => touch(at + i, { url: `https://shop.test/${round}/${i}` })));
        assert.equal(tabs.filter((t) => t.newVisit).length, 1, `round ${round}: one of the tabs counts the return`);
        const after = (await store.getVisitor(visitor.id))!;
        assert.equal(after.visits, 1 + round, `round ${round}: counted once`);
        assert.equal(after.lastSeenAt, at + 7, 'the latest time, in whatever order they landed');
        assert.equal(after.context.userAgent, 'Test/1.0');
        seen = after.lastSeenAt;
      }
      const late = await touch(seen - 5000, {});
      assert.equal(late.value.lastSeenAt, seen, 'a late arrival never moves lastSeenAt back');
      assert.equal(late.newVisit, false);
      await store.close();
    });

    it('takes a waiting conversation with the reply, the join right before it; a colleague answering at once is sent after, and a retry writes nothing', async () => {
      const { store, site, visitor, alice, bob } = await seeded();
      const reply = (conversationId: string, agent: AgentRef) => store.appendMessage({
        conversationId, clientId: `reply-${agent.id}`, author: 'agent', agentId: agent.id, body: `${agent.name} here`, internal: false, claimIfWaiting: agent,
      });
      const started = await Promise.all(Array.from({ length: 8 }, (_, i) => store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `race-${i}` })));
      const races = await Promise.all(started.map(({ value: c }) => Promise.all([reply(c.id, alice), reply(c.id, bob)])));
      for (const [i, results] of races.entries()) {
        const id = started[i]!.value.id;
        assert.equal(results.filter((r) => r.claimed).length, 1, 'one reply takes it');
        const taker = results.find((r) => r.claimed)!;
        const other = results.find((r) => !r.claimed)!;
        assert.ok(taker.created && other.created, 'both replies are sent');
        assert.deepEqual(taker.events.map((e) => e.type), ['message', 'conversation.updated', 'message']);
        assert.deepEqual(other.events.map((e) => e.type), ['message']);
        const { messages } = await store.listMessages(id, { limit: 10, includeInternal: true });
        assert.deepEqual(messages.map((m) => [m.seq, m.system?.kind ?? m.agent?.id]), [[1, 'joined'], [2, taker.value.agent!.id], [3, other.value.agent!.id]],
          'the join, then the reply that made it, then the colleague\'s');
        assert.equal(messages[0]!.system!.agentName, taker.value.agent!.name);
        const conversation = (await store.getConversation(id))!;
        assert.deepEqual([conversation.status, conversation.assignee?.id], ['assigned', taker.value.agent!.id], 'it stays with the one who took it');
        const retry = await reply(id, taker.value.agent!);
        assert.deepEqual([retry.created, retry.claimed, retry.events.length], [false, false, 0]);
        assert.deepEqual(retry.value, taker.value);
      }
      const { value: resolved } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'resolved' });
      await store.resolve(resolved.id, null);
      const late = await reply(resolved.id, alice);
      assert.deepEqual([late.created, late.claimed, late.events.map((e) => e.type).join()], [true, false, 'message'], 'a resolved conversation is not taken');
      assert.equal((await store.getConversation(resolved.id))!.status, 'resolved');
      await store.close();
    });

    it('never takes a conversation for a reply whose clientId a note took at the same moment', async () => {
      const { store, site, visitor, alice } = await seeded();
      const started = await Promise.all(Array.from({ length: 8 }, (_, i) => store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `clash-${i}` })));
      for (const { value: c } of started) {
        const base = { conversationId: c.id, clientId: 'clash', author: 'agent' as const, agentId: alice.id, body: 'same id' };
        const [note, answer] = await Promise.all([
          store.appendMessage({ ...base, internal: true }),
          store.appendMessage({ ...base, internal: false, claimIfWaiting: alice }),
        ]);
        assert.equal([note, answer].filter((r) => r.created).length, 1, 'one message per clientId');
        const { messages } = await store.listMessages(c.id, { limit: 10, includeInternal: true });
        const status = (await store.getConversation(c.id))!.status;
        if (note.created) {
          assert.deepEqual([answer.claimed, answer.events.length, status], [false, 0, 'waiting'], 'the refused reply took nothing');
          assert.deepEqual(messages.map((m) => m.internal), [true]);
        } else {
          assert.deepEqual([answer.claimed, status], [true, 'assigned']);
          assert.deepEqual(messages.map((m) => m.system?.kind ?? m.body), ['joined', 'same id']);
        }
      }
      await store.close();
    });

    it('keeps canned responses per site, one per shortcut: a second one with the same shortcut is refused, not written over the first', async () => {
      const { store, site, other } = await seeded();
      const first = (await store.createCanned({ siteId: site.id, shortcut: 'hi', body: 'Hello!' }))!;
      assert.equal(await store.createCanned({ siteId: site.id, shortcut: 'hi', body: 'Hello there!' }), null);
      assert.ok(await store.createCanned({ siteId: other.id, shortcut: 'hi', body: 'Other' }), 'another site may have the same shortcut');
      assert.deepEqual((await store.listCanned([site.id])).map((c) => [c.id, c.body]), [[first.id, 'Hello!']]);
      assert.equal(await store.deleteCanned(other.id, first.id), false, 'not from another site');
      assert.equal(await store.deleteCanned(site.id, first.id), true);
      assert.ok(await store.createCanned({ siteId: site.id, shortcut: 'hi', body: 'Hello again!' }), 'free again once deleted');
      await store.close();
    });

    it('exports every conversation of a site with its visitor and messages', async () => {
      const { store, site, conversation, visitor } = await seeded();
      await send(store, conversation.id, 'a', 'hello');
      const exported = await store.exportConversations(site.id);
      assert.equal(exported.length, 1);
      assert.equal(exported[0]!.visitor.id, visitor.id);
      assert.deepEqual(exported[0]!.messages.map((m) => m.body), ['hello']);
      await store.close();
    });

    it('deletes a visitor with everything about them, events included', async () => {
      const { store, site, visitor, conversation } = await seeded();
      await send(store, conversation.id, 'a', 'my address is 1 Main St');
      assert.equal(await store.deleteVisitor(visitor.id), true);
      assert.equal(await store.getConversation(conversation.id), null);
      const events = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.ok(!JSON.stringify(events.events).includes('1 Main St'));
      assert.equal(await store.deleteVisitor(visitor.id), false);
      await store.close();
    });

    it('deletes conversations idle since before the retention cut-off, and only those', async () => {
      const { store, site, visitor, conversation } = await seeded();
      await send(store, conversation.id, 'a', 'old news');
      const cutoff = Date.now() + 1;
      // Until the clock is past the cut-off, so the next conversation is newer than it.
      await waitFor(() => Date.now() > cutoff, { intervalMs: 1 });
      const { value: fresh } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      assert.equal(await store.deleteConversationsBefore(site.id, cutoff), 1);
      assert.equal(await store.getConversation(conversation.id), null);
      assert.ok(await store.getConversation(fresh.id));
      const events = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.ok(!JSON.stringify(events.events).includes('old news'));
      await store.close();
    });
  });

  // Each capability's cases live in a file of their own beside this one.
  emailThreadConformance(name, open);
  attachmentConformance(name, open);
  ownAccountConformance(name, open);
  emailOutboxConformance(name, open);
  heldEmailConformance(name, open);
  teamInboxConformance(name, open);
  assignmentConformance(name, open);
  goneConformance(name, open);
  apiTokenConformance(name, open);
  ratingConformance(name, open);
  reportConformance(name, open);
  webhookConformance(name, open);
}
