/**
 * The coalescing round loop the background workers share (the email outbox's and the webhooks'):
 * a round runs its named steps one after another; a tick while a round runs asks for exactly one
 * more round after it, however many ticks came (they all wait for that one), so a burst of wake-ups
 * costs one extra round, not one each; a step's failure goes to `onTrouble` and the next steps
 * still run (each step is its own chance for the store to be back). It owns no timer: the worker
 * calls tick() from its own clock, its bus, and its tests.
 *
 * It must not run two rounds at once: the steps rely on that (a worker's in-memory state).
 */

export interface RoundStep {
  /** For the log: "<worker>: <what> failed". */
  what: string;
  /** 'stop': nothing more to do in this round (the later steps are skipped). */
  run: () => Promise<void | 'stop'>;
  /** The later steps need what it did: its failure ends the round instead of going on. */
  essential?: boolean;
}

export interface Rounds {
  /** Runs a round now, or asks the running one for one more; settles when no round is left to run. */
  tick(): Promise<void>;
  /** One more round after this one (a step that left work for the next). */
  again(): void;
  /** The round (with what it was asked for) in progress, or null. */
  readonly running: Promise<void> | null;
  readonly closed: boolean;
  /** No round starts after this, nor a step in the one running; waits for the step on its way. */
  close(): Promise<void>;
}

export function createRounds(steps: readonly RoundStep[], onTrouble: (error: unknown, what: string) => void): Rounds {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  async function round(): Promise<void> {
    do {
      again = false;
      for (const step of steps) {
        if (closed) return;
        try {
          if ((await step.run()) === 'stop') break;
        } catch (error) {
          onTrouble(error, step.what);
          if (step.essential) break;
        }
      }
    } while (again && !closed);
  }

  return {
    tick() {
      if (closed) return Promise.resolve();
      if (running) {
        again = true;
        return running;
      }
      running = round().finally(() => { running = null; });
      return running;
    },
    again() {
      again = true;
    },
    get running() {
      return running;
    },
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      await running;
    },
  };
}
