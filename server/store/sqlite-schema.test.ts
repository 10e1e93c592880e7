import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './sqlite-schema.ts';

/** A database as version 12 left it, with a reply email in the outbox that a reply links to. */
function atVersion12(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db, 12);
  db.exec(`
    INSERT INTO sites (id, name, allowed_origins, widget, secret, created_at) VALUES ('s1', 'Shop', '[]', '{}', 'x', 1);
    INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) VALUES ('v1', 's1', 'h', 1, 1);
    INSERT INTO conversations (id, site_id, visitor_id, client_id, status, created_at) VALUES ('c1', 's1', 'v1', 'k', 'waiting', 1);
    INSERT INTO messages (id, conversation_id, seq, author, body, created_at) VALUES ('m1', 'c1', 1, 'agent', 'Yes', 2);
    INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, message_id, message_ids, dedupe_key, status, attempts, next_attempt_at, created_at)
      VALUES ('e1', 'reply', 's1', 'c1', 'vera@example.com', 'e1@shop.test', '["m1"]', 'reply:m1', 'sent', 1, 3, 3);
    INSERT INTO message_emails (message_id, conversation_id, state, at, outbox_id) VALUES ('m1', 'c1', 'sent', 3, 'e1');
  `);
  return db;
}

test('migration 13 keeps every outbox email and the replies linked to it, and lets an email be about no conversation', () => {
  const db = atVersion12();
  migrate(db);
  assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 13);
  assert.deepEqual({ ...db.prepare('SELECT id, kind, conversation_id, status, details FROM email_outbox').get() },
    { id: 'e1', kind: 'reply', conversation_id: 'c1', status: 'sent', details: null });
  assert.equal((db.prepare("SELECT outbox_id FROM message_emails WHERE message_id = 'm1'").get() as { outbox_id: string }).outbox_id, 'e1',
    'the reply still names its email');
  assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);

  db.exec(`INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, message_id, message_ids, dedupe_key, status, attempts, next_attempt_at, created_at, details)
    VALUES ('e2', 'webhook-paused', 's1', NULL, 'owner@shop.test', 'e2@shop.test', '[]', 'webhook-paused:w:1:u', 'pending', 0, 4, 4, '{}')`);
  assert.throws(() => db.exec(`INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, message_id, message_ids, dedupe_key, status, attempts, next_attempt_at, created_at)
    VALUES ('e3', 'reply', 's1', NULL, 'vera@example.com', 'e3@shop.test', '[]', 'reply:x', 'pending', 0, 4, 4)`), /CHECK constraint failed/,
  'only an email about a paused endpoint goes without a conversation');
  db.exec("DELETE FROM conversations WHERE id = 'c1'");
  assert.deepEqual(db.prepare('SELECT id FROM email_outbox').all().map((row) => row.id), ['e2'], 'a conversation still takes its emails along');
  db.close();
});
