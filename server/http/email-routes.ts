/**
 * Outbound email's API and pages (issue 12), besides the visitor side (visitor-email-routes.ts):
 * what agents see of each reply's email, an agent's own alerts, a site's email settings (owners),
 * and the unsubscribe page an email links to — GET asks, POST unsubscribes (RFC 8058 one-click:
 * mail clients POST `List-Unsubscribe=One-Click` to the very URL of the header). The API's shapes
 * come from protocol/email-api.ts, typed through the schema provider.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { siteParamsSchema } from '../../protocol/admin-api.ts';
import { conversationParamsSchema } from '../../protocol/agent-api.ts';
import {
  emailAlertsRequestSchema, emailAlertsResponseSchema, messageEmailsResponseSchema, siteEmailSettingsSchema, updateSiteEmailRequestSchema,
  type SiteEmailSettings,
} from '../../protocol/email-api.ts';
import { AGENT_EMAIL_PATHS, EMAIL_PAGES } from '../../protocol/protocol.ts';
import { emailConfigured, senderAddress } from '../email/email-config.ts';
import { readUnsubscribeToken } from '../email/email-links.ts';
import { emailWords } from '../email/email-words.ts';
import { escapeHtml } from '../email/html.ts';
import type { Services } from '../services.ts';
import type { EmailSettings } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

const MINUTE = 60_000;

/** The unsubscribe pages: the link's token, checked by its signature rather than by the schema. */
const unsubscribeQuery = {
  type: 'object', additionalProperties: false, properties: { token: { type: 'string', maxLength: 2048, default: '' } },
} as const;
/** HTML, not the API (and outside /v1, so not in its description): the handler's string goes out as it is. */
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } }) as const;
const pageResponses = { 200: page('A page asking to confirm, or saying it is done'), 400: page('A page saying the link is not valid') } as const;

export async function emailRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;
  const configured = emailConfigured(config);

  await scope.register(async (plain) => {
    const agents = plain.withTypeProvider<JsonSchemaProvider>();
    agents.addHook('onRequest', requireAgent(services));

    agents.get(AGENT_EMAIL_PATHS.messageEmails, {
      schema: {
        summary: 'What became of the email of each agent reply of a conversation',
        params: conversationParamsSchema,
        response: { 200: { ...messageEmailsResponseSchema, description: 'Whether its replies can be emailed now, and each reply\'s email' } },
      },
    }, async (request) => {
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

    const alerts = { 200: { ...emailAlertsResponseSchema, description: 'Whether you are emailed about conversations nobody answers' } } as const;
    agents.get(AGENT_EMAIL_PATHS.alerts, { schema: { summary: 'Whether you are emailed about conversations nobody answers', response: alerts } },
      async (request) => ({ enabled: await store.emailAlertsEnabled(request.agent!.user.id), configured }));

    agents.patch(AGENT_EMAIL_PATHS.alerts, {
      schema: { summary: 'Turn your alerts on or off', body: emailAlertsRequestSchema, response: alerts },
    }, async (request) => {
      await store.setEmailAlerts(request.agent!.user.id, request.body.enabled);
      return { enabled: request.body.enabled, configured };
    });

    const siteFor = async (request: Pick<FastifyRequest, 'agent'> & { params: { siteId: string } }) => {
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
    const settings = { 200: { ...siteEmailSettingsSchema, description: 'The site\'s email settings, and what the server can send' } } as const;

    agents.get(AGENT_EMAIL_PATHS.siteEmail, {
      schema: { summary: 'A site\'s email settings (owners)', params: siteParamsSchema, response: settings },
    }, async (request) => describe(await store.emailSettings((await siteFor(request)).id)));

    agents.patch(AGENT_EMAIL_PATHS.siteEmail, {
      schema: { summary: 'Change a site\'s email delays (owners)', params: siteParamsSchema, body: updateSiteEmailRequestSchema, response: settings },
    }, async (request) => {
      const site = await siteFor(request);
      const { replyDelayMinutes, alertDelayMinutes } = request.body;
      return describe(await store.updateEmailSettings(site.id, {
        ...(replyDelayMinutes !== undefined ? { replyDelayMs: replyDelayMinutes * MINUTE } : {}),
        ...(alertDelayMinutes !== undefined ? { alertDelayMs: alertDelayMinutes * MINUTE } : {}),
      }));
    });
  });

  await scope.register(async (plain) => {
    const pages = plain.withTypeProvider<JsonSchemaProvider>();
    // One-click unsubscribes arrive as forms; their body says nothing the URL does not.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
      if (!pages.hasContentTypeParser(type)) pages.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, _body, done) => done(null, {}));
    }
    const answer = async (request: { query: { token: string } }, reply: FastifyReply, unsubscribe: boolean) => {
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
    pages.get(EMAIL_PAGES.unsubscribe, { schema: { querystring: unsubscribeQuery, response: pageResponses } }, (request, reply) => answer(request, reply, false));
    pages.post(EMAIL_PAGES.unsubscribe, { schema: { querystring: unsubscribeQuery, response: pageResponses } }, (request, reply) => answer(request, reply, true));
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
