/**
 * Start-up's garbage, handed back once the server is ready (issue 16: RSS at rest). Loading the
 * modules, migrating and the first run leave V8's young generation grown to its largest (two
 * 16-MiB semi-spaces, a few MiB of them in use) and the old generation holding what start-up made
 * and dropped: ~30 MiB of RSS. V8's memory reducer hands it back by itself, but only once the
 * allocation samples it took during start-up have aged out of its window, ~100 s after start; so
 * this does at once what it would do then: one full collection that reduces memory (the kind V8
 * runs under memory pressure), ~50 ms before the first request. Under load the young generation
 * grows again as it did at start.
 *
 * Node offers that collection only through `gc` with `--expose-gc`. The flag is set for as long
 * as it takes to take the function from a fresh context, so code of this thread never sees a
 * global `gc`. The flag is the process's, not the thread's: another thread doing the same at the
 * same moment may turn it off before the context is made, and then this one goes without
 * (best effort: memory, never a failure).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

type Gc = (options: { type: 'major'; flavor: 'last-resort' }) => void;

export function releaseStartupMemory(): void {
  const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as Gc | undefined;
    // A process started with --expose-gc (the bench's heap probe) keeps it.
    if (!exposed) setFlagsFromString('--no-expose-gc');
    gc?.({ type: 'major', flavor: 'last-resort' });
  } catch {
    // Memory handed back later by V8 itself, as before.
  }
}
