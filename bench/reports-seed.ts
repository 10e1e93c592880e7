/**
 * A year of a busy installation for the reports benchmark (issue 15): about a million messages in
 * ~125,000 conversations on three sites, with their visitors and ratings, generated from a seeded
 * random sequence (the same data on every run and on both engines) and written in bulk.
 *
 * Bench-only, and the one place outside server/store/ that writes Parley's tables: the Store
 * writes a message (and its event) per call, which would take hours for a million; this writes
 * the same rows the store would, into the schema the store's own migrate() made, in a few big
 * statements. What is measured — the report — is read only through the Store (bench/reports.ts).
 * No events are written: reports never read the log.
 */
import { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** mulberry32: small, seedable, the same numbers every run. */
function randomSequence(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Plan {
  messages: number;
  days: number;
  /** The newest conversation starts before this (epoch ms). */
  end: number;
  siteIds: string[];
  agentIds: string[];
}

/** One conversation with everything that hangs off it, as rows. */
export interface Batch {
  visitors: unknown[][];
  conversations: unknown[][];
  messages: unknown[][];
  ratings: unknown[][];
}

export const COLUMNS = {
  visitors: ['id', 'site_id', 'token_hash', 'created_at', 'last_seen_at'],
  conversations: ['id', 'site_id', 'visitor_id', 'client_id', 'status', 'assignee_id', 'created_at', 'first_response_at', 'resolved_at', 'last_message_at', 'last_seq', 'preview'],
  messages: ['id', 'conversation_id', 'seq', 'client_id', 'author', 'agent_id', 'body', 'system_kind', 'created_at'],
  ratings: ['conversation_id', 'site_id', 'client_id', 'score', 'scale', 'comment', 'agent_id', 'created_at'],
} as const;

const BODIES = ['Hi, where is my order?', 'Thanks!', 'Let me check that for you.', 'It left the warehouse yesterday.', 'Can I change the address?', 'Done — anything else?'];

/** The rows of the plan, `size` conversations at a time. */
export function* generate(plan: Plan, size = 2000): Generator<Batch> {
  const random = randomSequence(15);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  let messages = 0;
  let n = 0;
  let batch: Batch = { visitors: [], conversations: [], messages: [], ratings: [] };
  while (messages < plan.messages) {
    const id = `c_bench${n}`;
    const visitorId = `v_bench${n}`;
    const siteId = random() < 0.6 ? plan.siteIds[0]! : pick(plan.siteIds);
    const created = plan.end - Math.floor(random() * plan.days * DAY) - HOUR;
    const count = Math.min(2 + Math.floor(random() * 13), plan.messages - messages);
    const answered = random() < 0.88;
    const agent = answered ? pick(plan.agentIds) : null;
    const firstResponse = answered ? created + Math.round(15_000 + random() ** 3 * 20 * MIN) : null;
    const resolved = answered && random() < 0.85 ? firstResponse! + Math.round(2 * MIN + random() ** 2 * 6 * HOUR) : null;
    let at = created;
    for (let seq = 1; seq <= count; seq++) {
      const last = seq === count && resolved !== null;
      const author = last ? 'system' : seq === 1 || !answered || seq % 2 === 1 ? 'visitor' : 'agent';
      at = last ? resolved! : seq === 2 && answered ? firstResponse! : at + Math.round(20_000 + random() * 2 * MIN);
      batch.messages.push([`m_bench${n}_${seq}`, id, seq, last ? null : `k${seq}`, author, author === 'visitor' ? null : agent,
        last ? 'The conversation was marked as resolved' : pick(BODIES), last ? 'resolved' : null, at]);
    }
    messages += count;
    batch.visitors.push([visitorId, siteId, `bench-token-${n}`, created, at]);
    batch.conversations.push([id, siteId, visitorId, 'start', resolved !== null ? 'resolved' : answered ? 'assigned' : 'waiting', agent,
      created, firstResponse, resolved, at, count, pick(BODIES)]);
    if (resolved !== null && random() < 0.4) {
      const mood = random();
      const score = mood < 0.55 ? 5 : mood < 0.8 ? 4 : mood < 0.88 ? 3 : mood < 0.94 ? 2 : 1;
      batch.ratings.push([id, siteId, 'rate', score, 'five', score <= 2 ? 'Took too long' : null, agent, resolved + Math.round(random() * 10 * MIN)]);
    }
    if (++n % size === 0) {
      yield batch;
      batch = { visitors: [], conversations: [], messages: [], ratings: [] };
    }
  }
  if (batch.conversations.length) yield batch;
}

/** Into a SQLite file the store has migrated (and closed): one transaction, prepared statements. */
export function loadSqlite(path: string, plan: Plan): { conversations: number; messages: number; ratings: number } {
  const db = new DatabaseSync(path);
  const counts = { conversations: 0, messages: 0, ratings: 0 };
  try {
    db.exec('PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; BEGIN');
    const insert = Object.fromEntries(Object.entries(COLUMNS).map(([table, columns]) => [table,
      db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)])) as Record<keyof Batch, ReturnType<DatabaseSync['prepare']>>;
    for (const batch of generate(plan)) {
      for (const table of ['visitors', 'conversations', 'messages', 'ratings'] as const) {
        for (const row of batch[table]) insert[table].run(...(row as Array<string | number | null>));
      }
      counts.conversations += batch.conversations.length;
      counts.messages += batch.messages.length;
      counts.ratings += batch.ratings.length;
    }
    db.exec('COMMIT; ANALYZE');
  } finally {
    db.close();
  }
  return counts;
}

const PG_TYPES: Record<keyof Batch, string[]> = {
  visitors: ['text', 'text', 'text', 'bigint', 'bigint'],
  conversations: ['text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'int', 'text'],
  messages: ['text', 'text', 'int', 'text', 'text', 'text', 'text', 'text', 'bigint'],
  ratings: ['text', 'text', 'text', 'smallint', 'text', 'text', 'text', 'bigint'],
};

/** Into a migrated PostgreSQL database: one INSERT … SELECT FROM unnest(…) per table and batch. */
export async function loadPg(client: pg.Client, plan: Plan): Promise<{ conversations: number; messages: number; ratings: number }> {
  const counts = { conversations: 0, messages: 0, ratings: 0 };
  for (const batch of generate(plan, 5000)) {
    for (const table of ['visitors', 'conversations', 'messages', 'ratings'] as const) {
      const rows = batch[table];
      if (!rows.length) continue;
      const columns = COLUMNS[table];
      const arrays = columns.map((_, i) => rows.map((row) => (row[i] == null ? null : String(row[i]))));
      await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${PG_TYPES[table].map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`, arrays);
    }
    counts.conversations += batch.conversations.length;
    counts.messages += batch.messages.length;
    counts.ratings += batch.ratings.length;
  }
  await client.query('VACUUM ANALYZE');
  return counts;
}
