/**
 * The parent's side of the load processes: forks them, sends commands over IPC and waits for the
 * answers with a time limit. Streams are split so no load process holds more than
 * STREAMS_PER_PROCESS sockets, well under the 20,000 open files a process may have here.
 */
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './load/worker.ts';
import { forkModule, stopProcess } from './processes.ts';
import type { SystemUnderTest } from './system.ts';

export const STREAMS_PER_PROCESS = 9000;
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'load', 'worker.ts');

interface Worker {
  child: ChildProcess;
  waiting: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
  /** Visitor identities this process holds. */
  visitors: number;
}

let nextId = 1;

function call<T>(worker: Worker, command: Command, timeoutMs: number): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.waiting.delete(id);
      reject(new Error(`load process: ${command.cmd} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    worker.waiting.set(id, {
      resolve: (value) => { clearTimeout(timer); resolve(value as T); },
      reject: (error) => { clearTimeout(timer); reject(error); },
    });
    worker.child.send({ id, command });
  });
}

export class LoadPool {
  private readonly workers: Worker[];

  private constructor(workers: Worker[]) {
    this.workers = workers;
  }

  /** One process per STREAMS_PER_PROCESS visitors; process 0 also holds the agent and active conversations. */
  static async start(system: SystemUnderTest, visitors: number, active: number): Promise<{ pool: LoadPool; setupMs: number; failed: number; firstError: string | null }> {
    const count = Math.max(1, Math.ceil(visitors / STREAMS_PER_PROCESS));
    const workers: Worker[] = [];
    for (let k = 0; k < count; k++) {
      const child = forkModule(WORKER);
      const worker: Worker = { child, waiting: new Map(), visitors: Math.min(STREAMS_PER_PROCESS, visitors - k * STREAMS_PER_PROCESS) };
      child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
        const waiter = worker.waiting.get(message.id);
        worker.waiting.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.result);
      });
      child.on('exit', (code) => {
        for (const waiter of worker.waiting.values()) waiter.reject(new Error(`load process exited with ${code}`));
        worker.waiting.clear();
      });
      workers.push(worker);
    }
    const pool = new LoadPool(workers);
    const started = performance.now();
    const results = await Promise.all(workers.map((worker, k) => call<{ failed: number; firstError: string | null }>(worker, {
      cmd: 'init', target: system.targetInfo(`w${k}`), visitors: worker.visitors, active: k === 0 ? Math.min(active, worker.visitors) : 0, agent: k === 0,
    }, 600_000)));
    return {
      pool,
      setupMs: Math.round(performance.now() - started),
      failed: results.reduce((n, r) => n + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError ?? null,
    };
  }

  /** Opens streams until `total` are open across the processes (filling process 0 first). */
  async openStreams(total: number): Promise<{ open: number; failed: number; firstError: string | null; ms: number }> {
    const started = performance.now();
    const results = await Promise.all(this.workers.map((worker, k) => {
      const upTo = Math.max(0, Math.min(worker.visitors, total - k * STREAMS_PER_PROCESS));
      return call<{ open: number; failed: number; firstError: string | null }>(worker, { cmd: 'open', upTo }, 600_000);
    }));
    return {
      open: results.reduce((n, r) => n + r.open, 0) - 1, // minus the agent's stream
      failed: results.reduce((n, r) => n + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError ?? null,
      ms: Math.round(performance.now() - started),
    };
  }

  /** Closes streams until only `total` are open (process 0 keeps its active conversations' streams). */
  async trimStreams(total: number): Promise<number> {
    const results = await Promise.all(this.workers.map((worker, k) =>
      call<{ open: number }>(worker, { cmd: 'trim', upTo: Math.max(0, Math.min(worker.visitors, total - k * STREAMS_PER_PROCESS)) }, 60_000)));
    return results.reduce((n, r) => n + r.open, 0) - 1;
  }

  /** Waits (at most maxMs) until process 0 has no send unanswered; says how many still are. */
  async settle(maxMs: number): Promise<{ pending: number; ms: number }> {
    return call(this.workers[0]!, { cmd: 'settle', maxMs }, maxMs + 10_000);
  }

  /** The load processes' pids (their CPU is reported beside the server's). */
  pids(): number[] {
    return this.workers.map((worker) => worker.child.pid!).filter(Boolean);
  }

  /** Runs a command on process 0 (which holds the agent and the active conversations). */
  first<T>(command: Command, timeoutMs: number): Promise<T> {
    return call<T>(this.workers[0]!, command, timeoutMs);
  }

  /** The storm: process 0 runs traffic and drops its streams; the others drop theirs at the same moment. */
  async storm<T extends { resumed: { ms: number; failed: number; firstError: string | null } | null }>(command: Extract<Command, { cmd: 'storm' }>, timeoutMs: number): Promise<T> {
    const others = this.workers.slice(1).map(async (worker) => {
      await new Promise((resolve) => setTimeout(resolve, command.beforeMs));
      return call<{ resumed: { ms: number; failed: number; firstError: string | null } }>(worker, { cmd: 'stormReconnect', jitterMs: command.jitterMs, deadlineMs: command.deadlineMs }, timeoutMs);
    });
    const [main, ...rest] = await Promise.all([call<T>(this.workers[0]!, command, timeoutMs), ...others]);
    const resumed = [main!.resumed, ...rest.map((r) => r.resumed)];
    main!.resumed = {
      ms: Math.max(...resumed.map((r) => r?.ms ?? 0)),
      failed: resumed.reduce((n, r) => n + (r?.failed ?? 0), 0),
      firstError: resumed.find((r) => r?.firstError)?.firstError ?? null,
    };
    return main!;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(async (worker) => {
      try { await call(worker, { cmd: 'close' }, 10_000); } catch { /* killed below */ }
      await stopProcess(worker.child, 2000);
    }));
  }
}
