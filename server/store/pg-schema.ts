/**
 * PostgreSQL schema migrations, applied in order at start-up and tracked in schema_migrations.
 * Append a new entry to change the schema; never edit one that has shipped.
 *
 * Tables, columns and indexes are SQLite's (sqlite-schema.ts), so rows.ts decodes both, with
 * PostgreSQL's types: times are epoch ms BIGINT, JSON is JSONB, flags are BOOLEAN. Two additions
 * the engine needs: event_head, the log's counter (pg-db.ts, appendAndCommit), and conversations.ord,
 * a tiebreak for ordering by created_at where SQLite uses its rowid.
 */
import { newEpoch } from './event-log.ts';
import type { PgDb } from './pg-db.ts';
import { startError } from './pg-errors.ts';
import { StoreStartError } from './store.ts';

const MIGRATIONS: string[] = [
  /* 1: the chat core, owner configuration and the event log (SQLite's versions 1–3) */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    allowed_origins JSONB NOT NULL,
    widget JSONB NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retention_days INTEGER
  );

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
    avatar_url TEXT,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'online',
    disabled BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
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
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT,
    email TEXT,
    external_id TEXT,
    verified BOOLEAN NOT NULL DEFAULT false,
    attributes JSONB NOT NULL DEFAULT '{}',
    context JSONB NOT NULL DEFAULT '{}',
    visits INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
  );

  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'assigned', 'resolved')),
    assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    last_message_at BIGINT,
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
    internal BOOLEAN NOT NULL DEFAULT false,
    system_kind TEXT,
    system_agent_name TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
  );

  -- The log that stream resume replays and every process's follower reads. id is the seq:
  -- dense and in commit order, handed out by event_head (never a SEQUENCE, which commits out of order).
  CREATE TABLE event_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
  CREATE TABLE events (
    id BIGINT PRIMARY KEY,
    site_id TEXT NOT NULL,
    visitor_id TEXT,
    conversation_id TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('all', 'agents', 'visitors')),
    type TEXT NOT NULL,
    data JSONB NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX events_visitor ON events(visitor_id, id);
  CREATE INDEX events_site ON events(site_id, id);
  CREATE INDEX events_created ON events(created_at);
  CREATE INDEX events_conversation ON events(conversation_id);
  CREATE INDEX events_site_wide ON events(site_id, id) WHERE visitor_id IS NULL;

  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
    site_ids JSONB NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
  );

  CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, shortcut)
  );
  `,
  /* 2: email threads — reply tokens and the Message-IDs sent per conversation (SQLite's 4) */ `
  CREATE TABLE email_threads (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    reply_token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE sent_emails (
    message_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    sent_at BIGINT NOT NULL
  );
  CREATE INDEX sent_emails_conversation ON sent_emails(conversation_id);
  `,
  /* 3: the email outbox, per-message email state, unsubscribes (SQLite's 5) */ `
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
    message_ids JSONB NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
  );
  CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at) WHERE status IN ('pending', 'sending');
  CREATE INDEX email_outbox_conversation ON email_outbox(conversation_id);

  -- What became of each agent reply by email, as agents see it (protocol.ts, MessageEmail).
  CREATE TABLE message_emails (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'suppressed', 'seen', 'unsubscribed', 'no-address')),
    at BIGINT NOT NULL,
    error TEXT,
    retry_at BIGINT,
    outbox_id TEXT REFERENCES email_outbox(id) ON DELETE SET NULL
  );
  CREATE INDEX message_emails_conversation ON message_emails(conversation_id);
  CREATE INDEX message_emails_outbox ON message_emails(outbox_id);
  CREATE INDEX message_emails_due ON message_emails(at) WHERE state = 'pending' AND outbox_id IS NULL;

  -- Addresses (lower-cased) that get no more email of a site.
  CREATE TABLE email_unsubscribes (
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (site_id, address)
  );
  -- A site's delays, when its owner changed them from EMAIL_DEFAULTS (protocol.ts).
  CREATE TABLE site_email_settings (
    site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    reply_delay_ms BIGINT,
    alert_delay_ms BIGINT
  );
  -- An agent who turned their alerts off (or on again); no row: on.
  CREATE TABLE agent_email_alerts (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL
  );
  -- Conversations nobody answered whose agents were emailed about it: once each.
  CREATE TABLE conversation_email_alerts (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    alerted_at BIGINT NOT NULL
  );
  -- What the alert planner scans: new conversations nobody has answered yet.
  CREATE INDEX conversations_unanswered ON conversations(created_at) WHERE status = 'waiting' AND first_response_at IS NULL;
  `,
  /* 4: inbound email held for review (SQLite's 6) */ `
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
    received_at BIGINT NOT NULL,
    UNIQUE (conversation_id, client_id)
  );
  CREATE INDEX held_emails_site ON held_emails(site_id, received_at);
  `,
  /* 5: the team inbox — labels and saved views, a visitor's pages, merged visitors' tokens (SQLite's 7) */ `
  CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    color TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name_key)
  );
  CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    label_id TEXT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
  );
  CREATE INDEX conversation_labels_label ON conversation_labels(label_id);
  CREATE TABLE saved_views (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    filter JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, name_key)
  );
  CREATE TABLE visitor_pages (
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (visitor_id, url)
  );
  CREATE TABLE visitor_aliases (
    token_hash TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX visitor_aliases_visitor ON visitor_aliases(visitor_id);
  `,
  /* 6: the team inbox — teams, assignment rules, agent capacity, unanswered alerts (SQLite's 8) */ `
  CREATE TABLE site_assignment (
    site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    rule TEXT NOT NULL CHECK (rule IN ('manual', 'round-robin', 'least-load')),
    unanswered_after_ms BIGINT,
    last_agent_id TEXT,
    updated_at BIGINT NOT NULL
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
    name_key TEXT NOT NULL,
    last_agent_id TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name_key)
  );
  CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
  );
  CREATE INDEX team_members_user ON team_members(user_id);
  ALTER TABLE conversations ADD COLUMN team_id TEXT REFERENCES teams(id) ON DELETE SET NULL;
  ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;
  ALTER TABLE conversations ADD COLUMN unanswered_alerts INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX conversations_team ON conversations(team_id);
  `,
  /* 7: attachments (SQLite's 9), and the bytes of files for the database file storage (pg-files.ts) */ `
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
    client_id TEXT NOT NULL,
    author TEXT NOT NULL CHECK (author IN ('visitor', 'agent')),
    agent_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size BIGINT NOT NULL,
    message_id TEXT,
    internal BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, client_id)
  );
  CREATE INDEX attachments_site ON attachments(site_id);
  CREATE INDEX attachments_unsent ON attachments(created_at) WHERE message_id IS NULL;
  CREATE INDEX attachments_gone ON attachments(id) WHERE conversation_id IS NULL;
  ALTER TABLE messages ADD COLUMN attachments JSONB;
  UPDATE sites SET widget = widget || jsonb_build_object('attachments', '{"visitors":true,"maxBytes":10485760,"types":["image/png","image/jpeg","image/gif","image/webp","application/pdf","text/plain","application/vnd.openxmlformats-officedocument.wordprocessingml.document","application/vnd.openxmlformats-officedocument.spreadsheetml.sheet","application/vnd.openxmlformats-officedocument.presentationml.presentation","application/vnd.oasis.opendocument.text","application/vnd.oasis.opendocument.spreadsheet","application/vnd.oasis.opendocument.presentation","application/msword","application/vnd.ms-excel","application/vnd.ms-powerpoint"]}'::jsonb);

  -- A file's bytes in chunks of ordinary rows: read with short statements, deleted with the file,
  -- backed up and replicated like everything else (why not large objects: pg-files.ts).
  CREATE TABLE file_blobs (
    key TEXT PRIMARY KEY,
    size BIGINT NOT NULL DEFAULT 0,
    complete BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX file_blobs_created ON file_blobs(created_at);
  CREATE TABLE file_chunks (
    key TEXT NOT NULL REFERENCES file_blobs(key) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (key, n)
  );
  `,
  /* 8: webhooks and their delivery log (SQLite's 10) */ `
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    events JSONB NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT true,
    secret TEXT NOT NULL,
    since_epoch TEXT NOT NULL,
    since_seq BIGINT NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    trips INTEGER NOT NULL DEFAULT 0,
    paused_at BIGINT,
    probe_at BIGINT,
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX webhook_endpoints_site ON webhook_endpoints(site_id);
  -- ord: a SEQUENCE is safe here (unlike for the event log): every delivery that is ordered is
  -- inserted by the fan-out, which holds the cursor's lock, so ords commit in the order handed out.
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    visitor_id TEXT REFERENCES visitors(id) ON DELETE CASCADE,
    order_key TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    lease_owner TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
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
    id BIGSERIAL PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    response_snippet TEXT
  );
  CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
  -- How far the fan-out has read the log; its row lock is the one fan-out at a time.
  CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
  INSERT INTO webhook_cursor (id, seq) VALUES (1, COALESCE((SELECT seq FROM event_head WHERE id = 1), 0));
  `,
  /* 9: API tokens (SQLite's 11) */ `
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read-only', 'read-write')),
    site_ids JSONB,
    hint TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
  );
  CREATE INDEX api_tokens_created_by ON api_tokens(created_by);
  `,
  /* 10: satisfaction ratings and report indexes (SQLite's 12) */ `
  CREATE TABLE ratings (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    score SMALLINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    scale TEXT NOT NULL CHECK (scale IN ('five', 'thumbs')),
    comment TEXT,
    agent_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
  );
  -- Index-only scans for reports (the columns they read in INCLUDE), as SQLite's covering indexes.
  CREATE INDEX ratings_report ON ratings(site_id, created_at) INCLUDE (score, agent_id);
  CREATE INDEX conversations_report ON conversations(site_id, created_at) INCLUDE (first_response_at, resolved_at, status, assignee_id);
  UPDATE sites SET widget = widget || jsonb_build_object('rating', '{"enabled":true,"scale":"five","question":""}'::jsonb);
  `,
  /* 11: the outbox also emails owners about a paused webhook endpoint (SQLite's 13): emails about no conversation */ `
  ALTER TABLE email_outbox ALTER COLUMN conversation_id DROP NOT NULL;
  ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_kind_check;
  ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_kind_check CHECK (kind IN ('reply', 'transcript', 'agent-alert', 'webhook-paused'));
  ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_check CHECK (conversation_id IS NOT NULL OR kind = 'webhook-paused');
  -- What a kind needs beyond the columns (webhook-paused: the pause, email-outbox-rows.ts).
  ALTER TABLE email_outbox ADD COLUMN details JSONB;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** pg_advisory_xact_lock key: the bytes of "parley". Database-wide, so it also covers CREATE SCHEMA. */
