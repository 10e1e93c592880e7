/**
 * The part of @preact/signals-core that the widget and client/ use — signal (with subscribe),
 * computed, effect, batch — for the widget's build only: widget/vite.config.ts resolves
 * '@preact/signals-core' here, so the panel chunk carries ~0.4 KB gzip of reactivity instead of
 * ~1.7 KB (measured: panel 14476 → 13220 B gzip), which paid for issue 14's fixes (docs/widget.md
 * "Sizes"). The dashboard, and every test of client/, keep the library; widget/signals.test.ts
 * holds this to the library's behaviour that our code relies on, and test/client-on-widget-signals
 * runs client/'s own tests on it.
 *
 * Semantics, as the library's: reading `.value` inside an effect or computed subscribes it (the
 * dependencies are those of its last run); writing a different value re-runs dependent effects
 * synchronously, once each, after the outermost batch, never inside another effect's run (they
 * queue); computeds are lazy and cached until a dependency changes. Left out, as nothing of ours
 * uses them: peek, untracked (but inside subscribe), effect cleanups, cycle detection (an effect that keeps changing what
 * it reads would loop; signals-core throws after 100 rounds).
 */

/** An effect or a computed: what it depends on, and how a change reaches it. */
interface Node {
  deps: Set<Set<Node>>;
  /** A dependency changed: an effect queues itself, a computed turns stale and tells its own subscribers. */
  mark(): void;
  run(): void;
}

let active: Node | null = null;
/** Batches and effect runs in progress: effects run when it drops to 0. */
let depth = 0;
const queue = new Set<Node>();

function track(subs: Set<Node>): void {
  if (active) subs.add(active), active.deps.add(subs);
}

function notify(subs: Set<Node>): void {
  depth++;
  for (const node of [...subs]) node.mark();
  end();
}

/**
 * Leaves a batch; the outermost runs the queued effects (a Set: one run each, and those queued
 * meanwhile after). One that throws does not keep the others from running; the first error is
 * thrown to the writer afterwards.
 */
function end(): void {
  if (--depth) return;
  let failed: unknown[] | undefined;
  for (const node of queue) {
    queue.delete(node);
    depth++;
    try { node.run(); } catch (error) { failed ??= [error]; }
    depth--;
  }
  if (failed) throw failed[0];
}

/** Runs `fn` as `node`, subscribing it to exactly what `fn` reads this time. */
function exec(node: Node, fn: () => void): void {
  for (const subs of node.deps) subs.delete(node);
  node.deps.clear();
  const previous = active;
  active = node;
  try { fn(); } finally { active = previous; }
}

export function signal<T>(value: T) {
  const subs = new Set<Node>();
  return {
    get value(): T {
      track(subs);
      return value;
    },
    set value(next: T) {
      if (next !== value) {
        value = next;
        notify(subs);
      }
    },
    /**
     * Calls `fn` with the value now and after every change, until the returned function is called.
     * Only the value is tracked, not what `fn` reads (as in the library: session.ts writes and reads
     * its own status in there).
     */
    subscribe(fn: (value: T) => void): () => void {
      return effect(() => {
        const next = this.value;
        const previous = active;
        active = null;
        try { fn(next); } finally { active = previous; }
      });
    },
  };
}

export function computed<T>(fn: () => T): { readonly value: T } {
  const subs = new Set<Node>();
  let value: T;
  let stale = true;
  const node: Node = {
    deps: new Set(),
    mark() {
      if (!stale) stale = true, notify(subs);
    },
    run() {},
  };
  return {
    get value(): T {
      if (stale) exec(node, () => void (value = fn())), stale = false;
      track(subs);
      return value;
    },
  };
}

/** Runs `fn` now and again whenever what it read changes, until the returned function is called. */
export function effect(fn: () => void): () => void {
  const node: Node = {
    deps: new Set(),
    mark: () => void queue.add(node),
    run: () => exec(node, fn),
  };
  node.run();
  return () => {
    exec(node, () => {});
    node.mark = node.run = () => {};
  };
}

export function batch<T>(fn: () => T): T {
  depth++;
  try { return fn(); } finally { end(); }
}
