/**
 * Reports (issue 15), for every engine, with known answers: a week's worth of conversations made
 * through the store's own methods on an injected clock, and every figure — by day, agent, site and
 * in all — checked to the millisecond. Conversations count on the day they started, ratings on the
 * day they were given; percentiles are nearest rank; the period's end is not in it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportFigures } from '../../protocol/protocol.ts';
import type { Store } from '../../server/store/store.ts';
import { emptyFigures } from '../../server/store/report-rows.ts';
import { createManualClock } from './manual-clock.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 3 March 2025, 00:00 UTC: day 0 of the period. */
const T0 = Date.UTC(2025, 2, 3);

/** Figures from the few numbers a case states; the rest as when nothing happened. */
function figures(f: {
  conversations?: number; answered?: number; resolved?: number;
  frt?: [number, number]; res?: [number, number]; ratings?: [number, number, ReportFigures['ratings']['scores']];
}): ReportFigures {
  const conversations = f.conversations ?? 0;
  const answered = f.answered ?? 0;
  return {
    ...emptyFigures(),
    conversations, answered, missed: conversations - answered, resolved: f.resolved ?? 0,
    firstResponseMs: f.frt ? { median: f.frt[0], p90: f.frt[1] } : { median: null, p90: null },
    resolutionMs: f.res ? { median: f.res[0], p90: f.res[1] } : { median: null, p90: null },
    ratings: f.ratings ? { count: f.ratings[0], satisfied: f.ratings[1], scores: f.ratings[2] } : { count: 0, satisfied: 0, scores: [0, 0, 0, 0, 0] },
  };
}

