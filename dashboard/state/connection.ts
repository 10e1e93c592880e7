/**
 * What the agent is told about the connection. Honest by construction: "live" only while the
 * stream is open, "offline" when the browser says so, "reconnecting" in between.
 */
import { computed, signal } from '@preact/signals';

export type LinkState = 'connecting' | 'live' | 'reconnecting';

export const link = signal<LinkState>('connecting');
export const browserOnline = signal(typeof navigator === 'undefined' ? true : navigator.onLine);

export type ConnectionView = 'connecting' | 'live' | 'reconnecting' | 'offline';

export const connectionView = computed<ConnectionView>(() => (browserOnline.value ? link.value : 'offline'));

export function linkChanged(next: LinkState): void {
  link.value = next;
}

export function browserOnlineChanged(online: boolean): void {
  browserOnline.value = online;
}
