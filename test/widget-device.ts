/**
 * What the widget keeps on a visitor's device and what it has shown them, read from the page the
 * way a person with the browser's dev tools would: localStorage, the IndexedDB outbox, and every
 * status banner the panel put up (a MutationObserver, so one shown for a moment still counts).
 */
import type { Page } from 'playwright-core';

/** Everything in this origin's localStorage, as one string. */
export const stored = (page: Page): Promise<string> => page.evaluate(() => JSON.stringify(Object.entries(localStorage)));

export const storedToken = (page: Page, siteId: string): Promise<string | null> =>
  page.evaluate((site) => localStorage.getItem(`parley:${site}:token`), siteId);

/**
 * The outbox's items (IndexedDB `parley-<siteId>`, store `outbox`). Only once the widget has
 * opened its database: opening it first from here would create it without the store.
 */
export const outboxItems = (page: Page, siteId: string): Promise<Array<{ id: string; payload: { body: string }; state: string }>> =>
  page.evaluate((name) => new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('outbox')) { db.close(); resolve([]); return; }
      const all = db.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => { db.close(); resolve(all.result); };
      all.onerror = () => reject(all.error);
    };
  }), `parley-${siteId}`);

/** Starts recording the text of every status banner the panel shows from now on (see banners()). */
export const watchBanners = (page: Page): Promise<void> => page.evaluate(() => {
  const root = document.querySelector('parley-widget')!.shadowRoot!;
  const seen: string[] = ((window as any).__parleyBanners = []);
  const look = () => root.querySelectorAll('.ban').forEach((el) => { if (!seen.includes(el.textContent!)) seen.push(el.textContent!); });
  look();
  new MutationObserver(look).observe(root, { childList: true, subtree: true, characterData: true });
});

/** The banners' texts recorded since watchBanners(). */
export const banners = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__parleyBanners as string[]);
