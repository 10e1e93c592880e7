/**
 * Outbound email's intents (issue 12): the open conversation's email states (loaded when it opens
 * and again whenever the stream is back after a gap), the agent's own alerts, a site's email
 * settings. Each answers the sentence to show when it did not work (null when it did).
 */
import { effect } from '@preact/signals';
import type { EmailAlertsResponse, SiteEmailSettings, UpdateSiteEmailRequest } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';
import { link } from '../state/connection.ts';
import { openId } from '../state/conversation.ts';
import { createEmailApi } from './email-api.ts';
import { emailsForgotten, emailsLoaded } from './email-state.ts';

export function createEmailIntents(deps: ControllerDeps) {
  const api = createEmailApi(deps.api.call);

  function reload(conversationId: string): void {
    api.messageEmails(conversationId).then((response) => {
      if (openId.value === conversationId) emailsLoaded(conversationId, response);
    }, () => { /* the next open or reconnect asks again */ });
  }

  // With every conversation opened, and when the stream is live again (events may have been missed).
  let shown: string | null = null;
  effect(() => {
    const id = openId.value;
    const live = link.value === 'live';
    if (id !== shown) {
      emailsForgotten();
      shown = id;
    }
    if (id && live) reload(id);
  });

  async function attempt<T>(run: () => Promise<T>): Promise<{ value: T; error: null } | { value: null; error: string }> {
    try {
      return { value: await run(), error: null };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return { value: null, error: 'Your session has ended; sign in again.' };
      return { value: null, error: messageOf(error) };
    }
  }

  return {
    alerts: (): Promise<{ value: EmailAlertsResponse; error: null } | { value: null; error: string }> => attempt(() => api.alerts()),
    setAlerts: (enabled: boolean) => attempt(() => api.setAlerts(enabled)),
    siteEmail: (siteId: string): Promise<{ value: SiteEmailSettings; error: null } | { value: null; error: string }> => attempt(() => api.siteEmail(siteId)),
    updateSiteEmail: (siteId: string, patch: UpdateSiteEmailRequest) => attempt(() => api.updateSiteEmail(siteId, patch)),
  };
}

export type EmailIntents = ReturnType<typeof createEmailIntents>;