const MIGRATION_LOCK = 123563833845113;

/**
 * Brings the schema to SCHEMA_VERSION, one transaction per version, each under an advisory lock so
 * that nodes starting at once apply every version exactly once; makes the log's epoch and head row
 * if absent. Returns the head seq. Any failure is a StoreStartError: the operator must act.
 */
export async function migrate(db: PgDb): Promise<number> {
  try {
    for (;;) {
      const head = await db.tx(async (tx) => {
        await tx.one('SELECT pg_advisory_xact_lock($1)', MIGRATION_LOCK);
        // The name was checked against a strict pattern (pg-db.ts): safe to interpolate.
        if (db.schema) await tx.run(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
        await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
        const current = Number((await tx.one('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations'))!.version);
        if (current > SCHEMA_VERSION) {
          throw new StoreStartError(`the database on PostgreSQL at ${db.where} is at schema version ${current}, newer than this Parley (${SCHEMA_VERSION}). Upgrade Parley.`);
        }
        if (current < SCHEMA_VERSION) {
          await tx.run(MIGRATIONS[current]!);
          await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', current + 1, db.now());
          return null;
        }
        // The log's epoch, made once per database (protocol.ts, "Event ids and cursors").
        await tx.run("INSERT INTO meta (key, value) VALUES ('log_epoch', $1) ON CONFLICT (key) DO NOTHING", newEpoch());
        await tx.run('INSERT INTO event_head (id, seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
        return Number((await tx.one('SELECT seq FROM event_head WHERE id = 1'))!.seq);
      }, 'migration');
      if (head !== null) return head;
    }
  } catch (error) {
    throw startError(error, db.where);
  }
}
