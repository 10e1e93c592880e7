/**
 * `npm run move-to-postgres` (issue 10), as an operator runs it: a real SQLite installation made
 * through the SQLite store, the command as a child process, a fresh PostgreSQL database, and then
 * the PostgreSQL store and a real server on the result. Runs only with TEST_DATABASE_URL set (a
 * server a test may create databases on); registers no tests otherwise. The steps build on each
 * other, in order; the after() hook closes and drops everything, whatever failed before it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { hashPassword, sha256 } from '../server/auth/secrets.ts';
import { createDiskFiles } from '../server/files/disk-files.ts';
import { DEMO_SITE_KEY } from '../server/first-run.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createPgFiles } from '../server/store/pg-files.ts';
import { createPgStore } from '../server/store/pg-store.ts';
import { BREAKER } from '../server/store/webhook-rows.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import type { Store } from '../server/store/store.ts';
import type { ConversationView, Site, User, Visitor } from '../protocol/protocol.ts';
import { freePort, http, PASSWORD } from './harness.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const SESSION_TOKEN = 'agent-session-token-0123456789';
const VISITOR_TOKEN = 'visitor-token-0123456789';
const INVITE_TOKEN = 'invite-token-0123456789';
const ORIGIN = 'https://shop.test';
/** Given in the target URL; the server trusts loopback, so it is never asked for, and must never be printed. */
const URL_PASSWORD = 'hunter2-never-printed';
const VIEWS: ConversationView[] = ['waiting', 'mine', 'open', 'resolved', 'all'];

interface Seeded {
  shop: Site;
  blog: Site;
  owner: User;
  agent: User;
  visitors: Visitor[];
  conversationIds: string[];
}

