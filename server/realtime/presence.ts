/**
 * Who is there: agents (connected dashboards × the status they chose) and visitors (an open widget
 * stream). A disconnect counts only after a grace period, so a page navigation or a reconnect does
 * not flash "offline" at the other side. Changes go out as ephemeral events; the widget's
 * "online" state is "some agent of this site is online and connected".
 */
import type { AgentStatus, User } from '../../protocol/protocol.ts';
import { topics, type Bus } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';

interface AgentState {
  siteIds: string[];
  status: AgentStatus;
  connections: number;
  /** Counts as connected: has a stream, or lost its last one less than the grace period ago. */
  connected: boolean;
  graceTimer: unknown;
}

export function createPresence(bus: Bus, clock: Clock, graceMs: number) {
  const agents = new Map<string, AgentState>();
  const visitors = new Map<string, { siteId: string; connections: number; online: boolean; graceTimer: unknown }>();

  const siteOnline = (siteId: string): boolean => {
    for (const agent of agents.values()) {
      if (agent.connected && agent.status === 'online' && agent.siteIds.includes(siteId)) return true;
    }
    return false;
  };

  /** Runs a change and announces each site whose availability it flipped. */
  function announce(agentId: string, change: () => void): void {
    const before = agents.get(agentId);
    const siteIds = before?.siteIds ?? [];
    const was = new Map(siteIds.map((siteId) => [siteId, siteOnline(siteId)]));
    change();
    const after = agents.get(agentId);
    for (const siteId of after?.siteIds ?? siteIds) {
      bus.publish(topics.site(siteId), {
        type: 'presence',
        data: { agentId, status: after?.status ?? 'away', connected: after?.connected ?? false },
      });
      const online = siteOnline(siteId);
      if (was.get(siteId) !== online) bus.publish(topics.siteVisitors(siteId), { type: 'availability', data: { online } });
    }
  }

  return {
    siteOnline,

    agentConnected(user: User, status: AgentStatus): void {
      announce(user.id, () => {
        const state = agents.get(user.id) ?? { siteIds: user.siteIds, status, connections: 0, connected: false, graceTimer: null };
        if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
        Object.assign(state, { siteIds: user.siteIds, status, connections: state.connections + 1, connected: true, graceTimer: null });
        agents.set(user.id, state);
      });
    },

    agentDisconnected(userId: string): void {
      const state = agents.get(userId);
      if (!state) return;
      state.connections -= 1;
      if (state.connections > 0) return;
      state.graceTimer = clock.setTimeout(() => {
        announce(userId, () => {
          state.connected = false;
          state.graceTimer = null;
          if (state.connections === 0) agents.delete(userId);
        });
      }, graceMs);
    },

    setStatus(userId: string, status: AgentStatus): void {
      if (!agents.has(userId)) return;
      announce(userId, () => void (agents.get(userId)!.status = status));
    },

    /** Forget an agent at once (disabled, logged out everywhere). */
    agentGone(userId: string): void {
      const state = agents.get(userId);
      if (!state) return;
      if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      announce(userId, () => agents.delete(userId));
    },

    visitorConnected(visitorId: string, siteId: string): void {
      const state = visitors.get(visitorId) ?? { siteId, connections: 0, online: false, graceTimer: null };
      if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      state.graceTimer = null;
      state.connections += 1;
      visitors.set(visitorId, state);
      if (!state.online) {
        state.online = true;
        bus.publish(topics.site(siteId), { type: 'visitor.presence', data: { visitorId, online: true } });
      }
    },

    visitorDisconnected(visitorId: string): void {
      const state = visitors.get(visitorId);
      if (!state) return;
      state.connections -= 1;
      if (state.connections > 0) return;
      state.graceTimer = clock.setTimeout(() => {
        visitors.delete(visitorId);
        bus.publish(topics.site(state.siteId), { type: 'visitor.presence', data: { visitorId, online: false } });
      }, graceMs);
    },

    visitorOnline: (visitorId: string): boolean => visitors.get(visitorId)?.online ?? false,

    close(): void {
      for (const state of [...agents.values(), ...visitors.values()]) {
        if (state.graceTimer !== null) clock.clearTimeout(state.graceTimer);
      }
      agents.clear();
      visitors.clear();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
