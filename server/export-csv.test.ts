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
