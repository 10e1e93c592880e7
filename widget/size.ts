/**
 * Prints what the widget costs a page: the loader (downloaded by every page view) and the full
 * panel set (everything an opened, working panel needs, offline outbox included), raw, gzip and
 * brotli. Reports only; bench/ reuses `widgetSizes()`. Run after `npm run build`.
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

/** Each file is compressed on its own, as it is served. */
export function widgetSizes(dir = resolve('dist/widget')): { loader: Size; panel: Size; files: Record<string, Size> } {
  const files: Record<string, Size> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) files[name] = measure(readFileSync(join(dir, name)));
  const sum = (names: string[]) => names.reduce((total, name) => ({
    raw: total.raw + files[name]!.raw, gzip: total.gzip + files[name]!.gzip, brotli: total.brotli + files[name]!.brotli,
  }), { raw: 0, gzip: 0, brotli: 0 });
  return { loader: files['loader.js']!, panel: sum(Object.keys(files)), files };
}

if (import.meta.main) {
  const { loader, panel, files } = widgetSizes();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const row = (label: string, s: Size, budget?: number) =>
    console.log(`${label.padEnd(34)} ${kb(s.raw).padStart(9)} raw ${kb(s.gzip).padStart(9)} gzip ${kb(s.brotli).padStart(9)} br${budget ? `   (budget ${kb(budget)} gzip${s.gzip > budget ? ', OVER' : ''})` : ''}`);
  for (const [name, size] of Object.entries(files)) row(`  ${name}`, size);
  row('loader (every page view)', loader, 2048);
  row('opened panel, all files', panel, 16 * 1024);
}
