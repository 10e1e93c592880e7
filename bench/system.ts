/** A system under test as the bench's parent process sees it: started, measured via /proc, stopped. */
import type { SystemKind, TargetInfo } from './load/target.ts';
import type { DbWatch } from './usage-watch.ts';

export interface SystemUnderTest {
  kind: SystemKind;
  /** What the table calls it. */
  label: string;
  port: number;
  /** The processes whose memory and CPU count (nginx: master and worker; the cluster: every node), summed. */
  pids(): number[];
  /** The server processes whose CPU is reported one by one (the cluster's nodes); default pids(). */
  nodePids?(): number[];
  /** Watches the system's database backends during a step (parley-cluster). */
  watchDb?: DbWatch;
  /** Live JS heap after a full GC (Node systems only; see heap-probe.js), summed over the processes. */
  liveHeap?(): Promise<number | null>;
  /** Connection details for a load process; `prefix` keeps identities of load processes apart. */
  targetInfo(prefix: string): TargetInfo;
  stop(): Promise<void>;
}

/** Either a running system, or why it could not be run (reported as a "skipped" line). */
export type Started = { ok: true; system: SystemUnderTest } | { ok: false; reason: string };
