/**
 * What an operator sees when Parley cannot start: one line saying what is wrong, where, and what
 * to do — never a stack trace, and never a server that runs on a damaged database (issue 9,
 * findings 7 and 12). Each case runs the real `server/main.ts` as `npm start` does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { freePort } from './harness.ts';

/** Runs the server until it exits (or 20 s pass, which fails the test) and returns what it printed. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['server/main.ts'], { env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT: port, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** One line, naming what it should, and no stack frames. */
function assertOneLine(stderr: string, ...mentions: RegExp[]) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, /^Parley cannot start: /);
  for (const mention of mentions) assert.match(lines[0]!, mention);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('refusing to start', () => {
  it('refuses a damaged database file with one line naming it and how to recover, and leaves the file as it was', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-corrupt-'));
    try {
      const path = join(dataDir, 'parley.db');
      const store = createSqliteStore({ path });
      await store.migrate();
      await store.close();
      // Enough rows for many pages, then garbage over the middle of the file (not the header).
      const db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = DELETE');
      const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.exec('BEGIN');
      for (let i = 0; i < 2000; i++) insert.run(`filler-${i}`, 'x'.repeat(200));
      db.exec('COMMIT');
      db.close();
      const size = statSync(path).size;
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.alloc(size / 2, 0xa5), 0, size / 2, Math.floor(size / 4 / 4096) * 4096);
      closeSync(fd);
      const damaged = readFileSync(path);

      const { code, stdout, stderr } = await start({ DATA_DIR: dataDir });
      assert.equal(code, 1);
      assertOneLine(stderr, /damaged/, new RegExp(path.replace(/[.]/g, '\\.')), /backup/);
      assert.doesNotMatch(stdout, /Parley is running/);
      assert.deepEqual(readFileSync(path), damaged, 'nothing was written into the damaged file');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a database at all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-notdb-'));
    try {
      writeFileSync(join(dataDir, 'parley.db'), 'these are my notes, not a database\n'.repeat(200));
      const { code, stderr } = await start({ DATA_DIR: dataDir });
      assert.equal(code, 1);
      assertOneLine(stderr, /damaged/, /parley\.db/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names the data directory it cannot write, and why, in one line', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'parley-unwritable-'));
    try {
      // A path through a regular file cannot be created, even by root (for whom permissions would not bite).
      writeFileSync(join(parent, 'a-file'), '');
      const dataDir = join(parent, 'a-file', 'data');
      const { code, stderr } = await start({ DATA_DIR: dataDir });
      assert.equal(code, 1);
      assertOneLine(stderr, /data directory/, new RegExp(join(parent, 'a-file')), /a part of the path is a file/, /DATA_DIR/);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('says which port is taken, in one line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-port-'));
    const squatter = createServer();
    try {
      const port = await freePort();
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      const { code, stderr } = await start({ DATA_DIR: dataDir, PORT: String(port) });
      assert.equal(code, 1);
      assertOneLine(stderr, new RegExp(`port ${port}`), /PORT/);
    } finally {
      squatter.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
