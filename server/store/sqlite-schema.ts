/**
 * SQLite schema migrations, applied in order at start-up and tracked with PRAGMA user_version.
 * Append a new entry to change the schema; never edit one that has shipped.
 */
import type { DatabaseSync } from 'node:sqlite';
import { newEpoch } from './event-log.ts';

const MIGRATIONS: string[] = [
  /* 1: the chat core */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    allowed_origins TEXT NOT NULL,
    widget TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
    avatar_url TEXT,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'online',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE site_members (
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, user_id)
  );

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT,
    email TEXT,
    external_id TEXT,
    verified INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL DEFAULT '{}',
    context TEXT NOT NULL DEFAULT '{}',
    visits INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  );

  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'assigned', 'resolved')),
    assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at INTEGER,
    last_message_at INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    preview TEXT,
    visitor_read_seq INTEGER NOT NULL DEFAULT 0,
    agent_read_seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (visitor_id, client_id)
  );
  CREATE INDEX conversations_queue ON conversations(site_id, status, created_at);
  CREATE INDEX conversations_assignee ON conversations(assignee_id, status);

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    client_id TEXT,
    author TEXT NOT NULL CHECK (author IN ('visitor', 'agent', 'system')),
    agent_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    internal INTEGER NOT NULL DEFAULT 0,
    system_kind TEXT,
    system_agent_name TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
  );

  -- The log that stream resume replays. Ids only grow; pruning old rows is what makes a cursor "too old".
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL,
    visitor_id TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('all', 'agents', 'visitors')),
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX events_visitor ON events(visitor_id, id);
  CREATE INDEX events_site ON events(site_id, id);
  CREATE INDEX events_created ON events(created_at);
  `,
  /* 2: owner configuration — retention, invitations and password resets, canned responses */ `
  ALTER TABLE sites ADD COLUMN retention_days INTEGER;
  ALTER TABLE events ADD COLUMN conversation_id TEXT;
  CREATE INDEX events_conversation ON events(conversation_id);

  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
    site_ids TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (site_id, shortcut)
  );
  `,
  /* 3: resume reads a site's site-wide events (config) without walking all of its conversation events */ `
  CREATE INDEX events_site_wide ON events(site_id, id) WHERE visitor_id IS NULL;
  `,
  /* 4: email threads — reply tokens and the Message-IDs sent per conversation (issue 12) */ `
  CREATE TABLE email_threads (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    reply_token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sent_emails (
    message_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    sent_at INTEGER NOT NULL
  );
  CREATE INDEX sent_emails_conversation ON sent_emails(conversation_id);
  `,
  /* 5: the email outbox, per-message email state, unsubscribes (issue 12) */ `
  `,
  /* 6: inbound email held for review (issue 12) */ `
  `,
  /* 7: the team inbox — labels and saved views (issue 14) */ `
  `,
  /* 8: the team inbox — teams, assignment rules, agent capacity (issue 14) */ `
  `,
];

export function migrate(db: DatabaseSync): void {
  const { user_version: current } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is at schema version ${current}, newer than this Parley (${MIGRATIONS.length}). Upgrade Parley.`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[version - 1]!);
      db.exec(`PRAGMA user_version = ${version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  // The log's epoch, made once per database (protocol.ts, "Event ids and cursors").
  db.prepare("INSERT INTO meta (key, value) VALUES ('log_epoch', ?) ON CONFLICT (key) DO NOTHING").run(newEpoch());
}
