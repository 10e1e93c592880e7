/**
 * Assignment (issue 14), for every engine: a site's rule and capacities, auto-assignment written
 * as a claim is, round-robin in turn and least-load, capacities never exceeded even by assignments
 * at once, teams and passing a conversation to one, the team filter of the waiting queue, and
 * unanswered alerts once per period.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventId, parseEventId } from '../../protocol/protocol.ts';
import { RefusedError, type LoggedEvent, type Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

const MANUAL = { rule: 'manual', unansweredAfterSeconds: null, capacities: {} };

export function assignmentConformance(name: string, open: () => Promise<Store>): void {
  /** The seed, plus `more` waiting conversations of the same visitor, oldest first. */
  async function seeded(more = 0) {
    const seed = await seedStore(open);
    const ids = [seed.conversation.id];
    for (let n = 0; n < more; n++) {
      ids.push((await seed.store.startConversation({ siteId: seed.site.id, visitorId: seed.visitor.id, clientId: `more-${n}` })).value.id);
    }
    return { ...seed, ids };
  }
  const types = (events: LoggedEvent[]) => events.map((event) => event.type);
  const assigneeOf = async (store: Store, id: string) => (await store.getConversation(id))!.assignee?.name ?? null;

  describe(`${name} store: assignment`, () => {
    it('keeps a site manual until its owner picks a rule, and an agent\'s capacity until it is taken away', async () => {
      const { store, site, other, alice, bob, conversation } = await seeded();
      assert.deepEqual(await store.getAssignmentSettings(site.id), MANUAL);
      const manual = await store.autoAssign(conversation.id, [alice.id, bob.id]);
      assert.equal(manual.outcome, 'manual');
      assert.deepEqual(manual.events, []);
      assert.equal((await store.getConversation(conversation.id))!.status, 'waiting');

      const chosen = { rule: 'least-load' as const, unansweredAfterSeconds: 120, capacities: { [alice.id]: 2, [bob.id]: 5 } };
      assert.deepEqual(await store.updateAssignmentSettings(site.id, chosen), chosen);
      assert.deepEqual(await store.updateAssignmentSettings(site.id, { capacities: { [bob.id]: null } }),
        { rule: 'least-load', unansweredAfterSeconds: 120, capacities: { [alice.id]: 2 } });
      assert.deepEqual(await store.updateAssignmentSettings(site.id, { unansweredAfterSeconds: null }),
        { rule: 'least-load', unansweredAfterSeconds: null, capacities: { [alice.id]: 2 } });
      assert.deepEqual(await store.getAssignmentSettings(other.id), MANUAL, 'another site keeps its own');
      await store.close();
    });

    it('round-robin gives waiting conversations to online agents in turn, written as a claim is, and skips whoever is away', async () => {
      const { store, site, alice, bob, ids } = await seeded(3);
      await store.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      const first = await store.autoAssign(ids[0]!, [alice.id, bob.id]);
      assert.equal(first.outcome, 'assigned');
      assert.equal(first.value.status, 'assigned');
      // The turn's order is fixed (oldest account first; the seed makes both in one millisecond).
      const [one, two] = first.value.assignee?.id === alice.id ? [alice, bob] : [bob, alice];
      assert.equal(first.value.assignee?.id, one.id);
      assert.deepEqual(types(first.events), ['message', 'conversation.updated', 'conversation.assigned']);
      const joined = first.events[0]!.data as { message: { system: { kind: string; agentName: string } } };
      assert.deepEqual(joined.message.system, { kind: 'joined', agentName: one.name });
      const assigned = first.events[2]!;
      assert.equal(assigned.audience, 'agents');
      assert.deepEqual({ ...(assigned.data as object), conversation: undefined }, { conversation: undefined, via: 'rule', by: null });

      assert.equal((await store.autoAssign(ids[1]!, [alice.id, bob.id])).value.assignee?.id, two.id);
      assert.equal((await store.autoAssign(ids[2]!, [alice.id, bob.id])).value.assignee?.id, one.id);
      assert.equal((await store.autoAssign(ids[3]!, [one.id])).value.assignee?.id, one.id, 'the other is away: the same again');
      const again = await store.autoAssign(ids[0]!, [alice.id, bob.id]);
      assert.equal(again.outcome, 'not-waiting');
      assert.deepEqual(again.events, []);
      assert.equal((await store.autoAssign(ids[0]!, [])).outcome, 'not-waiting');
      await store.close();
    });

    it('never gives an agent more than their capacity, leaves a conversation waiting when all are full, and gives it to whoever frees a slot', async () => {
      const { store, site, alice, bob, ids } = await seeded(2);
      await store.updateAssignmentSettings(site.id, { rule: 'round-robin', capacities: { [alice.id]: 1, [bob.id]: 1 } });
      const online = [alice.id, bob.id];
      await store.claim(ids[0]!, alice);
      assert.equal((await store.autoAssign(ids[1]!, online)).value.assignee?.id, bob.id, 'Alice is at capacity');
      const full = await store.autoAssign(ids[2]!, online);
      assert.equal(full.outcome, 'nobody-free');
      assert.deepEqual(full.events, []);
      assert.equal(full.value.status, 'waiting');
      await store.resolve(ids[0]!, alice);
      assert.equal((await store.autoAssign(ids[2]!, online)).value.assignee?.id, alice.id);
      await store.close();
    });

    it('least-load gives the agent with the fewest open conversations, and equals take turns', async () => {
      const { store, site, alice, bob, ids } = await seeded(4);
      await store.updateAssignmentSettings(site.id, { rule: 'least-load' });
      const online = [alice.id, bob.id];
      await store.claim(ids[0]!, alice);
      await store.claim(ids[1]!, alice);
      assert.equal((await store.autoAssign(ids[2]!, online)).value.assignee?.id, bob.id);
      assert.equal((await store.autoAssign(ids[3]!, online)).value.assignee?.id, bob.id, 'Bob has 1, Alice 2');
      assert.equal((await store.autoAssign(ids[4]!, online)).value.assignee?.id, alice.id, '2 each: the turn goes on from Bob');
      await store.close();
    });

    it('gives two conversations assigned at once to different agents, and never more than a capacity allows', async () => {
      const { store, site, alice, bob, ids } = await seeded(4);
      await store.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      const online = [alice.id, bob.id];
      const pair = await Promise.all([store.autoAssign(ids[0]!, online), store.autoAssign(ids[1]!, online)]);
      assert.deepEqual(pair.map((r) => r.value.assignee?.name).sort(), ['Alice', 'Bob']);

      await store.updateAssignmentSettings(site.id, { rule: 'least-load', capacities: { [alice.id]: 2, [bob.id]: 2 } });
      const burst = await Promise.all(ids.slice(2).map((id) => store.autoAssign(id, online)));
      assert.deepEqual(burst.map((r) => r.outcome).sort(), ['assigned', 'assigned', 'nobody-free']);
      const open = await store.listConversations({ siteIds: [site.id], view: 'open', userId: alice.id, limit: 50 });
      const loads = new Map<string, number>();
      for (const c of open) if (c.assignee) loads.set(c.assignee.name, (loads.get(c.assignee.name) ?? 0) + 1);
      assert.deepEqual([...loads].sort(), [['Alice', 2], ['Bob', 2]]);
      await store.close();
    });

    it('tells the agent a conversation was transferred to, apart from the update', async () => {
      const { store, conversation, alice, bob } = await seeded();
      await store.claim(conversation.id, alice);
      const moved = await store.transfer(conversation.id, alice, bob);
      assert.deepEqual(types(moved.events), ['message', 'conversation.updated', 'conversation.assigned']);
      const data = moved.events[2]!.data as { conversation: { assignee: { id: string } }; via: string; by: { id: string } };
      assert.deepEqual([data.conversation.assignee.id, data.via, data.by.id], [bob.id, 'transfer', alice.id]);
      assert.equal(moved.events[2]!.audience, 'agents');
      await store.close();
    });

    it('keeps a team\'s name unique in its site whatever its case, changes its members, and lists teams by site', async () => {
      const { store, site, other, alice, bob } = await seeded();
      const billing = await store.createTeam({ siteId: site.id, name: ' Billing ', memberIds: [bob.id] });
      assert.equal(billing.value.name, 'Billing');
      assert.deepEqual(billing.value.memberIds, [bob.id]);
      assert.deepEqual(types(billing.events), ['teams']);
      assert.equal(billing.events[0]!.audience, 'agents');
      await assert.rejects(store.createTeam({ siteId: site.id, name: 'BILLING', memberIds: [] }), (e: unknown) => e instanceof RefusedError && e.reason === 'name-taken');
      const elsewhere = await store.createTeam({ siteId: other.id, name: 'billing', memberIds: [] });
      const sales = await store.createTeam({ siteId: site.id, name: 'Sales', memberIds: [alice.id, alice.id] });
      await assert.rejects(store.updateTeam(site.id, sales.value.id, { name: 'billing' }), (e: unknown) => e instanceof RefusedError && e.reason === 'name-taken');
      const changed = await store.updateTeam(site.id, billing.value.id, { memberIds: [alice.id, bob.id] });
      assert.deepEqual(changed!.value.memberIds, [alice.id, bob.id].sort());
      assert.deepEqual((changed!.events[0]!.data as { teams: unknown[] }).teams.length, 2);
      assert.equal(await store.updateTeam(other.id, billing.value.id, { name: 'Mine' }), null, 'not a team of that site');
      assert.deepEqual((await store.listTeams([site.id])).map((t) => t.name), ['Billing', 'Sales']);
      assert.deepEqual((await store.listTeams([site.id, other.id])).map((t) => t.id).sort(), [billing.value.id, sales.value.id, elsewhere.value.id].sort());
      assert.equal((await store.getTeam(sales.value.id))!.memberIds.length, 1);
      assert.deepEqual(await store.listTeams([]), []);
      await store.close();
    });

    it('passes a conversation to a team, where it waits for the team, and the rule picks one of its members', async () => {
      const { store, site, visitor, alice, bob, ids } = await seeded(1);
      const cursor = formatEventId(parseEventId(await store.headCursor())!.epoch, 0);
      const billing = (await store.createTeam({ siteId: site.id, name: 'Billing', memberIds: [bob.id] })).value;
      await store.claim(ids[0]!, alice);
      // Manual: it waits for the team, with nobody on it.
      const waiting = (await store.transferToTeam(ids[0]!, alice, billing.id, [alice.id, bob.id]))!;
      assert.equal(waiting.outcome, 'manual');
      assert.deepEqual([waiting.value.status, waiting.value.assignee, waiting.value.team], ['waiting', null, { id: billing.id, name: 'Billing' }]);
      assert.deepEqual(types(waiting.events), ['message', 'conversation.updated', 'conversation.assigned']);
      const passed = waiting.events[0]!.data as { message: { system: { kind: string; agentName: string }; body: string } };
      assert.deepEqual(passed.message.system, { kind: 'transferred', agentName: 'Billing' });
      assert.equal(passed.message.body, 'The conversation was passed to Billing');
      const again = (await store.transferToTeam(ids[0]!, alice, billing.id, []))!;
      assert.deepEqual(again.events, [], 'already waiting for that team');
      assert.equal(await store.transferToTeam(ids[0]!, alice, 't_missing', []), null);

      // The team's waiting conversations are its members' queue.
      const waitingFor = async (teamIds?: string[]) => (await store.listConversations({ siteIds: [site.id], view: 'waiting', userId: alice.id, teamIds, limit: 50 })).map((c) => c.id);
      assert.deepEqual(await waitingFor([]), [ids[1]]);
      assert.deepEqual((await waitingFor([billing.id])).sort(), [ids[0], ids[1]].sort());
      assert.deepEqual((await waitingFor()).sort(), [ids[0], ids[1]].sort(), 'no team filter asked for');
      assert.ok(waiting.value.waitingSince! >= (await store.getConversation(ids[1]!))!.createdAt, 'its wait started when it was passed');

      // With a rule, one of the team's online members takes it in the same transaction.
      await store.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      await store.claim(ids[1]!, alice);
      const taken = (await store.transferToTeam(ids[1]!, alice, billing.id, [alice.id, bob.id]))!;
      assert.equal(taken.outcome, 'assigned');
      assert.equal(taken.value.assignee?.id, bob.id, 'Alice is not in Billing');
      assert.deepEqual(types(taken.events), ['message', 'conversation.updated', 'conversation.assigned', 'message', 'conversation.updated', 'conversation.assigned']);
      assert.equal((await store.autoAssign(ids[0]!, [alice.id])).outcome, 'nobody-free', 'no member of Billing is online');
      const { messages } = await store.listMessages(ids[1]!, { limit: 50, includeInternal: true });
      assert.deepEqual(messages.map((m) => m.system?.kind), ['joined', 'transferred', 'joined']);

      // Visitors see the system messages, never the agents-only events.
      const theirs = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, cursor, 500);
      assert.ok(!theirs.events.some((e) => e.type === 'conversation.assigned' || e.type === 'teams'));
      await store.close();
    });

    it('leaves a deleted team\'s conversations without a team, and says so', async () => {
      const { store, site, alice, ids } = await seeded();
      const team = (await store.createTeam({ siteId: site.id, name: 'Tier 2', memberIds: [alice.id] })).value;
      await store.transferToTeam(ids[0]!, alice, team.id, []);
      assert.deepEqual((await store.deleteTeam(site.id, 't_missing')).value, false);
      const deleted = await store.deleteTeam(site.id, team.id);
      assert.equal(deleted.value, true);
      assert.deepEqual(types(deleted.events), ['conversation.updated', 'teams']);
      assert.equal((deleted.events[0]!.data as { conversation: { team: unknown } }).conversation.team, null);
      assert.equal((await store.getConversation(ids[0]!))!.team, null);
      assert.equal(await store.getTeam(team.id), null);
      assert.equal(await assigneeOf(store, ids[0]!), null);
      await store.close();
    });

    it('alerts a waiting conversation once per threshold period, however often or concurrently asked, and starts over when it waits again', async () => {
      const { store, site, alice, conversation } = await seeded();
      const since = conversation.waitingSince!;
      assert.equal(since, conversation.createdAt);
      assert.deepEqual((await store.alertUnanswered(since + 600_000, 50)).value, [], 'no threshold: no alerts');
      await store.updateAssignmentSettings(site.id, { unansweredAfterSeconds: 60 });
      assert.deepEqual((await store.alertUnanswered(since + 59_000, 50)).value, []);
      const asked = await Promise.all([store.alertUnanswered(since + 61_000, 50), store.alertUnanswered(since + 61_000, 50)]);
      const alerts = asked.flatMap((r) => r.events);
      assert.deepEqual(types(alerts), ['conversation.unanswered']);
      assert.equal(alerts[0]!.audience, 'agents');
      const alert = alerts[0]!.data as { conversation: { unansweredAlerts: number }; waitedMs: number };
      assert.deepEqual([alert.conversation.unansweredAlerts, alert.waitedMs], [1, 61_000]);
      assert.deepEqual((await store.alertUnanswered(since + 100_000, 50)).events, [], 'the same period again');
      assert.equal((await store.alertUnanswered(since + 150_000, 50)).value[0]?.unansweredAlerts, 2);
      const late = await store.alertUnanswered(since + 600_000, 50);
      assert.equal(late.events.length, 1, 'one alert for the periods missed, not one each');
      assert.equal(late.value[0]!.unansweredAlerts, 10);
      assert.equal((await store.getConversation(conversation.id))!.unansweredAlerts, 10);

      // Resolved and reopened with nobody on it: a new wait, with no alerts yet.
      await store.resolve(conversation.id, alice);
      assert.deepEqual((await store.alertUnanswered(since + 900_000, 50)).events, []);
      const reopened = (await store.reopen(conversation.id, alice)).value;
      assert.equal(reopened.status, 'waiting');
      assert.equal(reopened.unansweredAlerts, 0);
      assert.ok(reopened.waitingSince! >= since, 'waiting again from the reopening');
      await store.claim(conversation.id, alice);
      assert.deepEqual((await store.alertUnanswered(reopened.waitingSince! + 600_000, 50)).events, [], 'claimed: answered');
      await store.close();
    });
  });
}
