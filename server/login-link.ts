/**
 * Command: a one-time login link for an existing account, for an owner who lost the password the
 * first start printed (docs/deployment.md, "Lost the owner's password").
 *
 *   npm run login-link -- --email owner@example.com
 *
 * Run it where the server runs, with the same environment (DATABASE_URL or DATA_DIR, PUBLIC_URL):
 * it opens the same database, SQLite or PostgreSQL, and makes the password-reset link an owner
 * makes in Settings → Agents, valid for an hour. Opened, it asks for a new password, ends the
 * account's other sessions and signs in. Whoever can run this can read the database anyway; the
 * link adds nothing they could not do. Every failure is one line on stderr with exit code 1 (2 for
 * bad arguments). It must not start a server.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createOneTimeLink, resetFor } from './auth/one-time-link.ts';
import { configFromEnv } from './config.ts';
import { openStore } from './store/open-store.ts';
import { StoreStartError, type Store } from './store/store.ts';

const USAGE = 'Usage: npm run login-link -- --email <the account\'s email>';
const VALID_MS = 60 * 60_000;

function fail(message: string, code: number): never {
  console.error(`login-link: ${message}`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({ options: { email: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
} catch (error) {
  fail(`${(error as Error).message.split('\n')[0]!.replace(/\.?$/, '.')} ${USAGE}`, 2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const email = args.email?.trim();
if (!email) fail(`give the account's email with --email. ${USAGE}`, 2);

const config = configFromEnv();
// A wrong DATA_DIR would otherwise create an empty database and report "no such account".
if (config.databaseUrl.startsWith('sqlite:') && !existsSync(config.databaseUrl.slice('sqlite:'.length))) {
  fail(`no database at ${config.databaseUrl.slice('sqlite:'.length)}: run this with the DATA_DIR or DATABASE_URL the server uses.`, 1);
}

let store: Store;
try {
  store = await openStore(config);
  await store.migrate();
} catch (error) {
  fail(error instanceof StoreStartError ? error.message : `cannot open the database: ${String((error as Error)?.message ?? error).replace(/\/\/[^@/\s]*@/g, '//…@')}`, 1);
}

try {
  const found = await store.getUserByEmail(email);
  if (!found) {
    const owners = (await store.listUsers()).filter((user) => user.role === 'owner').map((user) => user.email);
    fail(`no account has the email ${email}. ${owners.length > 0 ? `Owners: ${owners.join(', ')}.` : 'There is no owner yet: start the server once to create one.'}`, 1);
  }
  const { user } = found;
  if (user.disabled) fail(`${user.email} is disabled: an owner enables it in Settings → Agents first (or make the link for an owner).`, 1);
  const link = await createOneTimeLink(store, config.publicUrl, resetFor(user, Date.now() + VALID_MS));
  console.log([
    `One-time login link for ${user.email} (${user.role}), valid until ${new Date(link.expiresAt).toLocaleString()}:`,
    '',
    `  ${link.url}`,
    '',
    'Open it in a browser: it asks for a new password, then signs you in. It works once; the',
    'account\'s other sessions end when it is used.',
    ...(process.env.PUBLIC_URL ? [] : [`(Made for ${config.publicUrl}: set PUBLIC_URL as the server has it if browsers reach Parley elsewhere.)`]),
  ].join('\n'));
} finally {
  await store.close();
}
