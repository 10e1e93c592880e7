/** The parent's half of bench/heap-probe.js: the start arguments, and asking a process for its live heap. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HEAP_PROBE_ARGS = ['--expose-gc', '--import', fileURLToPath(new URL('./heap-probe.js', import.meta.url))];

/** Bytes of live JS heap after a full GC, or null when the process does not answer within 5 s. */
export async function liveHeap(child: ChildProcess, output: () => string): Promise<number | null> {
  const seen = output().match(/BENCH_HEAP \d+/g)?.length ?? 0;
  child.kill('SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 50) {
    const answers = output().match(/BENCH_HEAP (\d+)/g) ?? [];
    if (answers.length > seen) return Number(answers.at(-1)!.split(' ')[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}