function moveTests(adminUrl: string): void {
  describe('npm run move-to-postgres', () => {
    const teardown = new Teardown();
    after(() => teardown.run());
    const database = `parley_move_${randomBytes(4).toString('hex')}`;
    const target = withDatabase(adminUrl, database, URL_PASSWORD);
    let dir: string;
    let file: string;
    let sqlite: Store;
    let seeded: Seeded;
    let onSqlite: Awaited<ReturnType<typeof everything>>;
    let oldCursor: string;
    let sql: pg.Client;
    let epoch: string;

    before(async () => {
      const admin = teardown.add(new pg.Client({ connectionString: adminUrl }), (client) => client.end());
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      teardown.add(database, (name) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      sql = teardown.add(new pg.Client({ connectionString: withDatabase(adminUrl, database) }), (client) => client.end());
      await sql.connect();
      dir = teardown.add(mkdtempSync(join(tmpdir(), 'parley-move-')), (path) => rmSync(path, { recursive: true, force: true }));
      file = join(dir, 'parley.db');
      // Distinct times, a second apart and ending now: the engines order ties differently.
      let clock = Date.now() - 3600_000;
      sqlite = teardown.add(createSqliteStore({ path: file, synchronous: 'NORMAL', now: () => (clock += 1000) }), (store) => store.close());
      await sqlite.migrate();
      seeded = await seed(sqlite);
      oldCursor = await sqlite.headCursor();
      // The old log's pruning mark must not move with the rows.
      await sqlite.setMeta('events_pruned_through', '1');
      onSqlite = await everything(sqlite, seeded);
      // The seeded attachment's bytes, where a server on this data directory keeps them.
      const disk = createDiskFiles(join(dir, 'attachments'));
      await disk.put('f_seeded', (async function* bytes() { yield FILE_BYTES; })());
      await disk.close();
    });

    it('refuses to move a file that a running server has open, with one line', async () => {
      // The seeding store still has the file open, as a running server would.
      try {
        const run = await move(['--from', `sqlite:${file}`, '--to', target]);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /^move-to-postgres: the SQLite database .* is in use by another process, most likely a Parley server\. Stop every Parley process/);
        assert.equal(run.stderr.trim().split('\n').length, 1);
        assert.deepEqual(await tablesIn(sql), [], 'nothing written');
      } finally {
        await sqlite.close();
      }
    });

    it('dry run: prints the counts and writes nothing, not even the schema', async () => {
      const run = await move(['--from', `sqlite:${file}`, '--to', target, '--dry-run']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(counts(run.stdout), EXPECTED);
      assert.match(run.stdout, /Dry run: rolled back, nothing was written/);
      assert.ok(!`${run.stdout}${run.stderr}`.includes(URL_PASSWORD), 'the password is never printed');
      assert.deepEqual(await tablesIn(sql), []);
    });

    it('moves every row, counts them on both sides, and starts the event log afresh', async () => {
      const run = await move(['--from', `sqlite:${file}`, '--to', target]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.deepEqual(counts(run.stdout), EXPECTED);
      assert.match(run.stdout, /Counts match/);
      assert.match(run.stdout, /^Moved in \d+\.\d s\./m);
      assert.ok(!run.stdout.includes(URL_PASSWORD));
      epoch = /new epoch, ([a-z0-9]+) \(was ([^)]+)\)/.exec(run.stdout)?.[1] ?? assert.fail(`no epoch in:\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`\\(was ${oldCursor}\\)`));
      assert.notEqual(epoch, oldCursor.split(':')[0]);
      assert.match(run.stdout, new RegExp(`^Files: 1 copied \\(0\\.0 MiB\\) from ${dir}/attachments\\.$`, 'm'));
      const files = teardown.add(createPgFiles({ url: target }), (f) => f.close());
      const chunks: Buffer[] = [];
      for await (const chunk of (await files.get('f_seeded')) ?? assert.fail('the file is not in PostgreSQL')) chunks.push(Buffer.from(chunk));
      assert.deepEqual(Buffer.concat(chunks), FILE_BYTES, 'a cluster on the moved database serves the same bytes');
      const again = await move(['--files-only', '--from', `sqlite:${file}`, '--to', target]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), `Files: 0 copied (0.0 MiB) from ${dir}/attachments, 1 already there.`, 'copying the files again is harmless');
    });

    it('answers every Store read on PostgreSQL exactly as SQLite did', async () => {
      const store = teardown.add(createPgStore({ url: target }), (s) => s.close());
      await store.migrate();
      assert.deepEqual(await everything(store, seeded), onSqlite);
      assert.equal(await store.getMeta('server_secret'), 'kept-server-secret', 'stream tickets stay valid');
      assert.equal(await store.getMeta('events_pruned_through'), null);
      assert.equal(await store.getMeta('log_epoch'), epoch);
    });

    it('gives a client resuming from an old cursor an explicit reset to the new, empty log', async () => {
      const store = teardown.add(createPgStore({ url: target }), (s) => s.close());
      await store.migrate();
      assert.equal(await store.headCursor(), `${epoch}:0`);
      const scopes = [
        { kind: 'agent' as const, siteIds: [seeded.shop.id, seeded.blog.id] },
        { kind: 'visitor' as const, siteId: seeded.shop.id, visitorId: seeded.visitors[0]!.id },
      ];
      for (const scope of scopes) {
        assert.deepEqual(await store.eventsAfter(scope, oldCursor, 100), { events: [], cursor: `${epoch}:0`, reset: 'cursor-unknown' });
      }
      const { rows } = await sql.query('SELECT (SELECT count(*) FROM events)::int AS events, (SELECT seq FROM event_head)::int AS head');
      assert.deepEqual(rows, [{ events: 0, head: 0 }]);
    });

    it('refuses a second move into the now non-empty database, with one line, writing nothing', async () => {
      const rowsBefore = (await sql.query('SELECT count(*)::int AS n FROM messages')).rows[0].n;
      const run = await move(['--from', file, '--to', target]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`^move-to-postgres: the PostgreSQL database "${database}" at [^ ]+ already holds Parley data \\(sites: 2, `));
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.ok(!run.stderr.includes(URL_PASSWORD));
      assert.equal((await sql.query('SELECT count(*)::int AS n FROM messages')).rows[0].n, rowsBefore);
    });

    it('runs a real server on the result: the owner logs in, sessions and visitor tokens still work, old cursors reset', async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, ['server/main.ts'], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATABASE_URL: target, DATA_DIR: dir, LOG_LEVEL: 'warn' },
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      teardown.add(child, async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      await waitFor(() => output.includes('Parley is running') || child.exitCode !== null, { timeoutMs: 30_000, message: () => `the server to start:\n${output}` });
      assert.equal(child.exitCode, null, output);
      assert.ok(!output.includes('First start'), 'no new owner: the moved one is there');

      const login = await http(`${url}/v1/agent/login`, { method: 'POST', json: { email: seeded.owner.email, password: PASSWORD } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const me = await http(`${url}/v1/agent/me`, { headers: { cookie: `parley_session=${SESSION_TOKEN}` } });
      assert.equal(me.status, 200, 'an agent logged in before the move still is');
      assert.equal(me.body.user.email, seeded.agent.email);
      assert.equal(me.body.cursor, `${epoch}:0`);
      const mine = await http(`${url}/v1/sites/${seeded.shop.id}/conversations`, { headers: { authorization: `Bearer ${VISITOR_TOKEN}`, origin: ORIGIN } });
      assert.equal(mine.status, 200, 'a visitor keeps their token');
      assert.deepEqual(mine.body.conversations.map((c: { id: string }) => c.id).sort(), seeded.conversationIds.slice(0, 2).sort());
      const poll = await http(`${url}/v1/agent/events?cursor=${encodeURIComponent(oldCursor)}&wait=0`, { headers: { cookie: `parley_session=${SESSION_TOKEN}` } });
      assert.equal(poll.status, 200);
      assert.deepEqual(poll.body, { events: [{ id: `${epoch}:0`, type: 'reset', data: { reason: 'cursor-unknown' } }], cursor: `${epoch}:0` });
    });
  });
}

/** The bytes of the seeded attachment (receipt.pdf). */
const FILE_BYTES = Buffer.from('%PDF-1.4\n% a receipt\n%%EOF\n');

/** Rows per table the seed makes (meta without the log's own keys). */
const EXPECTED = {
  meta: [2, 2], sites: [2, 2], users: [2, 2], site_members: [3, 3], sessions: [1, 1], invites: [1, 1],
  canned_responses: [2, 2], visitors: [2, 2], conversations: [3, 3], messages: [10, 10], attachments: [1, 1],
  site_assignment: [1, 1], agent_capacity: [1, 1], teams: [1, 1], team_members: [1, 1],
  labels: [2, 2], conversation_labels: [1, 1], saved_views: [1, 1], visitor_pages: [2, 2], visitor_aliases: [1, 1],
  email_outbox: [2, 2], message_emails: [1, 1], email_unsubscribes: [1, 1], site_email_settings: [1, 1], agent_email_alerts: [1, 1], conversation_email_alerts: [1, 1],
  email_threads: [1, 1], sent_emails: [1, 1], held_emails: [1, 1],
  webhook_endpoints: [1, 1], webhook_deliveries: [1, 1], webhook_attempts: [1, 1],
  api_tokens: [1, 1],
  ratings: [1, 1],
};

async function seed(store: Store): Promise<Seeded> {
  const shop = await store.createSite({ name: 'Shop', allowedOrigins: [ORIGIN], widget: defaultWidgetConfig('Shop team'), secret: 'shop-site-secret' });
  await store.updateSite(shop.id, {
    retentionDays: 90,
    widget: { color: '#0f766e', preChat: { name: 'optional', email: 'required' }, businessHours: { timeZone: 'Europe/Paris', days: [[], [['09:00', '17:00']], [], [], [], [], []] } },
  });
  const blog = await store.createSite({ name: 'Blog', allowedOrigins: [], widget: defaultWidgetConfig('Blog'), secret: 'blog-site-secret' });
  const passwordHash = await hashPassword(PASSWORD);
  const owner = await store.createUser({ email: 'owner@shop.test', name: 'Olivia Owner', role: 'owner', passwordHash, siteIds: [shop.id] });
  const agent = await store.createUser({ email: 'ann@shop.test', name: 'Ann Agent', role: 'agent', passwordHash, siteIds: [shop.id, blog.id], avatarUrl: 'https://shop.test/ann.png' });
  await store.setUserStatus(agent.id, 'away');
  await store.createSession({ tokenHash: sha256(SESSION_TOKEN), userId: agent.id, csrfToken: 'csrf-token', expiresAt: Date.now() + 24 * 3600_000 });
  await store.createInvite(sha256(INVITE_TOKEN), { kind: 'invite', email: 'new@shop.test', name: 'New', role: 'agent', siteIds: [shop.id], userId: null, expiresAt: Date.now() + 24 * 3600_000 });
  await store.createCanned({ siteId: shop.id, shortcut: 'hi', body: 'Hello! How can I help?' });
  await store.createCanned({ siteId: blog.id, shortcut: 'bye', body: 'Thanks for writing.' });
  await store.setMeta('server_secret', 'kept-server-secret');
  // API tokens (issue 15): one for the shop, used once; only its hash is stored, and it moves.
  const token = await store.createApiToken({ name: 'CRM sync', scope: 'read-only', siteIds: [shop.id], hint: 'abcd', tokenHash: sha256('parley_pat_seeded'), createdBy: owner.id });
  await store.touchApiToken(token.id, Date.now(), Date.now() - 60_000);
  await store.setMeta(DEMO_SITE_KEY, shop.id);

  const known = await store.createVisitor({ siteId: shop.id, tokenHash: sha256(VISITOR_TOKEN), context: { url: `${ORIGIN}/pricing`, title: 'Pricing' } });
  await store.updateVisitor(known.id, { name: 'Vera Visitor', email: 'vera@example.test', externalId: 'user-42', verified: true, attributes: { plan: 'pro', seats: 3, beta: true } });
  const anonymous = await store.createVisitor({ siteId: shop.id, tokenHash: sha256('another-visitor'), context: {} });
  const ann = { id: agent.id, name: agent.name, avatarUrl: agent.avatarUrl };
  const olivia = { id: owner.id, name: owner.name, avatarUrl: null };

  // Resolved: claimed, answered, an internal note, read, resolved.
  const { value: first } = await store.startConversation({ siteId: shop.id, visitorId: known.id, clientId: 'first' });
  await store.appendMessage({ conversationId: first.id, clientId: 'v1', author: 'visitor', agentId: null, body: 'Can I get a refund?', internal: false });
  await store.claim(first.id, ann);
  await store.appendMessage({ conversationId: first.id, clientId: 'a1', author: 'agent', agentId: agent.id, body: 'Yes, within 30 days.', internal: false });
  await store.appendMessage({ conversationId: first.id, clientId: 'n1', author: 'agent', agentId: agent.id, body: 'Internal: check the order first', internal: true });
  await store.markRead(first.id, 'visitor', 3);
  await store.resolve(first.id, ann);
  // Waiting.
  const { value: second } = await store.startConversation({ siteId: shop.id, visitorId: known.id, clientId: 'second' });
  await store.appendMessage({ conversationId: second.id, clientId: 'v2', author: 'visitor', agentId: null, body: 'One more question', internal: false });
  // Assigned to the owner.
  const { value: third } = await store.startConversation({ siteId: shop.id, visitorId: anonymous.id, clientId: 'third' });
  await store.appendMessage({ conversationId: third.id, clientId: 'v3', author: 'visitor', agentId: null, body: 'Hello?', internal: false });
  await store.claim(third.id, olivia);
  // The team inbox (issue 14): labels, one on a conversation, a saved view, and a visitor merged
  // into Vera, whose browser token must still find her after the move.
  const refund = (await store.createLabel({ siteId: shop.id, name: 'Refund', color: '#e03131' })).value;
  await store.createLabel({ siteId: blog.id, name: 'Spam', color: '#495057' });
  await store.setConversationLabel(first.id, refund.id, true);
  await store.createSavedView({ userId: agent.id, name: 'Refunds', filter: { view: 'all', labelId: refund.id, q: '' } });
  const phone = await store.createVisitor({ siteId: shop.id, tokenHash: sha256('merged-visitor'), context: { url: `${ORIGIN}/help?from=mail`, title: 'Help' } });
  await store.mergeVisitors(known.id, phone.id);
  // Outbound email (issue 12): Ann's answer due to be emailed, a transcript and an alert in the
  // outbox, an unsubscribed address, the shop's own delay, Ann's alerts turned off.
  const answer = (await store.listMessages(first.id, { limit: 100, includeInternal: false })).messages.find((m) => m.clientId === 'a1')!;
  await store.noteReplyEmail({ messageId: answer.id, suppressed: false, dueAt: Date.now() + 180_000 });
  await store.queueTranscript({ conversationId: first.id, clientId: 't1', to: 'vera@example.test', now: Date.now(), messageIdDomain: 'shop.test', maxPerConversation: 5, maxPerAddressPerDay: 5 });
  await store.setEmailAlerts(agent.id, false);
  await store.queueAgentAlerts({ conversationId: second.id, now: Date.now(), messageIdDomain: 'shop.test' });
  await store.unsubscribe(shop.id, 'Gone@Example.test');
  await store.updateEmailSettings(shop.id, { replyDelayMs: 600_000 });
  // Email threads and held mail (issue 12): the first conversation's reply token, the email sent
  // to Vera about it, and a stranger's answer held for review.
  await store.replyToken(first.id);
  await store.recordSentEmail({ messageId: 'reply-1@shop.test', conversationId: first.id, to: 'vera@example.test', sentAt: Date.now() });
  await store.holdEmail({ conversationId: first.id, from: 'someone@else.test', fromName: 'Someone', subject: 'Re: your question', text: 'Is this about my order?', reason: 'unknown-sender', clientId: 'held-1' });
  // Attachments (issue 13): a file Vera sent with a message (the record; its bytes are the file storage's).
  await store.createAttachment({ id: 'f_seeded', siteId: shop.id, conversationId: first.id, clientId: 'file-1', author: 'visitor', agentId: null, name: 'receipt.pdf', type: 'application/pdf', size: 1234 });
  await store.appendMessage({ conversationId: first.id, clientId: 'with-file', author: 'visitor', agentId: null, body: 'Here it is', internal: false, attachmentIds: ['f_seeded'] });
  // Assignment (issue 14): the shop's rule, alert threshold and one capacity, a team, and the
  // waiting conversation passed to it (nobody online: it waits for the team).
  await store.updateAssignmentSettings(shop.id, { rule: 'round-robin', unansweredAfterSeconds: 120, capacities: { [agent.id]: 3 } });
  const billing = (await store.createTeam({ siteId: shop.id, name: 'Billing', memberIds: [agent.id] })).value;
  await store.transferToTeam(second.id, olivia, billing.id, []);
  // Webhooks (issue 15): an endpoint, and a test delivery with one failed attempt in its log.
  const hook = await store.createWebhookEndpoint({ siteId: shop.id, url: 'https://crm.shop.test/parley', description: 'CRM', events: ['message.visitor', 'conversation.resolved'], enabled: true, secret: 'whsec_seeded' });
  await store.queueTestDelivery(shop.id, hook.id, Date.now());
  const [tried] = await store.claimWebhookDeliveries({ now: Date.now(), owner: 'seed', leaseMs: 60_000, limit: 1, perEndpoint: 1 });
  await store.recordWebhookAttempt({
    deliveryId: tried!.id, owner: 'seed', at: Date.now(), ok: false, statusCode: 500, latencyMs: 40, error: 'Answered 500.', responseSnippet: 'boom',
    interrupted: false, retryAt: null, probe: false, breaker: BREAKER,
  });
  // Satisfaction (issue 15): Vera's rating of the resolved conversation, Ann's.
  await store.rateConversation({ conversationId: first.id, clientId: 'rate-1', score: 4, scale: 'five', comment: 'Quick refund' });
  return {
    shop: (await store.getSite(shop.id))!, blog, owner, agent,
    visitors: [(await store.getVisitor(known.id))!, anonymous], conversationIds: [first.id, second.id, third.id],
  };
}

/** What the Store API answers about the seeded installation. */
async function everything(store: Store, { shop, blog, owner, agent, visitors, conversationIds }: Seeded) {
  const siteIds = [shop.id, blog.id];
  return {
    sites: await store.listSites(),
    secrets: await Promise.all(siteIds.map((id) => store.getSiteSecret(id))),
    users: await store.listUsers(),
    usersOfBlog: await store.listUsers(blog.id),
    logins: await Promise.all([owner, agent].map((user) => store.getUserByEmail(user.email))),
    statuses: await Promise.all([owner, agent].map((user) => store.getUserStatus(user.id))),
    session: await store.getSession(sha256(SESSION_TOKEN)),
    invite: await store.getInvite(sha256(INVITE_TOKEN)),
    canned: await store.listCanned(siteIds),
    ratings: await store.visitorRatings(visitors[0]!.id),
    report: await store.report({ siteIds, bounds: [0, Date.UTC(2100, 0, 1)] }),
    apiTokens: await store.listApiTokens(),
    webhooks: await store.listWebhookEndpoints(shop.id),
    webhookLog: await Promise.all((await store.listWebhookEndpoints(shop.id)).map(async (endpoint) => {
      const { deliveries } = await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: null, limit: 10 });
      return { deliveries, detail: await store.getWebhookDelivery(endpoint.id, deliveries[0]!.id), secret: await store.webhookSecret(endpoint.id) };
    })),
    visitors: await Promise.all(visitors.map((v) => store.getVisitor(v.id))),
    byToken: await store.findVisitorByToken(shop.id, sha256(VISITOR_TOKEN)),
    views: await Promise.all(VIEWS.map((view) => store.listConversations({ siteIds, view, userId: agent.id, limit: 50 }))),
    search: await store.listConversations({ siteIds, view: 'all', userId: agent.id, q: 'refund', limit: 50 }),
    ofVisitor: await store.listVisitorConversations(visitors[0]!.id),
    latest: await store.latestConversation(visitors[0]!.id),
    conversations: await Promise.all(conversationIds.map((id) => store.getConversation(id))),
    messages: await Promise.all(conversationIds.map((id) => store.listMessages(id, { limit: 100, includeInternal: true }))),
    publicMessages: await Promise.all(conversationIds.map((id) => store.listMessages(id, { limit: 100, includeInternal: false }))),
    export: await store.exportConversations(shop.id),
    demoSite: await store.getMeta(DEMO_SITE_KEY),
    labels: await store.listLabels(siteIds),
    conversationLabels: await store.conversationLabels(conversationIds),
    savedViews: await store.listSavedViews(agent.id),
    pages: await Promise.all(visitors.map((v) => store.visitorPages(v.id))),
    byMergedToken: await store.findVisitorByToken(shop.id, sha256('merged-visitor')),
    messageEmails: await Promise.all(conversationIds.map((id) => store.messageEmails(id))),
    emailSettings: await Promise.all(siteIds.map((id) => store.emailSettings(id))),
    emailAlerts: await Promise.all([owner, agent].map((user) => store.emailAlertsEnabled(user.id))),
    unsubscribed: await store.isUnsubscribed(shop.id, 'gone@example.test'),
    assignment: await Promise.all(siteIds.map((id) => store.getAssignmentSettings(id))),
    teams: await store.listTeams(siteIds),
    byReplyToken: await store.conversationByReplyToken(await store.replyToken(conversationIds[0]!)),
    sentEmail: await store.sentEmail('reply-1@shop.test'),
    recipients: await store.emailRecipients(conversationIds[0]!),
    heldEmails: await store.listHeldEmails(siteIds, 50),
    files: await store.listAttachments({ conversationId: conversationIds[0]! }, true),
  };
}

/** Runs the command as an operator does (npm runs exactly this), and collects what it said. */
function move(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['server/move-to-postgres.ts', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The count table of the command's output: table → [SQLite, PostgreSQL]. */
function counts(stdout: string): Record<string, [number, number]> {
  const table: Record<string, [number, number]> = {};
  for (const [, name, a, b] of stdout.matchAll(/^ {2}([a-z_]+) +(\d+) +(\d+)$/gm)) table[name!] = [Number(a), Number(b)];
  return table;
}

async function tablesIn(sql: pg.Client): Promise<string[]> {
  const { rows } = await sql.query("SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
  return rows.map((row) => String(row.table_name));
}

/** The admin URL with another database (and optionally a password). */
function withDatabase(url: string, database: string, password?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (password) parsed.password = password;
  return parsed.toString();
}

// Last, once every constant above is initialised: describe() runs its body at once.
const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) moveTests(adminUrl);
