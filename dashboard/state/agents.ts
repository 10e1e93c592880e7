/** Colleagues on the same sites and whether each is online, for transfer and the team list. */
import { signal } from '@preact/signals';
import type { AgentRef, AgentStatus } from '../../protocol/protocol.ts';

export interface Colleague extends AgentRef {
  status: AgentStatus;
  connected: boolean;
}

export const colleagues = signal<Colleague[]>([]);

export function colleaguesLoaded(list: Array<AgentRef & { status: AgentStatus }>): void {
  const known = new Map(colleagues.value.map((agent) => [agent.id, agent]));
  colleagues.value = list.map((agent) => ({ ...agent, connected: known.get(agent.id)?.connected ?? false }));
}

export function presenceChanged(agentId: string, status: AgentStatus, connected: boolean): void {
  colleagues.value = colleagues.value.map((agent) => (agent.id === agentId ? { ...agent, status, connected } : agent));
}
