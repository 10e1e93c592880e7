/**
 * The sending half of the headless client: an outbox in IndexedDB (idb-keyval) so that what a
 * person sends is saved before any network attempt, survives reloads and closed tabs, and is
 * delivered in order, one item at a time, retried until the server answers. Exactly-once rests
 * on the server storing nothing new for a clientId it has seen (protocol.ts, SendMessageRequest).
 *
 * It must not import Preact or know what an item means: the owner's `send` does the request.
 * Without IndexedDB (private modes, blocked storage, quota) it keeps items in memory, silently.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { backoff } from './backoff.ts';
import { browserDeps, type ClientDeps } from './browser-deps.ts';

export type OutboxState = 'pending' | 'failed';

export interface OutboxItem<P = unknown> {
  /** Client-generated (nanoid); also the clientId the server deduplicates on. */
  id: string;
  payload: P;
  state: OutboxState;
  /** Order of creation across reloads. */
  order: number;
  createdAt: number;
}

/** The server's answer, or a thrown error for no answer (network down, timeout). */
export interface SendResult {
  status: number;
  body?: unknown;
}

/** Where items are kept; idb-keyval in browsers, a Map otherwise. */
export interface OutboxStorage<P> {
  load(): Promise<Array<OutboxItem<P>>>;
  put(item: OutboxItem<P>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface OutboxOptions<P> {
  /** IndexedDB database name: one per site (widget) or user (dashboard). */
  name: string;
  send: (item: OutboxItem<P>) => Promise<SendResult>;
  /** Called once per item the server accepted, with its answer. */
  onDelivered?: (item: OutboxItem<P>, result: SendResult) => void;
  /** Only one tab flushes (the leader); others just add and watch. Defaults to always. */
  canFlush?: () => boolean;
  storage?: OutboxStorage<P>;
  /** Timers for the backoff, randomness for its jitter, the clock for the order of items. */
  deps?: Partial<ClientDeps>;
}

export interface Outbox<P> {
  /** Pending and failed items, oldest first. */
  items: ReadonlySignal<Array<OutboxItem<P>>>;
  /** Resolves when saved items have been loaded. */
  ready: Promise<void>;
  /** Saves first, then tries to send. */
  add(payload: P, id: string): Promise<OutboxItem<P>>;
  flush(): Promise<void>;
  /** Puts a failed item back in line; answers it (undefined when there is none of that id). */
  retry(id: string): Promise<OutboxItem<P> | undefined>;
  remove(id: string): Promise<void>;
  /** Re-reads storage (another tab changed it). */
  reload(): Promise<void>;
  /** Ends the current backoff wait now (the network is back). */
  wake(): void;
  /** Sends nothing more, for good (logout): items stay saved for the next instance. */
  stop(): void;
}

export function memoryStorage<P>(): OutboxStorage<P> {
  const map = new Map<string, OutboxItem<P>>();
  return {
    load: async () => [...map.values()],
    put: async (item) => void map.set(item.id, item),
    remove: async (id) => void map.delete(id),
  };
}

/**
 * idb-keyval storage that falls back to memory for good at its first failure. idb-keyval's
 * set/del/values are not used, only its store on our database: they default to a store of their
 * own ('keyval-store'), and values() carries a cursor fallback for browsers older than our es2020
 * target (getAll is IndexedDB 2.0), code the panel chunk would otherwise ship for nothing.
 */
export function idbStorage<P>(name: string): OutboxStorage<P> {
  const memory = new Map<string, OutboxItem<P>>();
  // Opens nothing yet: where IndexedDB is missing or blocked, the first request throws, and that
  // is when the memory takes over.
  let store: UseStore | null = createStore(name, 'outbox');
  /** A read's request, or a write's transaction, as a promise; else what the memory answers. */
  const run = async <T>(mode: IDBTransactionMode, request: (store: IDBObjectStore) => IDBRequest | IDBTransaction, fallback: () => T): Promise<T> => {
    if (store) {
      try { return await store(mode, (s) => promisifyRequest(request(s) as IDBRequest<T>)); } catch { store = null; }
    }
    return fallback();
  };
  return {
    load: () => run('readonly', (s) => s.getAll(), () => [...memory.values()]),
    put: (item) => run('readwrite', (s) => (s.put(item, item.id), s.transaction), () => void memory.set(item.id, item)),
    remove: (id) => run('readwrite', (s) => (s.delete(id), s.transaction), () => void memory.delete(id)),
  };
}

const permanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

export function createOutbox<P>(options: OutboxOptions<P>): Outbox<P> {
  const storage = options.storage ?? idbStorage<P>(options.name);
  const { random, now, setTimeout } = { ...browserDeps(), ...options.deps };
  const items = signal<Array<OutboxItem<P>>>([]);
  let flushing: Promise<void> | null = null;
  let wakeUp = () => {};
  let stopped = false;
  /** A backoff wait that wake() ends early. */
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    wakeUp = resolve;
    setTimeout(resolve, ms);
  });
  const sorted = (list: Array<OutboxItem<P>>) => [...list].sort((a, b) => a.order - b.order);
  const without = (id: string) => items.value.filter((i) => i.id !== id);
  /** Saved first, then shown (in place of its previous state). */
  const save = async (item: OutboxItem<P>) => {
    await storage.put(item).catch(() => {});
    items.value = sorted([...without(item.id), item]);
  };
  async function remove(id: string): Promise<void> {
    await storage.remove(id).catch(() => {});
    items.value = without(id);
  }

  async function reload(): Promise<void> {
    items.value = sorted(await storage.load().catch(() => []));
  }
  const ready = reload();

  async function run(): Promise<void> {
    let failures = 0;
    for (;;) {
      if (stopped || (options.canFlush && !options.canFlush())) return;
      const item = items.value.find((i) => i.state === 'pending');
      if (!item) return;
      let result: SendResult | null = null;
      try {
        result = await options.send(item);
      } catch { /* no answer: retry below */ }
      if (result && result.status >= 200 && result.status < 300) {
        failures = 0;
        await remove(item.id);
        options.onDelivered?.(item, result);
      } else if (result && permanent(result.status)) {
        failures = 0;
        await save({ ...item, state: 'failed' });
      } else {
        // No answer, a timeout, 429 or 5xx: the same item again, later, so order holds.
        await sleep(backoff(failures++, random, 1000, 30_000));
        await reload();
      }
    }
  }

  const outbox: Outbox<P> = {
    items,
    ready,
    async add(payload, id) {
      await ready;
      const order = Math.max(now(), ...items.value.map((i) => i.order + 1));
      const item: OutboxItem<P> = { id, payload, state: 'pending', order, createdAt: now() };
      await save(item);
      void outbox.flush();
      return item;
    },
    flush() {
      // An item added just as a running flush found nothing left would wait for the next flush; go again.
      if (flushing) return flushing.then(() => (items.value.some((i) => i.state === 'pending') ? outbox.flush() : undefined));
      flushing = ready.then(run).finally(() => (flushing = null));
      return flushing;
    },
    async retry(id) {
      const item = items.value.find((i) => i.id === id);
      if (!item) return;
      const again = { ...item, state: 'pending' as const };
      await save(again);
      void outbox.flush();
      return again;
    },
    remove,
    reload,
    wake: () => wakeUp(),
    stop() {
      stopped = true;
      wakeUp();
    },
  };
  return outbox;
}
