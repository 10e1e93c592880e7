/**
 * What a system under test looks like to the load generator. Each system (Parley, the socket.io
 * relay, nchan) implements this with its own real clients; the scenarios only speak this
 * interface, so every system gets exactly the same traffic and the same measurements.
 */
export type SystemKind = 'parley' | 'socketio' | 'nchan';

/** Everything a load process needs to reach one system; sent over IPC, so plain data. */
export interface TargetInfo {
  kind: SystemKind;
  port: number;
  /** Parley cluster: every node's port; requests and streams go to them round-robin, as through a load balancer without sticky sessions. */
  ports?: number[];
  /** Parley only. */
  siteId?: string;
  email?: string;
  password?: string;
  /** socket.io only: where bench/.peers is, and the relay's token secret. */
  peersDir?: string;
  secret?: string;
  /** Distinguishes identities created by different load processes. */
  prefix: string;
}

/** AGENT is the receiver index of the agent's stream; visitors are 0, 1, 2… in this process. */
export const AGENT = -1;

export type DeliveryHandler = (receiver: number, clientId: string) => void;

export interface OpenResult {
  opened: number;
  failed: number;
  firstError: string | null;
}

export interface LoadTarget {
  /** Creates `count` visitor identities; the first `active` get a conversation to talk in. */
  prepare(count: number, active: number): Promise<OpenResult>;
  /** Logs in (where there is a login) and opens the agent's stream. */
  openAgent(): Promise<void>;
  /** Opens visitor streams until `upTo` are open in this process. */
  openVisitors(upTo: number): Promise<OpenResult>;
  /** Closes visitor streams beyond the first `upTo` (latency at a smaller count after a larger one). */
  closeVisitors(upTo: number): Promise<void>;
  /** Resolves once the system acknowledged the message (for Parley and the relay: stored). */
  sendFromVisitor(visitor: number, clientId: string): Promise<void>;
  sendFromAgent(visitor: number, clientId: string): Promise<void>;
  /** Drops every open stream at once (sockets destroyed, as when a network flaps). */
  dropAll(): void;
  /**
   * Reconnects every dropped stream, each after a random delay in [0, jitterMs), resuming from
   * the last event it saw. Resolves when all are back or deadlineMs has passed.
   */
  reconnectAll(jitterMs: number, deadlineMs: number): Promise<OpenResult>;
  openStreams(): number;
  close(): Promise<void>;
  onDelivery: DeliveryHandler;
}

export const CLIENT_ID = /"clientId":"([^"]+)"/;

export const messageBody = (clientId: string) => `bench message ${clientId}: the quick brown fox jumps over the lazy dog`;
