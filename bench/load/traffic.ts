/**
 * Open-loop message traffic and its bookkeeping. Messages are sent on a fixed schedule (not when
 * the previous one returned, which would hide queueing), alternating visitor→agent and
 * agent→visitor over the active conversations; every delivery is matched by client id at the
 * receiver it was meant for, so lost and doubled messages are counted exactly.
 */
import { AGENT, type LoadTarget } from './target.ts';

interface Sent {
  receiver: number;
  direction: 'v2a' | 'a2v';
  t0: number;
  acked: boolean;
  deliveries: number;
  firstDelivery: number | null;
  /** Whether this message's latency counts (the storm excludes nothing; warm-up is excluded). */
  measured: boolean;
}

export interface TrafficReport {
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  /** Skipped because too many were already in flight: the system under test fell behind. */
  backlogged: number;
  lost: number;
  doubled: number;
  v2a: number[];
  a2v: number[];
  ack: number[];
}

export interface TrafficOptions {
  rate: number;
  durationMs: number;
  active: number;
  /** 'both' alternates directions; 'v2a' sends only visitor messages (durable ingest). */
  mix: 'both' | 'v2a';
  maxInFlight: number;
  /** Messages sent in the first warmupMs are delivered and checked but not timed. */
  warmupMs?: number;
}

export class Traffic {
  /** Sends still unanswered across every Traffic of this process (a step may end before its sends do). */
  static inFlightAll = 0;
  private readonly sent = new Map<string, Sent>();
  private readonly target: LoadTarget;
  private readonly label: string;
  private errors = 0;
  private firstError: string | null = null;
  private backlogged = 0;
  private inFlight = 0;
  private seq = 0;
  readonly ack: number[] = [];
  lastAckAt: number | null = null;

  constructor(target: LoadTarget, label: string) {
    this.target = target;
    this.label = label;
    target.onDelivery = (receiver, clientId) => {
      const entry = this.sent.get(clientId);
      if (!entry || entry.receiver !== receiver) return;
      entry.deliveries++;
      if (entry.firstDelivery === null) entry.firstDelivery = performance.now();
    };
  }

  /** Sends at options.rate for options.durationMs; resolves when the schedule is done (not the acks). */
  async run(options: TrafficOptions, shouldStop: () => boolean = () => false): Promise<void> {
    const start = performance.now();
    let issued = 0;
    while (!shouldStop()) {
      const elapsed = performance.now() - start;
      if (elapsed >= options.durationMs) break;
      const due = Math.floor((elapsed / 1000) * options.rate);
      for (; issued < due; issued++) {
        if (this.inFlight >= options.maxInFlight) { this.backlogged++; continue; }
        this.sendOne(options, elapsed < (options.warmupMs ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  private sendOne(options: TrafficOptions, warmup: boolean): void {
    const k = this.seq++;
    const visitor = k % options.active;
    const direction = options.mix === 'v2a' || k % 2 === 0 ? 'v2a' : 'a2v';
    const clientId = `${this.label}-${k}`;
    const entry: Sent = { receiver: direction === 'v2a' ? AGENT : visitor, direction, t0: performance.now(), acked: false, deliveries: 0, firstDelivery: null, measured: !warmup };
    this.sent.set(clientId, entry);
    this.inFlight++;
    Traffic.inFlightAll++;
    const send = direction === 'v2a' ? this.target.sendFromVisitor(visitor, clientId) : this.target.sendFromAgent(visitor, clientId);
    send.then(() => {
      entry.acked = true;
      this.lastAckAt = performance.now();
      if (entry.measured) this.ack.push(performance.now() - entry.t0);
    }, (error: Error) => {
      this.errors++;
      this.firstError ??= error.message;
    }).finally(() => { this.inFlight--; Traffic.inFlightAll--; });
  }

  /** Waits (bounded) for acks and deliveries to settle, then tallies. */
  async finish(graceMs: number): Promise<TrafficReport> {
    const deadline = Date.now() + graceMs;
    const pending = () => this.inFlight > 0 || [...this.sent.values()].some((e) => e.acked && e.deliveries === 0);
    while (Date.now() < deadline && pending()) await new Promise((resolve) => setTimeout(resolve, 50));
    // A little longer, so late duplicates have a chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report: TrafficReport = {
      sent: this.sent.size, acked: 0, errors: this.errors, firstError: this.firstError, backlogged: this.backlogged,
      lost: 0, doubled: 0, v2a: [], a2v: [], ack: this.ack,
    };
    for (const entry of this.sent.values()) {
      if (entry.acked) report.acked++;
      if (entry.acked && entry.deliveries === 0) report.lost++;
      if (entry.deliveries > 1) report.doubled++;
      if (entry.measured && entry.firstDelivery !== null) (entry.direction === 'v2a' ? report.v2a : report.a2v).push(entry.firstDelivery - entry.t0);
    }
    return report;
  }
}
