/** Starts bench/peers/socketio-relay.ts in its own process with a fresh data directory. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEAP_PROBE_ARGS, liveHeap } from '../live-heap.ts';
import { captureOutput, freePort, startProcess, stopProcess, waitForHttp } from '../processes.ts';
import type { Started } from '../system.ts';
import { PEERS_DIR } from './peer-modules.ts';

export async function startSocketioRelay(): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const relay = join(dirname(fileURLToPath(import.meta.url)), 'socketio-relay.ts');
  const child = startProcess(process.execPath, [...HEAP_PROBE_ARGS, relay], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATA_DIR: dataDir, PEERS_DIR, RELAY_SECRET: secret },
  });
  const output = captureOutput(child);
  const cleanup = async () => { await stopProcess(child); rmSync(dataDir, { recursive: true, force: true }); };
  try {
    await waitForHttp(port, '/', 30_000, child);
  } catch (error) {
    await cleanup();
    return { ok: false, reason: `the socket.io relay did not start: ${(error as Error).message}\n${output().slice(-2000)}` };
  }
  return {
    ok: true,
    system: {
      kind: 'socketio', label: 'socket.io', port,
      pids: () => [child.pid!],
      liveHeap: () => liveHeap(child, output),
      targetInfo: (prefix) => ({ kind: 'socketio', port, peersDir: PEERS_DIR, secret, prefix }),
      stop: cleanup,
    },
  };
}
