import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsv } from './export-csv.ts';
import type { ConversationExport } from './store/store.ts';

const exported = (bodies: string[]): ConversationExport[] => [{
  conversation: { id: 'c1', siteId: 's', visitorId: 'v1', status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 0,
    firstResponseAt: null, resolvedAt: null, lastMessageAt: null, lastSeq: bodies.length, preview: null, visitorReadSeq: 0, agentReadSeq: 0,
    team: null, waitingSince: 0, unansweredAlerts: 0 },
  visitor: { id: 'v1', siteId: 's', name: 'Ann', email: null, externalId: null, verified: false, attributes: {}, context: {}, visits: 1, createdAt: 0, lastSeenAt: 0 },
  messages: bodies.map((body, i) => ({ id: `m${i}`, conversationId: 'c1', seq: i + 1, clientId: null, author: 'visitor' as const, agent: null, body, internal: false, system: null, createdAt: 0 })),
  rating: null,
}];

test('neutralises every way a cell could start a spreadsheet formula', () => {
  const rows = toCsv(exported(['=1+1', ' =1+1', '\uFF1D1+1', '+A1', '-2', '@SUM(A1)', '\tx', 'plain'])).trimEnd().split('\r\n').slice(1);
  const bodies = rows.map((row) => row.slice(row.lastIndexOf(',') + 1));
  assert.deepEqual(bodies, ["'=1+1", "' =1+1", "'\uFF1D1+1", "'+A1", "'-2", "'@SUM(A1)", "'\tx", 'plain']);
});

test('quotes cells with commas, quotes and line breaks', () => {
  const row = toCsv(exported(['a, "b"\nc'])).trimEnd().split('\r\n')[1]!;
  assert.ok(row.endsWith('"a, ""b""\nc"'));
});

test('carries the conversation\'s rating on each of its rows, and empty cells when it was not rated', () => {
  const [rated] = exported(['Thanks!', 'Bye']);
  const unrated = { ...exported(['Hello'])[0]!, conversation: { ...rated!.conversation, id: 'c2' } };
  const csv = toCsv([{ ...rated!, rating: { score: 2, scale: 'five', comment: '=slow, "but" polite', ratedAt: Date.UTC(2025, 0, 2, 3, 4, 5) } }, unrated]);
  const [header, ...rows] = csv.trimEnd().split('\r\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  assert.deepEqual(['rating_score', 'rating_scale', 'rating_comment', 'rated_at'].map(at).map((i) => i > 0), [true, true, true, true]);
  assert.equal(rows.length, 3, 'one row per message still');
  for (const row of rows.slice(0, 2)) {
    assert.ok(row.includes(',2,five,"\'=slow, ""but"" polite",2025-01-02T03:04:05.000Z,'), 'score, scale, the comment made safe, when');
  }
  assert.ok(rows[2]!.startsWith('c2,waiting,1970-01-01T00:00:00.000Z,,,,,,v1,'), 'not rated: empty cells');
});
