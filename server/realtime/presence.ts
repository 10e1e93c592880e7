/**
 * Who is there: agents (connected dashboards × the status they chose) and visitors (an open widget
 * stream), across every server process. A disconnect counts only after a grace period, so a page
 * navigation or a reconnect does not flash "offline" at the other side. The widget's "online"
 * state is "some agent of this site is online and connected" — on any process.
 *
 * Two layers. This process tracks its own connections (counts, grace timers) and turns them into
 * facts ("agent u1 is here, online, for sites s1 and s2"). Facts go to the other processes on the
 * bus — at once when they change and again every quarter of the grace period — and each process
 * keeps everybody's facts, dropping those not refreshed for half the grace period (a process that
 * died: its agents are offline everywhere within the grace period). From the merged facts each process derives the events for its own subscribers
 * (`presence`, `availability`, `visitor.presence`), so each client gets each change once.
 */
import type { AgentStatus, User } from '../../protocol/protocol.ts';
import { topics, type Bus, type ControlMessage } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';

type PresenceMessage = Extract<ControlMessage, { kind: 'presence' }>;
interface AgentFact { siteIds: string[]; status: AgentStatus; at: number }
interface VisitorFact { siteId: string; at: number }
interface Facts { agents: Map<string, AgentFact>; visitors: Map<string, VisitorFact> }

/** A broadcast stays well under PostgreSQL's 8,000-byte NOTIFY payload. */
const MAX_MESSAGE_BYTES = 6000;

