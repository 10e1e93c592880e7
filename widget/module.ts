/**
 * The widget as an ES module, for single-page apps that would rather import than paste a snippet:
 *
 *   import { load, Parley } from 'https://chat.example.com/widget/parley.mjs';
 *   load('s_yourSiteId');
 *   Parley('identify', { id, name, email, hash });
 *
 * It does exactly what the snippet does — the same command queue, the same loader, so the same
 * sizes and one global (`Parley`) — and nothing more. Safe to call `load` again: it loads once
 * (again after `Parley('shutdown')`).
 */
type Command = (...args: unknown[]) => unknown;
type Queue = Command & { q?: unknown[][] };

const host = globalThis as unknown as { Parley?: Queue };

function queue(): Queue {
  if (!host.Parley) {
    const stub: Queue = (...args: unknown[]) => void (stub.q = stub.q ?? []).push(args);
    host.Parley = stub;
  }
  return host.Parley;
}

/** Starts the widget for a site, loading its loader from the server this module came from. */
export function load(siteId: string): void {
  // No global after Parley('shutdown'): the widget is gone, so a load after it starts it again.
  const live = host.Parley;
  queue();
  const tag = document.querySelector('script[data-parley-module]');
  if (tag && live) return;
  tag?.remove();
  const script = document.createElement('script');
  script.async = true;
  script.src = new URL('./loader.js', import.meta.url).href;
  script.dataset.site = siteId;
  script.dataset.parleyModule = '';
  document.head.append(script);
}

/** The command API (`Parley('open')`, `Parley('on', 'message', fn)`, …); calls made before loading are kept. */
export function Parley(...args: unknown[]): unknown {
  return queue()(...args);
}
