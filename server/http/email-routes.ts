/**
 * Outbound email's API and pages (issue 12), besides the visitor side (visitor-email-routes.ts):
 * what agents see of each reply's email, an agent's own alerts, a site's email settings (owners),
 * and the unsubscribe page an email links to — GET asks, POST unsubscribes (RFC 8058 one-click:
 * mail clients POST `List-Unsubscribe=One-Click` to the very URL of the header).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AGENT_EMAIL_PATHS, EMAIL_DEFAULTS, EMAIL_PAGES, type EmailAlertsResponse, type MessageEmailsResponse, type SiteEmailSettings,
  type UpdateSiteEmailRequest,
} from '../../protocol/protocol.ts';
import { emailConfigured, senderAddress } from '../email/email-config.ts';
import { readUnsubscribeToken } from '../email/email-links.ts';
import { emailWords } from '../email/email-words.ts';
import { escapeHtml } from '../email/html.ts';
import type { Services } from '../services.ts';
import type { EmailSettings } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const MINUTE = 60_000;
const minutes = { type: 'integer', minimum: 1, maximum: EMAIL_DEFAULTS.delayMaxMinutes } as const;

export async function emailRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;
  const configured = emailConfigured(config);

  await app.register(async (agents) => {
    agents.addHook('onRequest', requireAgent(services));

    agents.get<{ Params: { conversationId: string } }>(AGENT_EMAIL_PATHS.messageEmails, { schema: { params: s.agentConversationParams } }, async (request): Promise<MessageEmailsResponse> => {
      const conversation = await store.getConversationRef(request.params.conversationId);
      if (!conversation || !request.agent!.user.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      const visitor = await store.getVisitor(conversation.visitorId);
      const address = visitor?.email ?? null;
      return {
        emailing: { configured, address, unsubscribed: address !== null && (await store.isUnsubscribed(conversation.siteId, address)) },
        emails: await store.messageEmails(conversation.id),
      };
    });

    agents.get(AGENT_EMAIL_PATHS.alerts, async (request): Promise<EmailAlertsResponse> =>
      ({ enabled: await store.emailAlertsEnabled(request.agent!.user.id), configured }));

    agents.patch<{ Body: { enabled: boolean } }>(AGENT_EMAIL_PATHS.alerts, {
      schema: { body: s.object({ enabled: { type: 'boolean' } }, ['enabled']) },
    }, async (request): Promise<EmailAlertsResponse> => {
      await store.setEmailAlerts(request.agent!.user.id, request.body.enabled);
      return { enabled: request.body.enabled, configured };
    });

    const siteFor = async (request: FastifyRequest<{ Params: { siteId: string } }>) => {
      if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change settings.');
      const site = await store.getSite(request.params.siteId);
      if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
      return site;
    };
    const describe = (settings: EmailSettings): SiteEmailSettings => ({
      configured,
      from: configured ? senderAddress(config) : null,
      replyDomain: config.inboundEmailDomain,
      replyDelayMinutes: Math.round(settings.replyDelayMs / MINUTE),
      alertDelayMinutes: Math.round(settings.alertDelayMs / MINUTE),
    });
    const siteParams = s.object({ siteId: s.id }, ['siteId']);

    agents.get<{ Params: { siteId: string } }>(AGENT_EMAIL_PATHS.siteEmail, { schema: { params: siteParams } }, async (request) =>
      describe(await store.emailSettings((await siteFor(request)).id)));

    agents.patch<{ Params: { siteId: string }; Body: UpdateSiteEmailRequest }>(AGENT_EMAIL_PATHS.siteEmail, {
      schema: { params: siteParams, body: s.object({ replyDelayMinutes: minutes, alertDelayMinutes: minutes }) },
    }, async (request) => {
      const site = await siteFor(request);
      const { replyDelayMinutes, alertDelayMinutes } = request.body;
      return describe(await store.updateEmailSettings(site.id, {
        ...(replyDelayMinutes !== undefined ? { replyDelayMs: replyDelayMinutes * MINUTE } : {}),
        ...(alertDelayMinutes !== undefined ? { alertDelayMs: alertDelayMinutes * MINUTE } : {}),
      }));
    });
  });

  await app.register(async (pages) => {
    // One-click unsubscribes arrive as forms; their body says nothing the URL does not.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
      if (!pages.hasContentTypeParser(type)) pages.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, _body, done) => done(null, {}));
    }
    const querystring = s.object({ token: { type: 'string', maxLength: 2048, default: '' } });

    const answer = async (request: FastifyRequest<{ Querystring: { token: string } }>, reply: FastifyReply, unsubscribe: boolean) => {
      const who = readUnsubscribeToken(services.serverSecret, request.query.token, services.clock.now());
      if (!who) return emailPage(reply.status(400), 'en', emailWords('en').unsubscribeTitle, emailWords('en').linkInvalid, null);
      if (who.kind === 'agent') {
        // A user deleted since has no alerts left to stop.
        if (unsubscribe && (await store.getUser(who.userId))) await store.setEmailAlerts(who.userId, false);
        return emailPage(reply, 'en', 'Unsubscribe', unsubscribe
          ? `Done: ${who.address} gets no more emails about conversations nobody answers. Turn them on again on your Account page.`
          : `Stop emailing ${who.address} about conversations nobody answers?`, unsubscribe ? null : 'Unsubscribe');
      }
      const site = await store.getSite(who.siteId);
      const w = emailWords(who.lang);
      const siteName = site?.name ?? 'this site';
      // A site deleted since sends nothing any more: nothing left to stop.
      if (unsubscribe && site) await store.unsubscribe(who.siteId, who.address);
      return emailPage(reply, who.lang, w.unsubscribeTitle, unsubscribe ? w.unsubscribed(siteName, who.address) : w.unsubscribeAsk(siteName, who.address),
        unsubscribe ? null : w.unsubscribeButton);
    };
    pages.get<{ Querystring: { token: string } }>(EMAIL_PAGES.unsubscribe, { schema: { querystring } }, (request, reply) => answer(request, reply, false));
    pages.post<{ Querystring: { token: string } }>(EMAIL_PAGES.unsubscribe, { schema: { querystring } }, (request, reply) => answer(request, reply, true));
  });
}

/** A small page of its own (no script at all), in the email's language; `button` posts to the same URL. */
function emailPage(reply: FastifyReply, lang: 'en' | 'zh', title: string, text: string, button: string | null): string {
  reply.type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f3f4f6;font:16px/1.5 system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#111827}
main{max-width:28rem;margin:1rem;padding:1.75rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgb(0 0 0/.08)}h1{margin:0 0 .5rem;font-size:1.25rem}
button{margin-top:1rem;padding:.65rem 1.25rem;border:0;border-radius:8px;background:#111827;color:#fff;font:inherit;font-weight:600;cursor:pointer}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${button ? `<form method="post"><button type="submit">${escapeHtml(button)}</button></form>` : ''}</main></body>
</html>`;
}
