/**
 * Child processes of a bench run: every one is registered here when it starts and killed by
 * killAll() — on success, on failure and on Ctrl-C — so a run never leaves a server or a load
 * generator behind. Only processes this run started are ever signalled, by their own pid.
 * Other things a run makes outside its processes (the cluster's PostgreSQL database) register a
 * cleanup, run by killAll() after the processes are gone, and on Ctrl-C.
 */
import { spawn, fork, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer, request } from 'node:http';

const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();

/** Registers work for killAll() (dropping a database); the returned function runs it now, once. */
export function onCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  const once = () => {
    cleanups.delete(once);
    done ??= cleanup().catch((error: Error) => console.error(`cleanup failed: ${error.message}`));
    return done;
  };
  cleanups.add(once);
  return once;
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function startProcess(command: string, args: string[], options: SpawnOptions): ChildProcess {
  return track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
}

export function forkModule(modulePath: string, args: string[] = []): ChildProcess {
  return track(fork(modulePath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execPath: process.execPath }));
}

/** SIGTERM, then SIGKILL after graceMs for whoever is still there. */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function killAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopProcess(child, 2000)));
  await Promise.all([...cleanups].map((cleanup) => cleanup()));
}

let installed = false;
/** Kills every child when this process ends, however it ends. */
export function killChildrenOnExit(): void {
  if (installed) return;
  installed = true;
  const hard = () => { for (const child of children) child.kill('SIGKILL'); };
  process.on('exit', hard);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => { void killAll().finally(() => process.exit(130)); });
  }
}

/** A port the kernel says is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls until GET path answers (any status), at most timeoutMs. */
export async function waitForHttp(port: number, path: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`process exited with ${child.exitCode ?? child.signalCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (res) => { res.resume(); resolve(true); });
      req.on('error', () => resolve(false));
      req.on('timeout', () => { req.destroy(); resolve(false); });
      req.end();
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing answered on 127.0.0.1:${port}${path} within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Collects a child's output (bounded) for error messages and start-up parsing. */
export function captureOutput(child: ChildProcess, maxChars = 64_000): () => string {
  let text = '';
  const add = (chunk: Buffer) => { if (text.length < maxChars) text += chunk.toString('utf8'); };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}
