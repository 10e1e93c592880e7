/**
 * The dashboard's entry: builds the API, notifier and controller with the browser's real
 * dependencies, wires page-level signals (online, visibility, clock, title), and renders <App>.
 * It must not hold state of its own; that lives in state/*.ts.
 */
import { effect } from '@preact/signals';
import { render } from 'preact';
import { createLeader } from '../client/leader.ts';
import { createApi } from './api.ts';
import { App } from './components/app.tsx';
import { createController, type Controller } from './controller.ts';
import { ControllerContext } from './controller-context.ts';
import { installKeyboard } from './keyboard.ts';
import { createNotifier } from './live/notifier.ts';
import { tick } from './state/clock.ts';
import { browserOnlineChanged } from './state/connection.ts';
import { loadDrafts } from './state/drafts.ts';
import { csrfToken } from './state/session.ts';
import { attentionCount } from './state/queue.ts';
import { pageVisibilityChanged } from './state/ui.ts';
import './styles.css';

const BASE = '/app/';

let controller: Controller;
const api = createApi({
  fetch: (...args) => fetch(...args),
  csrf: csrfToken,
  onUnauthenticated: () => controller.sessionExpired(),
});

// One tab plays sounds and shows notifications; every tab keeps its own stream and title badge.
const notifyLeader = createLeader<never>({ name: 'parley-dashboard:notifications', onLeader: () => {}, onMessage: () => {} });
const notifier = createNotifier({
  isLeader: () => notifyLeader.isLeader.value,
  createAudioContext: () => new AudioContext(),
  Notification: typeof Notification === 'undefined' ? undefined : Notification,
  isHidden: () => document.hidden,
  focusWindow: () => window.focus(),
});

controller = createController({
  api,
  notifier,
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  navigate(conversationId) {
    const next = conversationId ? `${BASE}c/${encodeURIComponent(conversationId)}` : BASE;
    if (location.pathname !== next) history.pushState(null, '', next);
  },
});

const routeId = (): string | null => {
  const match = /^\/app\/c\/([^/]+)/.exec(location.pathname);
  return match ? decodeURIComponent(match[1]!) : null;
};

loadDrafts(window.localStorage);
window.addEventListener('online', () => browserOnlineChanged(true));
window.addEventListener('offline', () => browserOnlineChanged(false));
document.addEventListener('visibilitychange', () => pageVisibilityChanged(!document.hidden));
window.addEventListener('popstate', () => void controller.open(routeId()));
pageVisibilityChanged(!document.hidden);
setInterval(() => tick(Date.now()), 1000);
installKeyboard(window, controller);
effect(() => {
  const count = attentionCount.value;
  document.title = count > 0 ? `(${count}) Parley` : 'Parley';
});

const initial = routeId();
void controller.start().then(() => {
  if (initial) void controller.open(initial);
});

render(
  <ControllerContext.Provider value={controller}>
    <App />
  </ControllerContext.Provider>,
  document.getElementById('root')!,
);
