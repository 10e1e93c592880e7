/**
 * The only script a page loads up front (≤ 2 KB gzip): replaces the `Parley` command-queue stub,
 * checks the site's config (a disallowed origin gets a console warning and no widget), renders the
 * launcher in a Shadow DOM, and imports the panel chunk on idle or first interaction.
 *
 * It must add no global but `Parley`, assign no `window.on…`, and leave nothing behind after
 * `Parley('shutdown')`. Built as a classic IIFE script; the panel is an ES module chunk.
 */
import { API, type RESUME_PARAM, type WidgetConfig } from '../protocol/protocol.ts';
import { METHODS } from './commands.ts';
import type { PanelApi, SitePath, WidgetHost } from './host.ts';

declare const __PANEL__: string;

(() => {
  const w = window as any;
  const d = document;
  const script = (d.currentScript ?? d.querySelector('script[data-site][src*="/widget/loader"]')) as HTMLScriptElement | null;
  const siteId = script?.dataset.site;
  if (!script || !siteId || (w.Parley && w.Parley.l)) return;
  const base = new URL('..', script.src).href.replace(/\/$/, '');
  const early: unknown[][] = [...(w.Parley?.q ?? [])];
  const queue: unknown[][] = [];
  const handlers: Record<string, Array<(data: unknown) => void>> = {};
  let panel: PanelApi | null = null;
  let loading: Promise<void> | null = null;
  let dead = false;
  let idle = 0;

  const el = d.createElement('parley-widget');
  el.setAttribute('style', 'all:initial');
  const root = el.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>.l{all:initial;position:fixed;bottom:20px;right:20px;background:#4f46e5;color:#fff;z-index:2147483000;width:56px;height:56px;border-radius:50%;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px #0004;font:600 12px/1 system-ui,sans-serif}.l:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}.b{position:absolute;top:-4px;right:-4px;min-width:18px;height:18px;padding:0 4px;box-sizing:border-box;border-radius:9px;background:#dc2626;display:grid;place-items:center}.b:empty{display:none}.a .l{display:none}@media (max-width:480px){.o .l{display:none}}</style><div><button class="l" aria-haspopup="dialog"><svg viewBox="0 0 24 24" width="28" height="28" fill="#fff" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg><span class="b" aria-hidden="true"></span></button></div>';
  const launcher = root.querySelector('button')!;
  const badge = root.querySelector('.b')!;

  const host: WidgetHost = {
    root, base, siteId, config: null, launcher,
    emit: (event, data) => handlers[event]?.forEach((handler) => { try { handler(data); } catch (error) { console.error(error); } }),
    badge: (count) => {
      badge.textContent = count > 0 ? String(count) : '';
      launcher.setAttribute('aria-label', (host.config?.launcherLabel ?? 'Chat') + (count > 0 ? ` (${count})` : ''));
    },
    style: (config: WidgetConfig) => {
      host.config = config;
      launcher.style.cssText = `background:${config.color};${config.position === 'left' ? 'left:20px;right:auto' : ''}`;
      launcher.title = config.launcherLabel;
      host.badge(Number(badge.textContent) || 0);
    },
  };

  const load = (): Promise<void> => loading ??= import(`${base}/widget/${__PANEL__}`)
    .then((module: { mount(host: WidgetHost): PanelApi }) => {
      if (dead) return;
      panel = module.mount(host);
      for (const [method, ...args] of queue.splice(0)) panel.command(method as string, args);
    });

  function Parley(method: string, ...args: unknown[]): void {
    if (dead) return;
    if (!(METHODS as readonly string[]).includes(method)) { console.warn(`Parley: unknown command "${method}"`); return; }
    if (method === 'on' || method === 'off') {
      const [event, handler] = args as [string, (data: unknown) => void];
      const list = (handlers[event] ??= []);
      if (method === 'on') list.push(handler); else handlers[event] = list.filter((h) => h !== handler);
    } else if (method === 'show' || method === 'hide') {
      el.style.display = method === 'hide' ? 'none' : '';
    } else if (method === 'shutdown') {
      dead = true;
      panel?.destroy();
      el.remove();
      clearTimeout(idle);
      delete w.Parley;
    } else if (panel) {
      panel.command(method, args);
    } else {
      queue.push([method, ...args]);
      if (method === 'open' || method === 'toggle') void load();
    }
  }
  Parley.l = 1;
  w.Parley = Parley;
  for (const args of early) Parley(...(args as [string]));
  // An email's link (issue 12): the panel exchanges `parley_resume` and shows the conversation; this only opens it.
  if (location.search.includes('parley_resume' satisfies typeof RESUME_PARAM)) Parley('open');

  launcher.addEventListener('click', () => Parley('toggle'));
  for (const type of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(type, () => void load(), { once: true, passive: true });

  const cacheKey = `parley:${siteId}:config`;
  fetch(`${base}${API}/sites/${encodeURIComponent(siteId)}${'/config' satisfies SitePath}`)
    .then(async (response) => {
      const body = await response.json();
      const code: string | undefined = body.error?.code;
      // Only a definite no (this origin, or no such site) removes the widget; anything else is an outage.
      if (/ORIGIN_NOT_ALLOWED|SITE_NOT_FOUND/.test(code!)) {
        console.warn(`Parley: ${body.error.message} [${code}]`);
        Parley('shutdown');
        w.Parley = () => {};
        return;
      }
      if (!response.ok) throw 0;
      try { localStorage.setItem(cacheKey, JSON.stringify(body.config)); } catch { /* private mode */ }
      host.style(body.config);
      // whenAway 'hide' with nobody online, or whenUnverified 'hide': no launcher until the panel
      // (business hours, conversation, whether this visitor is verified) decides.
      const c: WidgetConfig = body.config;
      if (c.whenAway === 'hide' && !body.availability.online || c.requireVerifiedIdentity && c.whenUnverified === 'hide') launcher.parentElement!.classList.add('a'), void load();
      show();
    })
    .catch(() => {
      // Unreachable, 429, 5xx or not JSON: show the launcher as last seen; the panel keeps the outbox and retries.
      try { host.style(JSON.parse(localStorage.getItem(cacheKey)!)); } catch { host.badge(0); }
      show();
    });

  function show(): void {
    if (dead || el.isConnected) return;
    d.body.append(el);
    // Load the panel once the page is idle, so the first interaction is instant.
    idle = setTimeout(() => void load(), 2000) as unknown as number;
  }
})();
