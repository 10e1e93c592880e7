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
  -- What is to be emailed. One row per email; message_id is its Message-ID header, the same on
  -- every attempt. A sender claims a row (status 'sending', lease_owner) until next_attempt_at,
  -- when a claim that was never finished (its process died) may be taken again.
  CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'transcript', 'agent-alert')),
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL UNIQUE,
    message_ids TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );
  CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at) WHERE status IN ('pending', 'sending');
  CREATE INDEX email_outbox_conversation ON email_outbox(conversation_id);

  -- What became of each agent reply by email, as agents see it (protocol.ts, MessageEmail).
  CREATE TABLE message_emails (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'suppressed', 'seen', 'unsubscribed', 'no-address')),
    at INTEGER NOT NULL,
    error TEXT,
    retry_at INTEGER,
    outbox_id TEXT REFERENCES email_outbox(id) ON DELETE SET NULL
  );
  CREATE INDEX message_emails_conversation ON message_emails(conversation_id);
  CREATE INDEX message_emails_outbox ON message_emails(outbox_id);
  CREATE INDEX message_emails_due ON message_emails(at) WHERE state = 'pending' AND outbox_id IS NULL;

  -- Addresses (lower-cased) that get no more email of a site.
  CREATE TABLE email_unsubscribes (
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, address)
  );
  -- A site's delays, when its owner changed them from EMAIL_DEFAULTS (protocol.ts).
  CREATE TABLE site_email_settings (
    site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    reply_delay_ms INTEGER,
    alert_delay_ms INTEGER
  );
  -- An agent who turned their alerts off (or on again); no row: on.
  CREATE TABLE agent_email_alerts (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    enabled INTEGER NOT NULL
  );
  -- Conversations nobody answered whose agents were emailed about it: once each.
  CREATE TABLE conversation_email_alerts (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    alerted_at INTEGER NOT NULL
  );
  -- What the alert planner scans: new conversations nobody has answered yet.
  CREATE INDEX conversations_unanswered ON conversations(created_at) WHERE status = 'waiting' AND first_response_at IS NULL;
  `,
  /* 6: inbound email held for review (issue 12) */ `
  CREATE TABLE held_emails (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    sender_name TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('unknown-sender', 'auto-reply')),
    received_at INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id)
  );
  CREATE INDEX held_emails_site ON held_emails(site_id, received_at);
  `,
  /* 7: the team inbox — labels and saved views, a visitor's pages, merged visitors' tokens (issue 14) */ `
  CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The name as compared for uniqueness (lower-cased by the store, the same way on every engine).
    name_key TEXT NOT NULL,
    color TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (site_id, name_key)
  );
  CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    label_id TEXT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
  );
  CREATE INDEX conversation_labels_label ON conversation_labels(label_id);
  CREATE TABLE saved_views (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    filter TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name_key)
  );
  CREATE TABLE visitor_pages (
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (visitor_id, url)
  );
  -- The browser tokens of visitors merged into another: they find the visitor they became.
  CREATE TABLE visitor_aliases (
    token_hash TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX visitor_aliases_visitor ON visitor_aliases(visitor_id);
  `,
  /* 8: the team inbox — teams, assignment rules, agent capacity, unanswered alerts (issue 14) */ `
  -- A site's rule; no row is 'manual' without alerts. last_agent_id is the round-robin turn.
  CREATE TABLE site_assignment (
    site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    rule TEXT NOT NULL CHECK (rule IN ('manual', 'round-robin', 'least-load')),
    unanswered_after_ms INTEGER,
    last_agent_id TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE agent_capacity (
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    capacity INTEGER NOT NULL,
    PRIMARY KEY (site_id, user_id)
  );
  CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The name as compared for uniqueness (lower-cased by the store, the same way on every engine).
    name_key TEXT NOT NULL,
    -- The team's own round-robin turn.
    last_agent_id TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (site_id, name_key)
  );
  CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
  );
  CREATE INDEX team_members_user ON team_members(user_id);
  ALTER TABLE conversations ADD COLUMN team_id TEXT REFERENCES teams(id) ON DELETE SET NULL;
  -- Set when a conversation starts waiting again (reopened, passed to a team); null: since created_at.
  ALTER TABLE conversations ADD COLUMN waiting_since INTEGER;
  ALTER TABLE conversations ADD COLUMN unanswered_alerts INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX conversations_team ON conversations(team_id);
  `,
  /* 9: attachments (issue 13) */ `
  -- conversation_id turns NULL when its conversation is deleted (or an upload is never sent): the
  -- row then only remembers which bytes to delete, until the sweep (server/attachments/) has.
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
    client_id TEXT NOT NULL,
    author TEXT NOT NULL CHECK (author IN ('visitor', 'agent')),
    agent_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    message_id TEXT,
    internal INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id)
  );
  CREATE INDEX attachments_site ON attachments(site_id);
  CREATE INDEX attachments_unsent ON attachments(created_at) WHERE message_id IS NULL;
  CREATE INDEX attachments_gone ON attachments(id) WHERE conversation_id IS NULL;
  -- What a message carries, as it was sent: the Message's attachments, JSON.
  ALTER TABLE messages ADD COLUMN attachments TEXT;
  -- Sites made before attachments existed get the defaults (server/site-defaults.ts).
  UPDATE sites SET widget = json_set(widget, '$.attachments', json('{"visitors":true,"maxBytes":10485760,"types":["image/png","image/jpeg","image/gif","image/webp","application/pdf","text/plain","application/vnd.openxmlformats-officedocument.wordprocessingml.document","application/vnd.openxmlformats-officedocument.spreadsheetml.sheet","application/vnd.openxmlformats-officedocument.presentationml.presentation","application/vnd.oasis.opendocument.text","application/vnd.oasis.opendocument.spreadsheet","application/vnd.oasis.opendocument.presentation","application/msword","application/vnd.ms-excel","application/vnd.ms-powerpoint"]}'));
  `,
  /* 10: webhooks and their delivery log (issue 15) */ `
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- JSON array of WEBHOOK_EVENTS.
    events TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    secret TEXT NOT NULL,
    -- The log position it was made at: it gets what was logged after (of another log, after a move: everything).
    since_epoch TEXT NOT NULL,
    since_seq INTEGER NOT NULL,
    -- The circuit breaker (webhook-rows.ts, breakerAfter).
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    trips INTEGER NOT NULL DEFAULT 0,
    paused_at INTEGER,
    probe_at INTEGER,
    last_success_at INTEGER,
    last_failure_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_endpoints_site ON webhook_endpoints(site_id);
  -- The queue and the log in one: a delivery is pending until delivered or dead, then kept for the log.
  -- ord numbers them in the order the fan-out queued them (order per endpoint and order_key).
  -- The conversation (or, for a visitor's own events, the visitor) takes its deliveries along when erased.
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    visitor_id TEXT REFERENCES visitors(id) ON DELETE CASCADE,
    order_key TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- pending: due at; delivering: the lease runs out at.
    next_attempt_at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    lease_owner TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    UNIQUE (endpoint_id, event_id)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status IN ('pending', 'delivering');
  CREATE INDEX webhook_deliveries_chain ON webhook_deliveries(endpoint_id, order_key, ord) WHERE status IN ('pending', 'delivering');
  CREATE INDEX webhook_deliveries_log ON webhook_deliveries(endpoint_id, ord);
  CREATE INDEX webhook_deliveries_dead ON webhook_deliveries(endpoint_id) WHERE status = 'dead';
  CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(finished_at) WHERE status IN ('delivered', 'dead');
  CREATE INDEX webhook_deliveries_conversation ON webhook_deliveries(conversation_id);
  CREATE INDEX webhook_deliveries_visitor ON webhook_deliveries(visitor_id);
  CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    response_snippet TEXT
  );
  CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
  -- How far the fan-out has read the event log; starts at the head, so history is not sent.
  CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
  INSERT INTO webhook_cursor (id, seq) VALUES (1, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0));
  `,
  /* 11: API tokens (issue 15) */ `
  -- Found by the SHA-256 of the token only; the token itself is never stored. Revoked rows stay,
  -- so a revoked token is refused as revoked. site_ids: a JSON array, or NULL for every site.
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read-only', 'read-write')),
    site_ids TEXT,
    hint TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX api_tokens_created_by ON api_tokens(created_by);
  `,
  /* 12: satisfaction ratings and report indexes (issue 15) */ `
  -- One rating per conversation: a visitor's later rating (another client_id) replaces it.
  -- agent_id: who had the conversation when it was rated (reports count it as theirs).
  CREATE TABLE ratings (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    scale TEXT NOT NULL CHECK (scale IN ('five', 'thumbs')),
    comment TEXT,
    agent_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
  );
  -- Reports read a period of a site's conversations and ratings from these alone (covering
  -- indexes: no table rows read), so a report costs what its period holds, not what the database does.
  CREATE INDEX ratings_report ON ratings(site_id, created_at, score, agent_id);
  CREATE INDEX conversations_report ON conversations(site_id, created_at, first_response_at, resolved_at, status, assignee_id);
  -- Sites made before ratings existed ask with five stars (server/site-defaults.ts).
  UPDATE sites SET widget = json_set(widget, '$.rating', json('{"enabled":true,"scale":"five","question":""}'));
  `,
  /* 13: the outbox also emails owners about a paused webhook endpoint (issue 15): emails about no conversation */ `
  -- SQLite changes no NOT NULL or CHECK in place: the table is made again and its rows copied.
  -- Dropping the old one sets message_emails.outbox_id to NULL (ON DELETE SET NULL, foreign keys
  -- being on), so the links are kept aside and put back. details: what a kind needs beyond the
  -- columns (webhook-paused: the pause, email-outbox-rows.ts), JSON.
  CREATE TABLE email_outbox_next (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'transcript', 'agent-alert', 'webhook-paused')),
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL UNIQUE,
    message_ids TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    details TEXT,
    CHECK (conversation_id IS NOT NULL OR kind = 'webhook-paused')
  );
  INSERT INTO email_outbox_next (id, kind, site_id, conversation_id, recipient, user_id, message_id, message_ids, dedupe_key, status, attempts,
      next_attempt_at, lease_owner, last_error, created_at, sent_at)
    SELECT id, kind, site_id, conversation_id, recipient, user_id, message_id, message_ids, dedupe_key, status, attempts,
      next_attempt_at, lease_owner, last_error, created_at, sent_at FROM email_outbox;
  CREATE TEMP TABLE outbox_links AS SELECT message_id, outbox_id FROM message_emails WHERE outbox_id IS NOT NULL;
  DROP TABLE email_outbox;
  ALTER TABLE email_outbox_next RENAME TO email_outbox;
  UPDATE message_emails SET outbox_id = (SELECT l.outbox_id FROM temp.outbox_links l WHERE l.message_id = message_emails.message_id)
    WHERE message_id IN (SELECT message_id FROM temp.outbox_links);
  DROP TABLE temp.outbox_links;
  CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at) WHERE status IN ('pending', 'sending');
  CREATE INDEX email_outbox_conversation ON email_outbox(conversation_id);
  `,
];

/** `upTo`: the version to stop at (tests of a migration start from the one before it). */
export function migrate(db: DatabaseSync, upTo = MIGRATIONS.length): void {
  const { user_version: current } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is at schema version ${current}, newer than this Parley (${MIGRATIONS.length}). Upgrade Parley.`);
  }
  for (let version = current + 1; version <= upTo; version++) {
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
