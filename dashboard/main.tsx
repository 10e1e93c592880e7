/**
 * The dashboard's entry: builds the API, notifier and controller with the browser's real
 * dependencies, wires page-level signals (online, visibility, clock, title), and renders <App>.
 * It must not hold state of its own; that lives in state/*.ts.
 */
import { effect } from '@preact/signals';
import { render } from 'preact';
import { createApi } from './api.ts';
import { createAdminApi } from './settings/admin-api.ts';
import { App } from './components/app.tsx';
import { createController, type Controller } from './controller.ts';
import { ControllerContext } from './controller-context.ts';
import { installKeyboard } from './keyboard.ts';
import { installTheme } from './theme.ts';
import { createNotifier } from './live/notifier.ts';
import { tick } from './state/clock.ts';
import { browserOnlineChanged } from './state/connection.ts';
import { loadDrafts } from './state/drafts.ts';
import { csrfToken } from './state/session.ts';
import { attentionCount } from './state/queue.ts';
import { parseRoute, routeChanged } from './state/route.ts';
import { pageVisibilityChanged } from './state/ui.ts';
import './styles.css';
import './team-inbox.css';
import './theme-dark.css';

let controller: Controller;
const api = createApi({
  fetch: (...args) => fetch(...args),
  csrf: csrfToken,
  onUnauthenticated: () => controller.sessionExpired(),
});

// One tab plays sounds and shows notifications: the one holding the agent's stream (the others
// take over when it closes). Every tab keeps its own title badge.
const notifier = createNotifier({
  isLeader: () => controller?.connection()?.leads() ?? false,
  createAudioContext: () => new AudioContext(),
  Notification: typeof Notification === 'undefined' ? undefined : Notification,
  isHidden: () => document.hidden,
  focusWindow: () => window.focus(),
});

controller = createController({
  api,
  admin: createAdminApi(api.call),
  notifier,
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  navigate(path, replace = false) {
    if (location.pathname === path && !replace) return;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  },
});

loadDrafts(window.localStorage);
window.addEventListener('online', () => browserOnlineChanged(true));
window.addEventListener('offline', () => browserOnlineChanged(false));
document.addEventListener('visibilitychange', () => pageVisibilityChanged(!document.hidden));
window.addEventListener('popstate', () => controller.followLocation(location.pathname));
pageVisibilityChanged(!document.hidden);
setInterval(() => tick(Date.now()), 1000);
installKeyboard(window, controller);
installTheme(window);
effect(() => {
  const count = attentionCount.value;
  document.title = count > 0 ? `(${count}) Parley` : 'Parley';
});

// The route first (the redeem page must not wait for /me), then the session, then the conversation in the URL.
routeChanged(parseRoute(location.pathname));
// A link to one site's settings names the site (?site=: the owner's email about a paused webhook
// endpoint). Chosen once the session is settled, which starts with no site chosen.
const linkedSite = new URLSearchParams(location.search).get('site');
void controller.start().then(() => {
  if (linkedSite) controller.settings.selectSite(linkedSite);
  controller.followLocation(location.pathname);
});

render(
  <ControllerContext.Provider value={controller}>
    <App />
  </ControllerContext.Provider>,
  document.getElementById('root')!,
);
