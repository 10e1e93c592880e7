/**
 * Starts the real Parley server as `npm start` runs it (the production build, dist/server/main.js,
 * which the bench builds first unless --no-build) in its own process with a fresh data directory,
 * production settings and rate limits raised for load, and finds the owner's first-run password
 * (printed once) and the demo site (by logging in as that owner, through the public agent API:
 * the bench reads nothing of the server's storage). The server code is used as is; nothing here
 * changes its behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_PATHS, type MeResponse } from '../protocol/protocol.ts';
import { HEAP_PROBE_ARGS, liveHeap } from './live-heap.ts';
import { captureOutput, freePort, startProcess, stopProcess, waitForHttp } from './processes.ts';
import type { Started } from './system.ts';

export async function startParley(root: string, maxStreams: number): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const child = startProcess(process.execPath, [...HEAP_PROBE_ARGS, resolve(root, 'dist/server/main.js')], {
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
  const siteId = password && email ? await ownersSite(port, email, password) : null;
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

/**
 * The one site the first-run owner belongs to on a fresh server — the demo site — as the login
 * answer lists it (docs/protocol.md, "Agent API"). Null when the login fails or lists no single site.
 */
async function ownersSite(port: number, email: string, password: string): Promise<string | null> {
  const response = await fetch(`http://127.0.0.1:${port}${AGENT_PATHS.login}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  }).catch(() => null);
  if (!response?.ok) return null;
  const { sites } = await response.json() as MeResponse;
  return sites.length === 1 ? sites[0]!.id : null;
}
