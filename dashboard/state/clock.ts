/** A ticking "now" for live wait times, typing expiry and the visitor's local time. */
import { signal } from '@preact/signals';

export const now = signal(Date.now());

export function tick(at: number): void {
  now.value = at;
}