export function reportConformance(name: string, open: OpenStore): void {
  /**
   * Day 0: c1 answered in 2 min by Alice, resolved in 30 min, rated 5; c2 answered in 10 min by
   * Alice; c3 never answered. A conversation of the day before (c0, Alice's) is rated 4 on day 0.
   * Day 1: c4 answered in 1 min by Bob, resolved in 1 h, thumbed down; c5 resolved in 5 min without
   * a reply by anyone. Day 2: on the other site, c6 answered in 30 s by Alice. The instant the
   * period ends, c7 starts: not in it.
   */
  async function week() {
    const clock = createManualClock(T0 - 2 * MIN);
    const seeded = await seedStore(open, { now: clock.now });
    const { store, site, other, visitor, alice, bob, conversation: c0 } = seeded;
    const at = (time: number) => clock.advance(time - clock.now());
    const start = async (clientId: string, visitorId = visitor.id, siteId = site.id) =>
      (await store.startConversation({ siteId, visitorId, clientId })).value.id;
    const reply = (conversationId: string, agent: typeof alice) =>
      store.appendMessage({ conversationId, clientId: `r-${clock.now()}`, author: 'agent', agentId: agent.id, body: 'On it', internal: false });
    const rate = (conversationId: string, score: number, scale: 'five' | 'thumbs' = 'five') =>
      store.rateConversation({ conversationId, clientId: `rate-${conversationId}`, score, scale, comment: null });

    await store.claim(c0.id, alice);
    at(T0 - MIN);
    await reply(c0.id, alice);
    at(T0 - 30_000);
    await store.resolve(c0.id, alice);
    at(T0 + 10 * MIN);
    await rate(c0.id, 4);

    at(T0 + HOUR);
    const c1 = await start('c1');
    await store.claim(c1, alice);
    at(T0 + HOUR + 2 * MIN);
    await reply(c1, alice);
    at(T0 + HOUR + 30 * MIN);
    await store.resolve(c1, alice);
    at(T0 + HOUR + 31 * MIN);
    await rate(c1, 5);
    at(T0 + 2 * HOUR);
    const c2 = await start('c2');
    await store.claim(c2, alice);
    at(T0 + 2 * HOUR + 10 * MIN);
    await reply(c2, alice);
    at(T0 + 3 * HOUR);
    await start('c3');

    at(T0 + DAY + HOUR);
    const c4 = await start('c4');
    await store.claim(c4, bob);
    at(T0 + DAY + HOUR + MIN);
    await reply(c4, bob);
    at(T0 + DAY + 2 * HOUR);
    await store.resolve(c4, bob);
    const c5 = await start('c5');
    at(T0 + DAY + 2 * HOUR + MIN);
    await rate(c4, 1, 'thumbs');
    at(T0 + DAY + 2 * HOUR + 5 * MIN);
    await store.resolve(c5, bob);

    at(T0 + 2 * DAY + HOUR);
    const elsewhere = await store.createVisitor({ siteId: other.id, tokenHash: 'hash-other', context: {} });
    const c6 = await start('c6', elsewhere.id, other.id);
    await store.claim(c6, alice);
    at(T0 + 2 * DAY + HOUR + 30_000);
    await reply(c6, alice);

    at(T0 + 3 * DAY);
    await start('c7');
    return { ...seeded, store: store as Store };
  }
  const bounds = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];

  describe(`${name} store: reports`, () => {
    it('counts a site\'s conversations, answers, resolutions and ratings by day, agent and in all, with nearest-rank percentiles', async () => {
      const { store, site, alice, bob } = await week();
      const report = await store.report({ siteIds: [site.id], bounds });
      const total = figures({
        conversations: 5, answered: 3, resolved: 3, frt: [2 * MIN, 10 * MIN], res: [30 * MIN, HOUR], ratings: [3, 2, [1, 0, 0, 1, 1]],
      });
      assert.deepEqual(report.total, total);
      assert.deepEqual(report.days, [
        figures({ conversations: 3, answered: 2, resolved: 1, frt: [2 * MIN, 10 * MIN], res: [30 * MIN, 30 * MIN], ratings: [2, 2, [0, 0, 0, 1, 1]] }),
        figures({ conversations: 2, answered: 1, resolved: 2, frt: [MIN, MIN], res: [5 * MIN, HOUR], ratings: [1, 0, [1, 0, 0, 0, 0]] }),
        figures({}),
      ]);
      assert.deepEqual(report.agents, [
        { agentId: alice.id, ...figures({ conversations: 2, answered: 2, resolved: 1, frt: [2 * MIN, 10 * MIN], res: [30 * MIN, 30 * MIN], ratings: [2, 2, [0, 0, 0, 1, 1]] }) },
        { agentId: null, ...figures({ conversations: 2, answered: 0, resolved: 1, res: [5 * MIN, 5 * MIN] }) },
        { agentId: bob.id, ...figures({ conversations: 1, answered: 1, resolved: 1, frt: [MIN, MIN], res: [HOUR, HOUR], ratings: [1, 0, [1, 0, 0, 0, 0]] }) },
      ]);
      assert.deepEqual(report.sites, [{ siteId: site.id, ...total }]);
      await store.close();
    });

    it('adds up several sites, each its own row, and reads nothing outside the period or of other sites', async () => {
      const { store, site, other, alice } = await week();
      const both = await store.report({ siteIds: [site.id, other.id], bounds });
      assert.equal(both.total.conversations, 6);
      assert.deepEqual(both.total.firstResponseMs, { median: MIN, p90: 10 * MIN }, 'of 30 s, 1, 2 and 10 min: ranks 2 and 4');
      assert.deepEqual(both.days[2], figures({ conversations: 1, answered: 1, frt: [30_000, 30_000] }));
      assert.deepEqual(both.sites.map((s) => [s.siteId, s.conversations]), [[site.id, 5], [other.id, 1]]);
      assert.equal(both.agents.find((a) => a.agentId === alice.id)!.conversations, 3);

      const elsewhere = await store.report({ siteIds: [other.id], bounds });
      assert.deepEqual([elsewhere.total.conversations, elsewhere.total.ratings.count, elsewhere.days[0]!.conversations], [1, 0, 0]);
      const dayOne = await store.report({ siteIds: [site.id], bounds: [T0 + DAY, T0 + 2 * DAY] });
      assert.deepEqual(dayOne.days, [both.days[1]]);
      assert.equal(dayOne.total.conversations, 2);
      const after = await store.report({ siteIds: [site.id], bounds: [T0 + 3 * DAY, T0 + 4 * DAY] });
      assert.equal(after.total.conversations, 1, 'the conversation that started as the period ended is the next day\'s');
      const none = await store.report({ siteIds: [], bounds });
      assert.deepEqual(none, { days: [figures({}), figures({}), figures({})], agents: [], sites: [], total: figures({}) });
      await store.close();
    });
  });
}
