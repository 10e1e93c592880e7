/**
 * Assignment over HTTP and SSE against a real server (issue 14): the owner's rule, capacities and
 * teams with their bad inputs; round-robin among online agents, its turn surviving a restart;
 * capacity, an agent coming online, a freed slot; a team's queue; unanswered alerts moved by an
 * injected clock, once per threshold period.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SWEEP_MS } from '../server/assign/assigner.ts';
import { UNANSWERED_CHECK_MS } from '../server/assign/unanswered-alerts.ts';
import { StoreUnavailableError } from '../server/store/store.ts';
import { newVisitor, loginAgent, startServer, type TestServer } from './harness.ts';
import type { SseConnection } from './sse-client.ts';
import { createManualClock } from './support/manual-clock.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

describe('assignment rules', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let owner: Agent;
  let alice: Agent;
  let bob: Agent;
  const streams = new Map<string, SseConnection>();

  before(async () => {
    server = teardown.add(await startServer(), (running) => running.close());
    teardown.add(streams, (open) => { for (const stream of open.values()) stream.close(); });
    [owner, alice, bob] = await Promise.all(['owner@test.local', 'alice@test.local', 'bob@test.local'].map((email) => loginAgent(server, email)));
  });
  after(() => teardown.run());

  const idOf = (agent: Agent): string => agent.me.user.id;
  const onlineNow = () => server.app.services.presence.onlineAgents(server.site.id);
  /** Opens the agent's dashboard stream and waits until presence counts them online. */
  async function connect(agent: Agent): Promise<void> {
    streams.get(idOf(agent))?.close();
    streams.set(idOf(agent), await agent.stream());
    await waitFor(() => onlineNow().includes(idOf(agent)), { message: `${agent.me.user.name} online` });
  }
  const settings = (json: object) => owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json });
  const assignee = async (id: string) => (await server.store.getConversation(id))?.assignee?.name ?? null;
  const assigned = (id: string) => waitFor(() => assignee(id), { message: `conversation ${id} assigned` });
  /** Nothing is left for the rule to do: every drain started has finished. */
  const settled = () => server.app.services.assigner.settled();
  /** Each case starts with nobody carrying a load. */
  async function resolveEverything(): Promise<void> {
    for (const c of await server.store.listConversations({ siteIds: [server.site.id], view: 'open', userId: '', limit: 200 })) {
      await server.store.resolve(c.id, null);
    }
  }

  it('refuses bad settings and team changes with clear errors, and lets only owners make them', async () => {
    const agentTry = await alice.admin(`/sites/${server.site.id}/assignment`);
    assert.equal(agentTry.status, 403);
    assert.equal(agentTry.body.error.code, 'PARLEY_ERR_FORBIDDEN');
    assert.equal((await alice.admin(`/sites/${server.site.id}/teams`, { method: 'POST', json: { name: 'Mine', memberIds: [] } })).status, 403);
    for (const bad of [{}, { rule: 'random' }, { unansweredAfterSeconds: 5 }, { capacities: { [idOf(alice)]: -1 } }, { capacities: { [idOf(alice)]: 1.5 } }]) {
      const refused = await settings(bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(refused.body.error.code, 'PARLEY_ERR_BAD_REQUEST');
    }
    const stranger = await settings({ capacities: { u_nobody: 2 } });
    assert.deepEqual([stranger.status, stranger.body.error.code], [404, 'PARLEY_ERR_USER_NOT_FOUND']);
    assert.match(stranger.body.error.message, /u_nobody/);
    assert.equal((await owner.admin('/sites/s_missing/assignment', { method: 'PATCH', json: { rule: 'manual' } })).body.error.code, 'PARLEY_ERR_SITE_NOT_FOUND');
    const fine = await settings({ unansweredAfterSeconds: 120, capacities: { [idOf(alice)]: 3 } });
    assert.equal(fine.status, 200);
    assert.deepEqual(fine.body.assignment, { rule: 'manual', unansweredAfterSeconds: 120, capacities: { [idOf(alice)]: 3 } });
    assert.deepEqual((await owner.admin(`/sites/${server.site.id}/assignment`)).body.assignment, fine.body.assignment);

    const teams = `/sites/${server.site.id}/teams`;
    const created = await owner.admin(teams, { method: 'POST', json: { name: 'Escalations', memberIds: [idOf(bob)] } });
    assert.equal(created.status, 200);
    const taken = await owner.admin(teams, { method: 'POST', json: { name: 'ESCALATIONS', memberIds: [] } });
    assert.deepEqual([taken.status, taken.body.error.code], [409, 'PARLEY_ERR_TEAM_NAME_TAKEN']);
    assert.equal((await owner.admin(teams, { method: 'POST', json: { name: '   ', memberIds: [] } })).status, 400);
    assert.equal((await owner.admin(teams, { method: 'POST', json: { name: 'Ghosts', memberIds: ['u_nobody'] } })).body.error.code, 'PARLEY_ERR_USER_NOT_FOUND');
    assert.equal((await owner.admin(`${teams}/t_missing`, { method: 'PATCH', json: { name: 'X' } })).body.error.code, 'PARLEY_ERR_TEAM_NOT_FOUND');
    assert.equal((await owner.admin(`${teams}/t_missing`, { method: 'DELETE' })).status, 404);

    // A team of another site is no team for this site's conversations.
    const otherSite = (await owner.admin('/sites', { method: 'POST', json: { name: 'Elsewhere' } })).body.site;
    const foreign = (await owner.admin(`/sites/${otherSite.id}/teams`, { method: 'POST', json: { name: 'Foreign', memberIds: [] } })).body.team;
    const visitor = await newVisitor(server);
    const { id } = await visitor.start();
    const passed = await alice.call(`/conversations/${id}/team`, { method: 'POST', json: { teamId: foreign.id } });
    assert.deepEqual([passed.status, passed.body.error.code], [404, 'PARLEY_ERR_TEAM_NOT_FOUND']);
    assert.equal((await alice.call('/conversations/c_missing/team', { method: 'POST', json: { teamId: created.body.team.id } })).body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');
    assert.equal((await owner.admin(`${teams}/${created.body.team.id}`, { method: 'DELETE' })).status, 204);
    await settings({ unansweredAfterSeconds: null, capacities: { [idOf(alice)]: null } });
  });

  it('round-robin gives new conversations to the online agents in turn, and the turn survives a restart', async () => {
    await resolveEverything();
    await connect(alice);
    await connect(bob);
    assert.equal((await settings({ rule: 'round-robin' })).status, 200);
    const visitor = await newVisitor(server);
    const first = await assigned((await visitor.start()).id);

    await server.restart();
    [owner, alice, bob] = await Promise.all(['owner@test.local', 'alice@test.local', 'bob@test.local'].map((email) => loginAgent(server, email)));
    await connect(alice);
    await connect(bob);
    const again = await newVisitor(server);
    const second = await assigned((await again.start()).id);
    assert.notEqual(second, first, 'the turn went on after the restart');
    const third = await assigned((await again.start()).id);
    assert.equal(third, first);
  });

  it('skips an agent at capacity, leaves a conversation waiting when both are full, and gives it to whoever frees a slot', async () => {
    await resolveEverything();
    await connect(alice);
    await connect(bob);
    await settings({ rule: 'round-robin', capacities: { [idOf(alice)]: 1, [idOf(bob)]: 1 } });
    const visitor = await newVisitor(server);
    const one = (await visitor.start()).id;
    const two = (await visitor.start()).id;
    const names = [await assigned(one), await assigned(two)];
    assert.deepEqual([...names].sort(), ['Alice', 'Bob']);
    const three = (await visitor.start()).id;
    await waitFor(async () => (await server.store.getConversation(three))?.status === 'waiting');
    await settled();
    assert.equal(await assignee(three), null, 'both are at capacity: it waits');

    const freeing = names[1] === 'Alice' ? alice : bob;
    assert.equal((await freeing.call(`/conversations/${two}/resolve`, { method: 'POST' })).status, 200);
    assert.equal(await assigned(three), freeing.me.user.name);
  });

  it('gives a waiting conversation to an agent who comes online, and never to one who is away', async () => {
    await resolveEverything();
    await connect(alice);
    await connect(bob);
    await settings({ rule: 'least-load', capacities: { [idOf(alice)]: null, [idOf(bob)]: null } });
    await bob.call('/presence', { method: 'POST', json: { status: 'away' } });
    await waitFor(() => !onlineNow().includes(idOf(bob)));
    const visitor = await newVisitor(server);
    assert.equal(await assigned((await visitor.start()).id), 'Alice', 'Bob is away');

    await alice.call('/presence', { method: 'POST', json: { status: 'away' } });
    await waitFor(() => onlineNow().length === 0);
    const waiting = (await visitor.start()).id;
    await waitFor(async () => (await server.store.getConversation(waiting))?.status === 'waiting');
    await settled();
    assert.equal(await assignee(waiting), null, 'nobody online: it waits');
    await bob.call('/presence', { method: 'POST', json: { status: 'online' } });
    assert.equal(await assigned(waiting), 'Bob');
    await alice.call('/presence', { method: 'POST', json: { status: 'online' } });
  });

  it('passes a conversation to a team: it waits in its members\' queue, and the rule gives it to one of them', async () => {
    await resolveEverything();
    await connect(alice);
    await connect(bob);
    await settings({ rule: 'manual' });
    const team = (await owner.admin(`/sites/${server.site.id}/teams`, { method: 'POST', json: { name: 'Billing', memberIds: [idOf(bob)] } })).body.team;
    const visitor = await newVisitor(server);
    const { id } = await visitor.start();
    await alice.call(`/conversations/${id}/claim`, { method: 'POST' });
    const cursor = (await bob.call('/conversations?view=open')).body.cursor;
    const passed = await alice.call(`/conversations/${id}/team`, { method: 'POST', json: { teamId: team.id } });
    assert.equal(passed.status, 200);
    assert.deepEqual([passed.body.conversation.status, passed.body.conversation.assignee, passed.body.conversation.team], ['waiting', null, { id: team.id, name: 'Billing' }]);

    const waitingFor = async (agent: Agent) => (await agent.call('/conversations?view=waiting')).body.conversations.map((c: { id: string }) => c.id);
    assert.ok((await waitingFor(bob)).includes(id), 'in the queue of Billing\'s member');
    assert.ok(!(await waitingFor(alice)).includes(id), 'not in the queue of someone outside Billing');
    assert.ok((await alice.call('/conversations?view=open')).body.conversations.some((c: { id: string }) => c.id === id), 'still found under Open');
    const teams = (await alice.call('/teams')).body.teams;
    assert.deepEqual(teams.map((t: { name: string; memberIds: string[] }) => [t.name, t.memberIds]), [['Billing', [idOf(bob)]]]);

    // Bob's dashboard hears it was passed to his team, by Alice.
    const told = await streams.get(idOf(bob))!.until((event) => event.event === 'conversation.assigned' && event.data.conversation.id === id);
    assert.deepEqual([told.data.via, told.data.by.name, told.data.conversation.team.name], ['transfer', 'Alice', 'Billing']);
    assert.ok(told.id && cursor, 'a logged event, replayed on resume');

    // Turning a rule on gives it to the team's one online member.
    await settings({ rule: 'round-robin' });
    assert.equal(await assigned(id), 'Bob');
  });

  it('shows the visitor nothing of the team\'s bookkeeping: no team, wait or alert count live, replayed, polled or asked for', async () => {
    await resolveEverything();
    await settings({ rule: 'manual' });
    const team = (await owner.admin(`/sites/${server.site.id}/teams`, { method: 'POST', json: { name: 'Tier 2', memberIds: [idOf(bob)] } })).body.team;
    const visitor = await newVisitor(server);
    const live = await visitor.stream(visitor.cursor);
    teardown.add(live, (open) => open.close());
    const { id } = await visitor.start();
    assert.equal((await alice.call(`/conversations/${id}/team`, { method: 'POST', json: { teamId: team.id } })).status, 200);
    const bookkeeping = (c: { team: unknown; waitingSince: unknown; unansweredAlerts: unknown }) => [c.team, c.waitingSince, c.unansweredAlerts];
    const passed = await live.until((event) => event.event === 'conversation.updated' && event.data.conversation.id === id);
    assert.deepEqual(bookkeeping(passed.data.conversation), [null, null, 0], 'live');
    const agentsSee = (await alice.call(`/conversations/${id}`)).body.conversation;
    assert.equal(agentsSee.team.name, 'Tier 2', 'agents do see it');

    const replay = await visitor.stream(visitor.cursor);
    teardown.add(replay, (open) => open.close());
    const replayed = await replay.until((event) => event.event === 'conversation.updated' && event.data.conversation.id === id);
    assert.deepEqual(bookkeeping(replayed.data.conversation), [null, null, 0], 'replayed');
    const polled = (await visitor.call(`/events?cursor=${encodeURIComponent(visitor.cursor)}&wait=0`)).body.events
      .filter((event: { type: string }) => event.type.startsWith('conversation.'));
    assert.ok(polled.length > 0);
    for (const event of polled) assert.deepEqual(bookkeeping(event.data.conversation), [null, null, 0], `polled ${event.type}`);
    for (const c of (await visitor.call('/conversations')).body.conversations) assert.deepEqual(bookkeeping(c), [null, null, 0], 'asked for');
    assert.ok(!JSON.stringify([live.events, polled]).includes('conversation.assigned'), 'nor the agents\' news of it');
  });
});

