/**
 * Command: move a SQLite installation into PostgreSQL, to run several processes on it
 * (docs/deployment.md, "Moving from SQLite to PostgreSQL").
 *
 *   npm run move-to-postgres -- --from sqlite:data/parley.db --to postgres://user@host/db [--dry-run] [--files <dir>] [--files-only]
 *
 * Reads the arguments, runs store/copy-into-postgres.ts (the rows) and then
 * store/copy-files-into-postgres.ts (the attachments' bytes, from --files, by default the
 * attachments folder beside the SQLite file) and prints their counts. Every failure is
 * one line on stderr with exit code 1 (2 for bad arguments); it never prints the target's URL,
 * which may hold a password. It must not start a server or write to the SQLite file.
 */
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { copyFilesIntoPostgres, type FileCopyReport } from './store/copy-files-into-postgres.ts';
import { copyIntoPostgres, MoveError, type MoveReport } from './store/copy-into-postgres.ts';

const USAGE = 'Usage: npm run move-to-postgres -- --from sqlite:<path> --to postgres://user:password@host:port/database [--dry-run] [--files <dir>] [--files-only]';

function fail(message: string, code: number): never {
  console.error(`move-to-postgres: ${message}`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      from: { type: 'string' }, to: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
      files: { type: 'string' }, 'files-only': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  fail(`${(error as Error).message.split('\n')[0].replace(/\.?$/, '.')} ${USAGE}`, 2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.from || !args.to) fail(`give both --from and --to. ${USAGE}`, 2);
if (/^postgres(ql)?:/.test(args.from)) fail('--from names the SQLite file to move (sqlite:<path>); --to the PostgreSQL database.', 2);
const from = args.from.replace(/^sqlite:/, '');
const to: string = args.to;
const filesDir = resolve(args.files ?? join(dirname(resolve(from)), 'attachments'));

async function copyFiles(): Promise<FileCopyReport> {
  try {
    return await copyFilesIntoPostgres({ to, filesDir });
  } catch (error) {
    fail(error instanceof MoveError ? error.message : `copying the files failed: ${String((error as Error)?.message ?? error).replace(/\s+/g, ' ').replace(/\/\/[^@/\s]*@/g, '//…@')}.`, 1);
  }
}
const filesLine = (files: FileCopyReport) => `Files: ${files.copied} copied (${(files.bytes / 1048576).toFixed(1)} MiB) from ${filesDir}`
  + (files.already ? `, ${files.already} already there` : '')
  + (files.missing.length ? `; ${files.missing.length} not found there (${files.missing.slice(0, 5).join(', ')}${files.missing.length > 5 ? ', …' : ''}): those downloads will answer "not found"` : '')
  + '.';

if (args['files-only']) {
  if (args['dry-run']) fail('--files-only copies files and has no dry run.', 2);
  console.log(filesLine(await copyFiles()));
  process.exit(0);
}

let report: MoveReport;
try {
  report = await copyIntoPostgres({ from, to, dryRun: args['dry-run'] });
} catch (error) {
  if (error instanceof MoveError) fail(error.message, 1);
  // Anything else is a bug: still one line, with what it said, but a URL in it cut to its host.
  fail(`unexpected failure: ${String((error as Error)?.message ?? error).replace(/\s+/g, ' ').replace(/\/\/[^@/\s]*@/g, '//…@')}. Nothing was written.`, 1);
}

const width = Math.max(...report.tables.map((t) => t.table.length), 'events'.length);
const line = (name: string, a: number | string, b: number | string, note = '') =>
  `  ${name.padEnd(width)}  ${String(a).padStart(8)}  ${String(b).padStart(10)}${note ? `  ${note}` : ''}`;
console.log([
  `${report.dryRun ? 'Dry run. ' : ''}From ${report.source} (SQLite) to ${report.target}`,
  ...(report.sharedSource ? ['  (another process has the SQLite file open, most likely a running server: read as one snapshot; stop it before the real move)'] : []),
  '',
  line('table', 'SQLite', 'PostgreSQL'),
  ...report.tables.map((t) => line(t.table, t.sqlite, t.postgres)),
  line('events', report.events, 0, 'not moved: the log starts afresh'),
  '',
  `Counts match. The event log has a new epoch, ${report.epoch} (was ${report.previousHead}): clients resuming from an old cursor get a reset and refetch.`,
  report.dryRun
    ? 'Dry run: rolled back, nothing was written. Stop every Parley process, then run this again without --dry-run.'
    : `Moved in ${(report.ms / 1000).toFixed(1)} s. Start Parley with DATABASE_URL set to the --to URL. The SQLite file is unchanged: keep it to go back.`,
].join('\n'));
// The attachments' bytes follow the rows, so a cluster on the moved database serves every file.
if (!report.dryRun) console.log(filesLine(await copyFiles()));
