/** The owner's list of users (role, disabled, sites, presence) and the one-time link just made. */
import { signal } from '@preact/signals';
import type { LinkResponse } from '../../protocol/protocol.ts';
import type { TeamMember } from '../settings/admin-api.ts';

export const members = signal<TeamMember[]>([]);
/** Shown once with a copy button: an invitation or a password reset, and for whom. */
export const shownLink = signal<(LinkResponse & { kind: 'invite' | 'reset'; email: string }) | null>(null);

export function membersLoaded(list: TeamMember[]): void {
  members.value = [...list].sort((a, b) => a.name.localeCompare(b.name));
}

export function memberChanged(user: Omit<TeamMember, 'status'> & Partial<Pick<TeamMember, 'status'>>): void {
  members.value = members.value.map((m) => (m.id === user.id ? { ...m, ...user, status: user.status ?? m.status } : m));
}

export function linkShown(link: (LinkResponse & { kind: 'invite' | 'reset'; email: string }) | null): void {
  shownLink.value = link;
}
