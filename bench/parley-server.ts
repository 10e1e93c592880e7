/**
 * Starts the real Parley server (server/main.ts) in its own process with a fresh data directory,
 * production settings and rate limits raised for load, and finds the demo site and the owner's
 * first-run password. The server code is used as is; nothing here changes its behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HEAP_PROBE_ARGS, liveHeap } from './live-heap.ts';
import { captureOutput, freePort, startProcess, stopProcess, waitForHttp } from './processes.ts';
import type { Started } from './system.ts';

export async function startParley(root: string, maxStreams: number): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const child = startProcess(process.execPath, [...HEAP_PROBE_ARGS, resolve(root, 'server/main.ts')], {
    cwd: root,
    env: {
      ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn',
      MAX_STREAMS: String(maxStreams), MAX_STREAMS_PER_VISITOR: '8',
      VISITOR_RATE_LIMIT: '100000000', IP_RATE_LIMIT: '100000000',
    },
  });
  const output = captureOutput(child);
  const cleanup = async () => {
    await stopProcess(child);
    // Streams the server cut for not reading are a finding, not noise: say how many.
    const cut = output().match(/stream cut: the client stopped reading/g)?.length ?? 0;
    if (cut > 0) console.log(`  Parley cut ${cut} stream(s) whose client stopped reading (the bench's SSE clients do not resume on their own)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(port, '/v1/agent/me', 30_000, child);
  } catch (error) {
    await cleanup();
    return { ok: false, reason: `Parley did not start: ${(error as Error).message}\n${output().slice(-2000)}` };
  }
  // The credentials are printed just after listen(); give stdout a moment.
  for (let i = 0; i < 50 && !/password:\s+\S+/.test(output()); i++) await new Promise((r) => setTimeout(r, 100));
  const password = /password:\s+(\S+)/.exec(output())?.[1];
  const email = /email:\s+(\S+)/.exec(output())?.[1];
  const db = new DatabaseSync(join(dataDir, 'parley.db'), { readOnly: true });
  const siteId = (db.prepare("SELECT value FROM meta WHERE key = 'demo_site_id'").get() as { value: string } | undefined)?.value;
  db.close();
  if (!password || !email || !siteId) {
    await cleanup();
    return { ok: false, reason: `Parley started but printed no first-run credentials or demo site:\n${output().slice(-2000)}` };
  }
  return {
    ok: true,
    system: {
      kind: 'parley', label: 'Parley', port,
      pids: () => [child.pid!],
      liveHeap: () => liveHeap(child, output),
      targetInfo: (prefix) => ({ kind: 'parley', port, siteId, email, password, prefix }),
      stop: cleanup,
    },
  };
}
