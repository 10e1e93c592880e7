/**
 * Turns a 'webhook-paused' email of the outbox (queued by the store with the pause, issue 15) into
 * the message to an owner, from what the store holds at send time — or says it should not go: the
 * owner is gone or no longer one, or the pause is over (resumed, or back by its own probe, or the
 * endpoint deleted), which Settings → Webhooks shows better than a late email would.
 */
import type { Services } from '../services.ts';
import type { OutboxEmail } from '../store/store.ts';
import type { Composed } from './compose-email.ts';
import { teamSender } from './email-config.ts';
import { emailLang } from './email-words.ts';
import { brandColor } from './html.ts';
import { renderWebhookPausedEmail } from './render-webhook-paused.ts';

type Deps = Pick<Services, 'store' | 'config'>;

/**
 * Settings → Webhooks of one site in the dashboard (dashboard/state/route.ts; main.tsx selects the
 * site named by `site`).
 */
export const webhookSettingsUrl = (publicUrl: string, siteId: string) => `${publicUrl}/app/settings/webhooks?${new URLSearchParams({ site: siteId })}`;

export async function composeWebhookPaused({ store, config }: Deps, email: OutboxEmail): Promise<Composed> {
  const pause = email.webhookPause;
  const [site, user] = await Promise.all([store.getSite(email.siteId), email.userId ? store.getUser(email.userId) : null]);
  // The state only matters for the replies an email carries, and this one carries none.
  if (!pause || !site || !user || user.disabled || user.role !== 'owner') return { cancel: 'no-address' };
  const endpoint = await store.getWebhookEndpoint(site.id, pause.endpointId);
  if (!endpoint || endpoint.pausedAt !== pause.pausedAt) return { cancel: 'seen' };
  const rendered = renderWebhookPausedEmail({
    lang: emailLang(site, null),
    siteName: site.name,
    color: brandColor(site.widget.color),
    endpoint: { url: endpoint.url, description: endpoint.description },
    failures: pause.failures,
    statusCode: pause.statusCode,
    error: pause.error,
    probeAt: endpoint.probeAt,
    timeZone: site.widget.businessHours?.timeZone ?? 'UTC',
    settingsUrl: webhookSettingsUrl(config.publicUrl, site.id),
  });
  return {
    send: {
      ...rendered,
      from: teamSender(site, config),
      to: user.email,
      messageId: email.messageId,
      // Told once per pause, to owners only: nothing to unsubscribe from, but no auto-replies back.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    },
  };
}