describe('unanswered alerts', () => {
  const teardown = new Teardown();
  const clock = createManualClock(Date.now());
  let server: TestServer;

  before(async () => {
    server = teardown.add(await startServer({ clock }), (running) => running.close());
  });
  after(() => teardown.run());

  it('alerts agents once per threshold period of waiting, never the visitor, and stops once someone claims it', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    const alice = await loginAgent(server, 'alice@test.local');
    assert.equal((await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { unansweredAfterSeconds: 60 } })).status, 200);
    const stream = teardown.add(await alice.stream(), (open) => open.close());
    const visitor = await newVisitor(server);
    const visitorStream = teardown.add(await visitor.stream(visitor.cursor), (open) => open.close());
    const { id } = await visitor.start();
    await stream.until((event) => event.event === 'conversation.created' && event.data.conversation.id === id);
    const alerts = () => stream.events.filter((event) => event.event === 'conversation.unanswered' && event.data.conversation.id === id);
    /** Moves the clock in the checker's steps (UNANSWERED_CHECK_MS), letting each check the timer starts finish. */
    const wait = async (seconds: number) => {
      for (let s = 0; s < seconds; s += UNANSWERED_CHECK_MS / 1000) {
        clock.advance(UNANSWERED_CHECK_MS);
        await server.app.services.assigner.settled();
      }
    };

    await wait(55);
    assert.equal(alerts().length, 0, 'not yet a minute');
    await wait(10);
    const first = await stream.until((event) => event.event === 'conversation.unanswered' && event.data.conversation.id === id);
    assert.equal(first.data.conversation.unansweredAlerts, 1);
    assert.ok(first.id, 'logged: a reconnecting dashboard gets it too');
    await wait(45);
    assert.equal(alerts().length, 1, 'once in a period, however often it is checked');
    await wait(10);
    await waitFor(() => alerts().length === 2, { message: 'the second period\'s alert' });
    assert.equal(alerts()[1]!.data.conversation.unansweredAlerts, 2);
    const listed = (await alice.call('/conversations?view=waiting')).body.conversations.find((c: { id: string }) => c.id === id);
    assert.equal(listed.unansweredAlerts, 2, 'a reload shows it overdue too');

    await alice.call(`/conversations/${id}/claim`, { method: 'POST' });
    await wait(180);
    assert.equal(alerts().length, 2, 'answered: no more alerts');
    assert.ok(!visitorStream.events.some((event) => event.event === 'conversation.unanswered'), 'the visitor never hears of it');
  });
  it('gives a conversation whose assignment failed (the database busy a moment) to an online agent at the next sweep, with no other news', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    const bob = await loginAgent(server, 'bob@test.local');
    assert.equal((await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { rule: 'round-robin', unansweredAfterSeconds: null } })).status, 200);
    teardown.add(await bob.stream(), (open) => open.close());
    await waitFor(() => server.app.services.presence.onlineAgents(server.site.id).includes(bob.me.user.id), { message: 'Bob online' });
    const { store } = server;
    const autoAssign = store.autoAssign;
    let failures = 0;
    store.autoAssign = async (...args) => {
      if (failures++ === 0) throw new StoreUnavailableError('busy', 'The database is busy.');
      return autoAssign.apply(store, args);
    };
    teardown.add(null, () => { store.autoAssign = autoAssign; });
    const visitor = await newVisitor(server);
    const { id } = await visitor.start();
    await server.app.services.assigner.settled();
    assert.equal(failures, 1, 'the drain the new conversation started met the busy database');
    assert.equal((await store.getConversation(id))!.status, 'waiting');
    clock.advance(SWEEP_MS - 1);
    await server.app.services.assigner.settled();
    assert.equal((await store.getConversation(id))!.status, 'waiting', 'not before the sweep');
    clock.advance(1);
    // Bob, or Alice whose dashboard the case above left open: whoever's turn it is.
    await waitFor(async () => (await store.getConversation(id))!.status === 'assigned', { message: 'given to an agent by the sweep' });
  });
});
