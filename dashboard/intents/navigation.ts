/**
 * Moving between sections (inbox, settings pages, account) and following the address bar on
 * back/forward. Settings loads what it shows when it is rendered (settings-section.tsx); an agent
 * never gets a link there (app.tsx), and if the server says 403 anyway the page says so.
 */
import * as conversation from '../state/conversation.ts';
import { parseRoute, routeChanged, routePath, type Route } from '../state/route.ts';
import type { ControllerDeps } from './deps.ts';
import type { InboxIntents } from './inbox.ts';

export function createNavigationIntents(deps: ControllerDeps, inbox: InboxIntents) {
  function enter(next: Route): void {
    routeChanged(next);
    if (next.section === 'inbox' && next.conversationId !== conversation.openId.value) void inbox.open(next.conversationId);
  }
  return {
    /** A link or button inside the dashboard. */
    go(next: Route): void {
      enter(next);
      deps.navigate(routePath(next));
    },
    /** The address bar changed (first load, back, forward). */
    followLocation(pathname: string): void {
      enter(parseRoute(pathname));
    },
  };
}