export function createPresence(bus: Bus, clock: Clock, graceMs: number, node = `n${Math.random().toString(36).slice(2, 10)}`) {
  // --- this process's connections ---------------------------------------------------------
  const agents = new Map<string, { siteIds: string[]; status: AgentStatus; connections: number; graceTimer: unknown }>();
  const visitors = new Map<string, { siteId: string; connections: number; graceTimer: unknown }>();

  // --- everybody's facts, this process's included ---------------------------------------------
  const facts = new Map<string, Facts>();
  const factsOf = (name: string): Facts => {
    let found = facts.get(name);
    if (!found) facts.set(name, (found = { agents: new Map(), visitors: new Map() }));
    return found;
  };

  function agentView(agentId: string): { connected: boolean; status: AgentStatus; siteIds: string[] } {
    let connected = false;
    let online = false;
    const siteIds = new Set<string>();
    for (const { agents: known } of facts.values()) {
      const fact = known.get(agentId);
      if (!fact) continue;
      connected = true;
      online ||= fact.status === 'online';
      for (const siteId of fact.siteIds) siteIds.add(siteId);
    }
    return { connected, status: online ? 'online' : 'away', siteIds: [...siteIds] };
  }

  const siteOnline = (siteId: string): boolean => {
    for (const { agents: known } of facts.values()) {
      for (const fact of known.values()) if (fact.status === 'online' && fact.siteIds.includes(siteId)) return true;
    }
    return false;
  };
  /** The agents online for a site now, by the same rule as siteOnline: who auto-assignment may pick (issue 14). */
  const onlineAgents = (siteId: string): string[] => {
    const online = new Set<string>();
    for (const { agents: known } of facts.values()) {
      for (const [agentId, fact] of known) if (fact.status === 'online' && fact.siteIds.includes(siteId)) online.add(agentId);
    }
    return [...online];
  };
  /** Told the sites an agent has just come online for (issue 14: waiting conversations may go to them). */
  const arrivals = new Set<(siteIds: string[]) => void>();

  /** Every site some agent is online for, by the same rule as siteOnline. */
  const onlineSites = (): Set<string> => {
    const online = new Set<string>();
    for (const { agents: known } of facts.values()) {
      for (const fact of known.values()) if (fact.status === 'online') for (const siteId of fact.siteIds) online.add(siteId);
    }
    return online;
  };
  const visitorSite = (visitorId: string): string | null => {
    for (const { visitors: known } of facts.values()) {
      const fact = known.get(visitorId);
      if (fact) return fact.siteId;
    }
    return null;
  };

  /**
   * Applies a change to the facts and tells this process's subscribers what it changed, derived
   * from the merged view: an agent's state, a site's availability, a visitor's presence.
   */
  function change(agentIds: string[], visitorIds: string[], apply: () => void): void {
    const agentsBefore = new Map(agentIds.map((id) => [id, agentView(id)]));
    const visitorsBefore = new Map(visitorIds.map((id) => [id, visitorSite(id)]));
    const sites = new Set(agentIds.flatMap((id) => agentsBefore.get(id)!.siteIds));
    const onlineBefore = agentIds.length > 0 ? onlineSites() : null;
    apply();
    for (const id of agentIds) for (const siteId of agentView(id).siteIds) sites.add(siteId);
    const arrived = new Set<string>();
    for (const id of agentIds) {
      const before = agentsBefore.get(id)!;
      const after = agentView(id);
      if (after.status === 'online') {
        for (const siteId of after.siteIds) if (before.status !== 'online' || !before.siteIds.includes(siteId)) arrived.add(siteId);
      }
      if (before.connected === after.connected && before.status === after.status) continue;
      for (const siteId of new Set([...before.siteIds, ...after.siteIds])) {
        bus.publish(topics.site(siteId), { type: 'presence', data: { agentId: id, status: after.status, connected: after.connected } });
      }
    }
    for (const siteId of sites) {
      const online = siteOnline(siteId);
      if (onlineBefore!.has(siteId) !== online) bus.publish(topics.siteVisitors(siteId), { type: 'availability', data: { online } });
    }
    for (const id of visitorIds) {
      const before = visitorsBefore.get(id)!;
      const after = visitorSite(id);
      if ((before === null) === (after === null)) continue;
      bus.publish(topics.site((before ?? after)!), { type: 'visitor.presence', data: { visitorId: id, online: after !== null } });
    }
    if (arrived.size > 0) for (const listener of arrivals) listener([...arrived]);
  }


  // --- telling the other processes ---------------------------------------------------------
  function send(message: Omit<PresenceMessage, 'kind' | 'node'>): void {
    bus.broadcast({ kind: 'presence', node, ...message });
  }
  const mine = () => factsOf(node);

  /** Every fact of this process, in messages small enough for any bus. */
  function refresh(): void {
    let batch: Omit<PresenceMessage, 'kind' | 'node'> = { agents: [], visitors: [] };
    let bytes = 0;
    const flush = () => {
      if (batch.agents.length + batch.visitors.length > 0) send(batch);
      batch = { agents: [], visitors: [] };
      bytes = 0;
    };
    for (const [id, fact] of mine().agents) {
      const entry = { id, siteIds: fact.siteIds, status: fact.status };
      bytes += JSON.stringify(entry).length;
      batch.agents.push(entry);
      if (bytes > MAX_MESSAGE_BYTES) flush();
    }
    for (const [id, fact] of mine().visitors) {
      bytes += id.length + fact.siteId.length + 8;
      batch.visitors.push([id, fact.siteId]);
      if (bytes > MAX_MESSAGE_BYTES) flush();
    }
    flush();
  }

  /**
   * Drops the facts of other processes not refreshed for half the grace period (two refreshes
   * missed: the process is gone). Swept every eighth, so a dead process's agents are offline
   * everywhere within the grace period of its death.
   */
  function sweep(): void {
    const oldest = clock.now() - graceMs / 2;
    for (const [name, known] of facts) {
      if (name === node) continue;
      const staleAgents = [...known.agents].filter(([, fact]) => fact.at < oldest).map(([id]) => id);
      const staleVisitors = [...known.visitors].filter(([, fact]) => fact.at < oldest).map(([id]) => id);
      if (staleAgents.length + staleVisitors.length === 0) continue;
      change(staleAgents, staleVisitors, () => {
        for (const id of staleAgents) known.agents.delete(id);
        for (const id of staleVisitors) known.visitors.delete(id);
      });
    }
  }

  const refresher = clock.setInterval(refresh, graceMs / 4);
  const sweeper = clock.setInterval(sweep, graceMs / 8);

  const stopListening = bus.onBroadcast((message) => {
    if (message.kind !== 'presence' || message.node === node) return;
    const known = factsOf(message.node);
    const at = clock.now();
    for (const agentId of message.forgetAgents ?? []) forgetAgent(agentId);
    change([...message.agents.map((a) => a.id), ...(message.goneAgents ?? [])],
      [...message.visitors.map(([id]) => id), ...(message.goneVisitors ?? [])], () => {
        for (const { id, siteIds, status } of message.agents) known.agents.set(id, { siteIds, status, at });
        for (const [id, siteId] of message.visitors) known.visitors.set(id, { siteId, at });
        for (const id of message.goneAgents ?? []) known.agents.delete(id);
        for (const id of message.goneVisitors ?? []) known.visitors.delete(id);
      });
  });

  // --- this process's connections, as facts ------------------------------------------------
  function setAgentFact(agentId: string, fact: { siteIds: string[]; status: AgentStatus } | null): void {
    change([agentId], [], () => {
      if (fact) mine().agents.set(agentId, { ...fact, at: clock.now() });
      else mine().agents.delete(agentId);
    });
    send(fact ? { agents: [{ id: agentId, ...fact }], visitors: [] } : { agents: [], visitors: [], goneAgents: [agentId] });
  }

  function setVisitorFact(visitorId: string, siteId: string | null): void {
    change([], [visitorId], () => {
      if (siteId) mine().visitors.set(visitorId, { siteId, at: clock.now() });
      else mine().visitors.delete(visitorId);
    });
    send(siteId ? { agents: [], visitors: [[visitorId, siteId]] } : { agents: [], visitors: [], goneVisitors: [visitorId] });
  }

  /** Forgets an agent on this process at once, without telling the others. */
  function forgetAgent(agentId: string): void {
    const state = agents.get(agentId);
    if (state?.graceTimer) clock.clearTimeout(state.graceTimer);
    agents.delete(agentId);
    change([agentId], [], () => {
      for (const known of facts.values()) known.agents.delete(agentId);
    });
  }

  return {
    siteOnline,
    onlineAgents,
    /** The sites some agent is online for now, on any process (the assigner's periodic sweep). */
    onlineSites: (): string[] => [...onlineSites()],

    /** Calls `listener` with the sites an agent came online for, on any process; returns the function that stops it. */
    onAgentsOnline(listener: (siteIds: string[]) => void): () => void {
      arrivals.add(listener);
      return () => void arrivals.delete(listener);
    },

    /** Whether a dashboard of this agent is connected now, on any process (or within its grace period). */
    agentHere: (agentId: string): boolean => agentView(agentId).connected,

    agentConnected(user: User, status: AgentStatus): void {
      const state = agents.get(user.id) ?? { siteIds: user.siteIds, status, connections: 0, graceTimer: null };
      if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      Object.assign(state, { siteIds: user.siteIds, status, connections: state.connections + 1, graceTimer: null });
      agents.set(user.id, state);
      setAgentFact(user.id, { siteIds: state.siteIds, status });
    },

    agentDisconnected(userId: string): void {
      const state = agents.get(userId);
      if (!state) return;
      state.connections -= 1;
      if (state.connections > 0) return;
      state.graceTimer = clock.setTimeout(() => {
        agents.delete(userId);
        setAgentFact(userId, null);
      }, graceMs);
    },

    setStatus(userId: string, status: AgentStatus): void {
      const state = agents.get(userId);
      if (!state) return;
      state.status = status;
      setAgentFact(userId, { siteIds: state.siteIds, status });
    },

    /** Forget an agent at once, on every process (disabled, logged out everywhere). */
    agentGone(userId: string): void {
      forgetAgent(userId);
      send({ agents: [], visitors: [], forgetAgents: [userId] });
    },

    visitorConnected(visitorId: string, siteId: string): void {
      const state = visitors.get(visitorId) ?? { siteId, connections: 0, graceTimer: null };
      if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      state.graceTimer = null;
      state.connections += 1;
      visitors.set(visitorId, state);
      if (!mine().visitors.has(visitorId)) setVisitorFact(visitorId, siteId);
    },

    visitorDisconnected(visitorId: string): void {
      const state = visitors.get(visitorId);
      if (!state) return;
      state.connections -= 1;
      if (state.connections > 0) return;
      state.graceTimer = clock.setTimeout(() => {
        visitors.delete(visitorId);
        setVisitorFact(visitorId, null);
      }, graceMs);
    },

    visitorOnline: (visitorId: string): boolean => visitorSite(visitorId) !== null,

    close(): void {
      clock.clearInterval(refresher);
      clock.clearInterval(sweeper);
      stopListening();
      for (const state of [...agents.values(), ...visitors.values()]) {
        if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      }
      agents.clear();
      visitors.clear();
      facts.clear();
      arrivals.clear();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
