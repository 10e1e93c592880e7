/**
 * What the server serves besides the API: the widget's scripts (to any origin: they are public and
 * carry no credentials), the dashboard at /app, and a demo page at / that embeds the widget exactly
 * as a customer's website would.
 */
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEMO_SITE_KEY } from '../first-run.ts';
import type { Services } from '../services.ts';
import { widgetSnippet } from '../snippet.ts';
import { demoPage, previewPage } from './demo-page.ts';
import { conversationPage } from './conversation-page.ts';
import { EMAIL_PAGES } from '../../protocol/protocol.ts';
import { emailLang } from '../email/email-words.ts';

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  // blob: for the previews of files an agent is about to send (issue 13), made by our own script.
  imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'self'"],
  // Self-hosters often start on plain http (a LAN address): upgrading every request to https
  // would break the dashboard there. Behind TLS, the proxy decides.
  upgradeInsecureRequests: null,
};

/** An HTML page whose CSP allows its own inline scripts, by hash, and nothing else inline. */
function page(reply: FastifyReply, html: string): string {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
    .map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
  const directives = Object.entries({ ...CSP, scriptSrc: [...CSP.scriptSrc, ...hashes] })
    .filter(([, values]) => values !== null)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values!.join(' ')}`);
  reply.type('text/html; charset=utf-8').header('content-security-policy', directives.join('; '));
  return html;
}

export async function staticRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config, store } = services;

  // Security headers for what browsers render or run (pages, the dashboard, scripts): registered in
  // this scope only, so the JSON API does not pay for them on every message.
  await app.register(helmet, {
    // The widget's scripts are loaded from other origins by design.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    contentSecurityPolicy: { directives: CSP },
    // HSTS means something only over https; on a plain-http install it would only mislead.
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
  });
  const widgetDir = join(config.distDir, 'widget');
  const dashboardDir = join(config.distDir, 'dashboard');

  // The demo and preview pages carry the snippet's inline script, which the dashboard's CSP would
  // refuse: they get the same policy plus the hashes of exactly their own inline scripts.
  app.get('/', { helmet: { contentSecurityPolicy: false } }, async (_request, reply) => {
    const siteId = await store.getMeta(DEMO_SITE_KEY);
    const site = siteId ? await store.getSite(siteId) : null;
    return page(reply, demoPage(site ? widgetSnippet(config.publicUrl, site.id) : null));
  });

  // The dashboard's live preview: the real widget of a site, on this server's own origin (which
  // every site allows, see visitor-routes.ts). Saved settings reach it through its stream like any widget.
  app.get<{ Params: { siteId: string } }>('/preview/:siteId', { helmet: { contentSecurityPolicy: false } }, async (request, reply) => {
    const site = await store.getSite(request.params.siteId);
    if (!site) return reply.status(404).type('text/plain').send('No such site.');
    reply.header('cache-control', 'no-store');
    return page(reply, previewPage(widgetSnippet(config.publicUrl, site.id)));
  });

  // Where an email's "continue the conversation" link goes when the visitor's page is not known
  // (issue 12): the site's widget, opened; it takes the link's resume token from the address.
  app.get<{ Params: { siteId: string } }>(EMAIL_PAGES.conversation, { helmet: { contentSecurityPolicy: false } }, async (request, reply) => {
    const site = await store.getSite(request.params.siteId);
    if (!site) return reply.status(404).type('text/plain').send('No such site.');
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const lang = emailLang(site, { context: { language: String(request.headers['accept-language'] ?? '').split(',')[0] } });
    return page(reply, conversationPage(site, lang, widgetSnippet(config.publicUrl, site.id)));
  });

  if (existsSync(widgetDir)) {
    await app.register(fastifyStatic, {
      root: widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      // npm run build writes .br and .gz beside each file (scripts/precompress.ts).
      preCompressed: true,
      setHeaders(response, path) {
        response.header('access-control-allow-origin', '*');
        response.header('cross-origin-resource-policy', 'cross-origin');
        // Chunks have content hashes in their names and never change; the loader must stay fresh.
        // `path` may be the .br or .gz twin of the file.
        const file = path.replace(/\.(br|gz)$/, '');
        response.header('cache-control', /[.-][A-Za-z0-9_-]{8}\.js$/.test(file) && !file.endsWith('loader.js')
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=300');
      },
    });
  }

  if (existsSync(dashboardDir)) {
    // index: false — /app/ itself is answered by the client-side-route fallback below (a directory
    // index combined with preCompressed answers 404 in @fastify/static).
    await app.register(fastifyStatic, { root: dashboardDir, prefix: '/app/', decorateReply: false, wildcard: false, index: false, preCompressed: true });
    // Client-side routes of the dashboard all load its index page.
    const index = await readFile(join(dashboardDir, 'index.html'));
    app.get('/app', async (_request, reply) => reply.redirect('/app/'));
    app.get('/app/*', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
  } else {
    app.get('/app/*', async (_request, reply) => reply.status(503).type('text/plain').send('The dashboard is not built yet: run `npm run build`.'));
  }
}
