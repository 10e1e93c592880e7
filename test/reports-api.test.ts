/**
 * Reports over HTTP (issue 15), through app.inject() with an injected clock: conversations made the
 * way visitors and agents make them, counted by the day they started in the owner's time zone,
 * agents and sites named, the same figures as a CSV download; owners only, and every bad period
 * refused with a clear error. (The figures themselves are checked on both engines by
 * test/support/conformance-reports.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportResponse } from '../protocol/protocol.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { Teardown } from './teardown.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const MIN = 60_000;

describe('reports API', () => {
  const teardown = new Teardown();
  // 3 March 2025, 15:00 UTC: 23:00 in Shanghai.
  const clock = createManualClock(Date.UTC(2025, 2, 3, 15, 0));
  let server: TestServer;
  let owner: Agent;
  let alice: Agent;

  before(async () => {
    server = teardown.add(await startServer({ inject: true, clock }), (running) => running.close());
    [owner, alice] = await Promise.all([loginAgent(server, 'owner@test.local'), loginAgent(server, 'alice@test.local')]);
    // 15:30 UTC (23:30 in Shanghai): answered by Alice in 4 min, resolved at 16:00, rated 5.
    clock.advance(30 * MIN);
    const early = await newVisitor(server);
    const first = await early.start();
    await early.send(first.id, 'Before midnight in Shanghai');
    clock.advance(4 * MIN);
    await alice.send(first.id, 'Hello!');
    clock.advance(26 * MIN);
    await alice.call(`/conversations/${first.id}/resolve`, { method: 'POST', json: {} });
    await early.call(`/conversations/${first.id}/rating`, { method: 'POST', json: { clientId: 'r1', score: 5, scale: 'five', comment: 'Great' } });
    // 16:30 UTC (00:30 in Shanghai, the next day): nobody answers.
    clock.advance(30 * MIN);
    const late = await newVisitor(server);
    await late.send((await late.start()).id, 'After midnight in Shanghai');
  });
  after(() => teardown.run());

  const report = (query: string) => owner.admin(`/reports?${query}`);

  it('counts conversations by the day they started in the owner\'s time zone, with agents and sites named', async () => {
    const shanghai = await report('from=2025-03-03&to=2025-03-04&timeZone=Asia/Shanghai');
    assert.equal(shanghai.status, 200);
    const body = shanghai.body as ReportResponse;
    assert.deepEqual([body.from, body.to, body.timeZone, body.siteId], ['2025-03-03', '2025-03-04', 'Asia/Shanghai', null]);
    assert.deepEqual(body.days.map((d) => [d.date, d.conversations, d.answered, d.missed]), [['2025-03-03', 1, 1, 0], ['2025-03-04', 1, 0, 1]]);
    assert.deepEqual(body.days[0]!.firstResponseMs, { median: 4 * MIN, p90: 4 * MIN });
    assert.deepEqual(body.days[0]!.resolutionMs, { median: 30 * MIN, p90: 30 * MIN });
    assert.deepEqual(body.days[1]!.ratings, { count: 1, satisfied: 1, scores: [0, 0, 0, 0, 1] }, 'rated at 00:00 in Shanghai: the second day');
    assert.deepEqual([body.total.conversations, body.total.missed, body.total.ratings.count], [2, 1, 1]);
    assert.deepEqual(body.agents.map((a) => [a.agent?.name ?? null, a.conversations]), [['Alice', 1], [null, 1]]);
    assert.deepEqual(body.sites.map((s) => [s.site.name, s.conversations]), [['Test site', 2]]);

    const utc = (await report(`from=2025-03-03&to=2025-03-04&timeZone=UTC&siteId=${server.site.id}`)).body as ReportResponse;
    assert.deepEqual(utc.days.map((d) => d.conversations), [2, 0], 'both on 3 March in UTC');
    assert.equal(utc.siteId, server.site.id);
  });

  it('downloads the same figures as CSV, one row per day, agent and site, and the total', async () => {
    const csv = await owner.admin('/reports/csv?from=2025-03-03&to=2025-03-04&timeZone=Asia/Shanghai');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.equal(csv.headers.get('content-disposition'), 'attachment; filename="parley-report-2025-03-03-to-2025-03-04.csv"');
    const rows = (csv.body as string).trim().split('\r\n').map((line) => line.split(','));
    assert.deepEqual(rows[0]!.slice(0, 8), ['scope', 'date', 'name', 'conversations', 'answered', 'missed', 'resolved', 'first_response_median_s']);
    assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 4)), [
      ['day', '2025-03-03', '', '1'], ['day', '2025-03-04', '', '1'],
      ['agent', '', 'Alice', '1'], ['agent', '', 'Nobody', '1'], ['site', '', 'Test site', '2'], ['total', '2025-03-03/2025-03-04', '', '2'],
    ]);
    const header = rows[0]!;
    const day = rows[1]!;
    assert.equal(day[header.indexOf('first_response_median_s')], '240');
    assert.equal(day[header.indexOf('resolution_p90_s')], '1800');
    assert.equal(rows[2]![header.indexOf('csat_percent')], '100');
  });

  it('refuses bad periods with clear errors, and shows reports to owners only', async () => {
    const refused: Array<[string, number, string]> = [
      ['from=2025-02-30&to=2025-03-01&timeZone=UTC', 400, 'BAD_REQUEST'],
      ['from=2025-3-1&to=2025-03-01&timeZone=UTC', 400, 'BAD_REQUEST'],
      ['from=2025-03-05&to=2025-03-01&timeZone=UTC', 400, 'BAD_REQUEST'],
      ['from=2024-01-01&to=2025-03-01&timeZone=UTC', 400, 'BAD_REQUEST'],
      ['from=2025-03-01&to=2025-03-02&timeZone=Nowhere/City', 400, 'BAD_REQUEST'],
      ['from=2025-03-01&to=2025-03-02', 400, 'BAD_REQUEST'],
      ['from=2025-03-01&to=2025-03-02&timeZone=UTC&siteId=s_missing', 404, 'SITE_NOT_FOUND'],
    ];
    for (const [query, status, code] of refused) {
      const result = await report(query);
      assert.deepEqual([result.status, result.body.error.code], [status, `PARLEY_ERR_${code}`], query);
      assert.ok(result.body.error.message.length > 10, 'a message for a person');
    }
    assert.match((await report('from=2024-01-01&to=2025-03-01&timeZone=UTC')).body.error.message, /at most 366 days/);
    assert.equal((await report('from=2024-03-02&to=2025-03-01&timeZone=UTC')).status, 200, '365 days is fine');
    const agent = await alice.admin('/reports?from=2025-03-03&to=2025-03-04&timeZone=UTC');
    assert.deepEqual([agent.status, agent.body.error.code], [403, 'PARLEY_ERR_FORBIDDEN']);
    assert.equal((await alice.admin('/reports/csv?from=2025-03-03&to=2025-03-04&timeZone=UTC')).status, 403);
    const nobody = await server.app.inject({ url: '/v1/admin/reports?from=2025-03-03&to=2025-03-04&timeZone=UTC' });
    assert.equal(nobody.statusCode, 401);
  });
});
