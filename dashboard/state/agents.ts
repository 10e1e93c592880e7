/**
 * Colleagues on the same sites and their presence, for transfer and the team list: the status each
 * chose and whether a dashboard of theirs is connected, as `/agents` answered (colleagues who were
 * online before this agent signed in included), then as `presence` events change it.
 */
import { signal } from '@preact/signals';
import type { AgentStatus, Colleague } from '../../protocol/protocol.ts';

export type { Colleague };

export const colleagues = signal<Colleague[]>([]);

export function colleaguesLoaded(list: Colleague[]): void {
  colleagues.value = list;
}

export function presenceChanged(agentId: string, status: AgentStatus, connected: boolean): void {
  colleagues.value = colleagues.value.map((agent) => (agent.id === agentId ? { ...agent, status, connected } : agent));
}

/** What a transfer list says of a colleague: online means they chose it and are there to see it. */
export const presenceOf = (agent: Colleague): 'online' | 'away' | 'offline' =>
  !agent.connected ? 'offline' : agent.status === 'online' ? 'online' : 'away';
