/**
 * Whether and as whom this server sends email (issue 12), derived once from the configuration:
 * SMTP_URL turns email on; EMAIL_FROM (else noreply@ the PUBLIC_URL's host) is the sender, whose
 * domain also names every Message-ID; INBOUND_EMAIL_DOMAIN gives emails a reply address.
 */
import type { Site, WidgetConfig } from '../../protocol/protocol.ts';
import type { Config } from '../config.ts';

export const emailConfigured = (config: Pick<Config, 'smtpUrl'>) => config.smtpUrl !== null;

export function senderAddress(config: Pick<Config, 'emailFrom' | 'publicUrl'>): string {
  return config.emailFrom ?? `noreply@${new URL(config.publicUrl).hostname}`;
}

/**
 * The sender of what Parley itself tells a site's team (unanswered alerts, paused webhooks): the
 * site's name marked as Parley's, so nobody mistakes it for a visitor's email or answers it as one.
 */
export const teamSender = (site: { name: string }, config: Pick<Config, 'emailFrom' | 'publicUrl'>) =>
  ({ name: `${site.name} (Parley)`, address: senderAddress(config) });

/** Message-IDs are `<unique>@<this domain>` (RFC 5322 §3.6.4): the sender's. */
export const messageIdDomain = (config: Pick<Config, 'emailFrom' | 'publicUrl'>) => senderAddress(config).split('@').pop()!.toLowerCase();

/**
 * The widget config a visitor gets: the site's, plus `emailReplies: true` exactly when replies can
 * be emailed, so the widget promises email only then.
 */
export function visitorWidgetConfig(site: Pick<Site, 'widget'>, config: Pick<Config, 'smtpUrl'>): WidgetConfig {
  return emailConfigured(config) ? { ...site.widget, emailReplies: true } : site.widget;
}
