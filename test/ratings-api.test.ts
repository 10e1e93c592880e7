/**
 * Satisfaction ratings over HTTP (issue 15), through app.inject(): a visitor rates their resolved
 * conversation once however often the request is retried, agents read it (and hear of it in their
 * events, the visitor never), the owner turns ratings off or changes the question and scale; every
 * bad input gets its status and stable code, and stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, type Rating, type WireEvent } from '../protocol/protocol.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { recordStoreWrites } from './support/store-writes.ts';
import { Teardown } from './teardown.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
type Visitor = Awaited<ReturnType<typeof newVisitor>>;

describe('ratings API', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let owner: Agent;
  let alice: Agent;

  before(async () => {
    server = teardown.add(await startServer({ inject: true }), (running) => running.close());
    [owner, alice] = await Promise.all([loginAgent(server, 'owner@test.local'), loginAgent(server, 'alice@test.local')]);
  });
  after(() => teardown.run());

  /** A conversation of a new visitor that Alice answered (and resolved, unless told not to). */
  async function answered(resolve = true): Promise<{ visitor: Visitor; id: string }> {
    const visitor = await newVisitor(server);
    const { id } = await visitor.start();
    await visitor.send(id, 'My parcel is late');
    await alice.send(id, 'It ships today');
    if (resolve) assert.equal((await alice.call(`/conversations/${id}/resolve`, { method: 'POST', json: {} })).status, 200);
    return { visitor, id };
  }
  const rate = (visitor: Visitor, id: string, json: object) => visitor.call(`/conversations/${id}/rating`, { method: 'POST', json });
  const agentEvents = async (cursor: string) => ((await owner.call(`/events?cursor=${encodeURIComponent(cursor)}&wait=0`)).body.events as WireEvent[]);

  it('stores a visitor\'s rating of a resolved conversation once, for agents to read and hear of', async () => {
    const cursor = (await owner.call('/me')).body.cursor as string;
    const { visitor, id } = await answered();
    assert.deepEqual((await visitor.call(`/conversations/${id}/rating`)).body, { rating: null });
    const first = await rate(visitor, id, { clientId: 'r-1', score: 4, scale: 'five', comment: '  Friendly and fast  ' });
    assert.equal(first.status, 201);
    const rating = first.body.rating as Rating;
    assert.deepEqual({ ...rating, createdAt: 0 }, {
      conversationId: id, siteId: server.site.id, score: 4, scale: 'five', comment: 'Friendly and fast',
      agent: { id: alice.me.user.id, name: 'Alice', avatarUrl: null }, createdAt: 0,
    });
    const retried = await rate(visitor, id, { clientId: 'r-1', score: 4, scale: 'five', comment: 'Friendly and fast' });
    assert.equal(retried.status, 200, 'a retry stores nothing new');
    assert.deepEqual(retried.body.rating, rating);
    assert.deepEqual((await visitor.call(`/conversations/${id}/rating`)).body.rating, rating);
    assert.deepEqual((await alice.call(`/conversations/${id}/rating`)).body, { rating });
    assert.deepEqual((await alice.call(`/visitors/${visitor.id}/ratings`)).body, { ratings: [rating] });

    const heard = (await agentEvents(cursor)).filter((e) => e.type === 'rating.submitted');
    assert.deepEqual(heard.map((e) => e.data), [{ conversationId: id, rating }], 'one event, however often it was sent');
    const visitorEvents = await visitor.call(`/events?cursor=${encodeURIComponent(visitor.cursor)}&wait=0`);
    assert.ok(!JSON.stringify(visitorEvents.body.events).includes('rating.submitted'), 'the visitor\'s stream never carries ratings');

    const changed = await rate(visitor, id, { clientId: 'r-2', score: 5, scale: 'thumbs' });
    assert.equal(changed.status, 201);
    assert.deepEqual([changed.body.rating.score, changed.body.rating.scale, changed.body.rating.comment], [5, 'thumbs', null]);
    assert.deepEqual((await alice.call(`/conversations/${id}/rating`)).body.rating, changed.body.rating, 'a new rating replaces the first');
  });

  it('refuses bad ratings with clear errors, storing nothing', async () => {
    const { visitor, id } = await answered();
    const refused: Array<[object, number, string]> = [
      [{ clientId: 'b', score: 0, scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 6, scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 3.5, scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 'five', scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 3, scale: 'thumbs' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 3, scale: 'ten' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 3 }, 400, 'BAD_REQUEST'],
      [{ score: 3, scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'has space', score: 3, scale: 'five' }, 400, 'BAD_REQUEST'],
      [{ clientId: 'b', score: 3, scale: 'five', comment: 'x'.repeat(LIMITS.ratingCommentMax + 1) }, 400, 'BAD_REQUEST'],
    ];
    const writes = recordStoreWrites(server.app.services.store);
    try {
      for (const [json, status, code] of refused) {
        writes.clear();
        const result = await rate(visitor, id, json);
        assert.equal(result.status, status, JSON.stringify(json));
        assert.equal(result.body.error.code, `PARLEY_ERR_${code}`, JSON.stringify(json));
        assert.ok(result.body.error.message.length > 10, 'a message for a person');
        assert.deepEqual(writes.calls(), [], `${JSON.stringify(json)}: nothing written`);
      }
    } finally {
      writes.restore();
    }
    const thumbs = await rate(visitor, id, { clientId: 'b', score: 3, scale: 'thumbs' });
    assert.match(thumbs.body.error.message, /thumb/);
    assert.equal((await visitor.call(`/conversations/${id}/rating`)).body.rating, null, 'nothing was stored');

    const open = await answered(false);
    const early = await rate(open.visitor, open.id, { clientId: 'e', score: 5, scale: 'five' });
    assert.deepEqual([early.status, early.body.error.code], [409, 'PARLEY_ERR_NOT_RATEABLE']);

    const stranger = await newVisitor(server);
    const foreign = await rate(stranger, id, { clientId: 's', score: 1, scale: 'five' });
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'PARLEY_ERR_CONVERSATION_NOT_FOUND']);
    assert.equal((await stranger.call(`/conversations/${id}/rating`)).status, 404);
    const anonymous = await server.app.inject({ method: 'POST', url: `/v1/sites/${server.site.id}/conversations/${id}/rating`, payload: { clientId: 'a', score: 5, scale: 'five' } });
    assert.equal(anonymous.statusCode, 401);
  });

  it('puts each conversation\'s rating in the owner\'s export, as JSON and as CSV, and nothing for one not rated', async () => {
    const { visitor, id } = await answered();
    assert.equal((await rate(visitor, id, { clientId: 'x-1', score: 2, scale: 'five', comment: 'Slow, but "polite"' })).status, 201);
    const stored = (await alice.call(`/conversations/${id}/rating`)).body.rating as Rating;
    const unrated = await answered();
    const json = await owner.admin(`/sites/${server.site.id}/export?format=json`);
    assert.equal(json.status, 200);
    const conversations = json.body.conversations as Array<{ conversation: { id: string }; messages: unknown[]; rating: unknown }>;
    const exported = new Map(conversations.map((c) => [c.conversation.id, c.rating]));
    const messagesOf = (conversationId: string) => conversations.find((c) => c.conversation.id === conversationId)!.messages.length;
    assert.deepEqual(exported.get(id), { score: 2, scale: 'five', comment: 'Slow, but "polite"', ratedAt: stored.createdAt });
    assert.equal(exported.get(unrated.id), null);

    const csv = await owner.admin(`/sites/${server.site.id}/export?format=csv`);
    const [header, ...rows] = (csv.body as string).trimEnd().split('\r\n');
    const columns = header!.split(',');
    const first = columns.indexOf('rating_score');
    assert.deepEqual(columns.slice(first, first + 4), ['rating_score', 'rating_scale', 'rating_comment', 'rated_at']);
    const ratedRows = rows.filter((row) => row.startsWith(`${id},`));
    assert.equal(ratedRows.length, messagesOf(id), 'on each row of the conversation');
    for (const row of ratedRows) assert.ok(row.includes(`,2,five,"Slow, but ""polite""",${new Date(stored.createdAt).toISOString()},`), row);
    const unratedRows = rows.filter((row) => row.startsWith(`${unrated.id},`));
    assert.equal(unratedRows.length, messagesOf(unrated.id));
    for (const row of unratedRows) assert.deepEqual(row.split(',').slice(first, first + 4), ['', '', '', ''], `not rated, empty cells: ${row}`);
  });

  it('lets the owner turn ratings off or change their question and scale, and refuses bad settings', async () => {
    const patch = (rating: object) => owner.admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { rating } } });
    for (const bad of [{ enabled: true }, { enabled: 'yes', scale: 'five', question: '' }, { enabled: true, scale: 'ten', question: '' },
      { enabled: true, scale: 'five', question: 'x'.repeat(LIMITS.ratingQuestionMax + 1) }]) {
      const result = await patch(bad);
      assert.deepEqual([result.status, result.body.error.code], [400, 'PARLEY_ERR_BAD_REQUEST'], JSON.stringify(bad));
    }
    assert.equal((await alice.admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { rating: { enabled: false, scale: 'five', question: '' } } } })).status, 403);
    assert.deepEqual(server.site.widget.rating, defaultWidgetConfig('x').rating, 'a new site asks with five stars, in the widget\'s words');

    const thumbs = await patch({ enabled: true, scale: 'thumbs', question: 'Did we help?' });
    assert.equal(thumbs.status, 200);
    const visitor = await newVisitor(server);
    const config = await visitor.call('/config');
    assert.deepEqual(config.body.config.rating, { enabled: true, scale: 'thumbs', question: 'Did we help?' });

    assert.equal((await patch({ enabled: false, scale: 'thumbs', question: 'Did we help?' })).status, 200);
    const { visitor: rater, id } = await answered();
    const off = await rate(rater, id, { clientId: 'o', score: 5, scale: 'thumbs' });
    assert.deepEqual([off.status, off.body.error.code], [403, 'PARLEY_ERR_RATINGS_OFF']);
    assert.equal((await patch(defaultWidgetConfig('x').rating)).status, 200);
  });

  it('shows agents only the ratings of their own sites', async () => {
    const { visitor, id } = await answered();
    await rate(visitor, id, { clientId: 'x', score: 2, scale: 'five' });
    const other = await owner.admin('/sites', { method: 'POST', json: { name: 'Elsewhere' } });
    assert.equal(other.status, 200);
    await owner.admin(`/users/${alice.me.user.id}`, { method: 'PATCH', json: { siteIds: [other.body.site.id] } });
    const moved = await loginAgent(server, 'alice@test.local');
    assert.deepEqual([(await moved.call(`/conversations/${id}/rating`)).status, (await moved.call(`/visitors/${visitor.id}/ratings`)).status], [404, 404]);
    assert.equal((await owner.call(`/visitors/${visitor.id}/ratings`)).body.ratings.length, 1);
    await owner.admin(`/users/${alice.me.user.id}`, { method: 'PATCH', json: { siteIds: [server.site.id] } });
  });
});
