/**
 * Prints what the widget costs a page, raw, gzip and brotli, each file compressed on its own (as
 * served): the loader (every page view); the typical visitor's set, i.e. the loader and the chunks
 * an opened panel loads on a site without pre-chat or business hours while agents are online, with
 * English words (strings-*.js) or with Chinese ones (zh-*.js instead); and each optional chunk with
 * what loads it. Reports only. Run after `npm run build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Size { raw: number; gzip: number; brotli: number }

export function measure(code: Buffer): Size {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** Chunks only some visitors load (by file-name prefix), and what makes the panel load them. */
export const OPTIONAL: Record<string, string> = {
  strings: 'English words (every locale but zh*)',
  zh: 'Chinese words (locale zh*), instead of strings',
  prechat: 'pre-chat form (site asks name/email, new visitor)',
  away: "email capture (away, whenAway 'email')",
  'business-hours': 'site sets business hours',
  chime: 'first agent reply while the panel is closed (leader tab)',
  identify: "the page calls Parley('identify') or Parley('setAttributes')",
  files: 'files (issue 13): the visitor attaches, drops or pastes one, or a conversation shows one (never prefetched)',
  visitor: 'the visitor PATCH, shared by identify, prechat and away (loaded with the first of them)',
  forget: 'forgetting a visitor on this device: an identity switch, or a visitor the server no longer knows (deleted)',
  signin: "an anonymous visitor on a site that requires verified identities (the note, and the developer's console line)",
  email: "email continuity (issue 12): an email's link (parley_resume in the address), or a resolved conversation's transcript offer where the server sends email",
  rating: 'satisfaction (issue 15): a resolved conversation shown in the panel, on a site that asks for ratings',
};
const optionalOf = (file: string) => Object.keys(OPTIONAL).find((prefix) => new RegExp(`^${prefix}-[A-Za-z0-9_-]{8}\\.js$`).test(file));

const add = (a: Size, b: Size): Size => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

export function widgetSizes(dir = resolve('dist/widget')): {
  loader: Size; typical: Size; chinese: Size; always: Record<string, Size>; optional: Record<string, { file: string; size: Size }>; files: Record<string, Size>;
} {
  const files: Record<string, Size> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) files[name] = measure(readFileSync(join(dir, name)));
  const optional: Record<string, { file: string; size: Size }> = {};
  const always: Record<string, Size> = {};
  let base: Size = { raw: 0, gzip: 0, brotli: 0 };
  for (const [name, size] of Object.entries(files)) {
    const prefix = optionalOf(name);
    if (prefix) optional[prefix] = { file: name, size };
    else base = add(base, (always[name] = size)); // the loader and every chunk not known to be optional
  }
  const none = { file: '', size: { raw: 0, gzip: 0, brotli: 0 } };
  return {
    loader: files['loader.js']!,
    typical: add(base, (optional.strings ?? none).size),
    chinese: add(base, (optional.zh ?? none).size),
    always,
    optional,
    files,
  };
}

if (import.meta.main) {
  const { loader, typical, chinese, always, optional } = widgetSizes();
  const b = (n: number) => `${(n / 1024).toFixed(1)} KB (${n} B)`;
  const row = (label: string, s: Size, budget?: number) =>
    console.log(`${label.padEnd(58)} ${`${(s.raw / 1024).toFixed(1)} KB`.padStart(8)} raw ${b(s.gzip).padStart(18)} gzip ${b(s.brotli).padStart(18)} br${budget ? `   budget ${budget} B gzip: ${s.gzip > budget ? `OVER by ${s.gzip - budget} B` : `met (${budget - s.gzip} B spare)`}` : ''}`);
  row('loader.js (every page view)', loader, 2048);
  for (const [name, size] of Object.entries(always)) if (name !== 'loader.js') row(`  ${name} (every opened panel)`, size);
  row('typical visitor, English: loader + panel + strings', typical, 16 * 1024);
  row('typical visitor, Chinese: loader + panel + zh', chinese, 16 * 1024);
  console.log('chunks loaded only by some visitors:');
  for (const [prefix, { file, size }] of Object.entries(optional)) row(`  ${file}: ${OPTIONAL[prefix]}`, size);
}
