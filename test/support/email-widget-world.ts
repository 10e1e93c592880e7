/**
 * What the widget's email tests start from (issue 12): a customer's site on its own origin with the
 * widget embedded, a Parley server that sends email through a real SMTP sink on loopback, and
 * Chromium. The server's clock starts at the real time and follows it (so streams get their
 * heartbeats and stay live), jumping ahead only when a test moves it past a delay (`pass`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startHostSite, type HostSite } from '../browser.ts';
import { loginAgent, startServer, type TestServer } from '../harness.ts';
import { widgetSnippet } from '../../server/snippet.ts';
import { Teardown } from '../teardown.ts';
import { waitFor } from '../wait-for.ts';
import { createManualClock } from './manual-clock.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export const MINUTE = 60_000;
export const DESKTOP = { width: 1280, height: 800 };
export const TABLET = { width: 768, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface EmailWidgetWorld {
  host: HostSite;
  server: TestServer;
  sink: SmtpSink;
  browser: Browser;
  /** Moves the server's clock by `ms` and lets the email outbox do what is due. */
  pass(ms: number): Promise<void>;
  /** A new browser (its own storage: another device) with one page. */
  device(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Every open page of the devices, for screenshots on failure. */
  pages(): Page[];
  /** The widget's conversation on this page, as it keeps it (localStorage). */
  conversationId(page: Page): Promise<string>;
  agent: Awaited<ReturnType<typeof loginAgent>>;
  /** The bodies of a conversation's messages as the agent sees them, internal notes included. */
  bodies(conversationId: string): Promise<string[]>;
  /** Waits until the agent's view of the conversation has a message with this body. */
  agentSees(conversationId: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** `smtp: false`: the same world with a server that sends no email (the sink is there, and stays empty). */
export async function startEmailWidgetWorld({ smtp = true } = {}): Promise<EmailWidgetWorld> {
  const teardown = new Teardown();
  try {
    const clock = createManualClock(Date.now());
    const sink = teardown.add(await startSmtpSink(), (s) => s.close());
    const host = teardown.add(await startHostSite(), (site) => site.close());
    const server = teardown.add(await startServer({ clock, ...(smtp ? { smtpUrl: sink.url, emailFrom: 'support@northwind.test' } : {}), allowedOrigins: [host.origin] }), (s) => s.close());
    teardown.add(setInterval(() => clock.advance(1000), 1000), clearInterval);
    const browser = teardown.add(await launchBrowser(), (b) => b.close());
    await server.store.updateSite(server.site.id, { name: 'Northwind Outfitters', widget: { teamName: 'Northwind', color: '#14532d' } });
    server.app.services.sites.invalidate(server.site.id);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Trail 2P tent</title></head><body><h1>Trail 2P tent</h1><p>Two people, 1.9 kg.</p>${widgetSnippet(server.url, server.site.id)}</body></html>`);
    const agent = await loginAgent(server, 'alice@test.local');
    const contexts: BrowserContext[] = [];
    const bodies = async (id: string) =>
      ((await agent.call(`/conversations/${id}/messages?limit=100`)).body.messages as Array<{ body: string }>).map((m) => m.body);
    return {
      host, server, sink, browser, agent, bodies,
      async pass(ms) {
        clock.advance(ms);
        await server.app.outboundEmail?.tick();
      },
      async device(viewport = DESKTOP) {
        const context = await browser.newContext({ viewport });
        context.setDefaultTimeout(20_000);
        contexts.push(context);
        return { context, page: await context.newPage() };
      },
      pages: () => contexts.flatMap((context) => context.pages()),
      conversationId: (page) => waitFor(() => page.evaluate((site) => {
        try { return JSON.parse(localStorage.getItem(`parley:${site}:history`)!)[0].id as string; } catch { return null; }
      }, server.site.id), { message: 'the widget to keep its conversation' }),
      agentSees: async (id, body) => void await waitFor(async () => (await bodies(id)).includes(body), { timeoutMs: 20_000, message: `"${body}" in the agent's view` }),
      close: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run().catch(() => {});
    throw error;
  }
}
