/**
 * Run after the browser builds (`npm run build`): writes a .br and a .gz beside every built
 * JavaScript, CSS, HTML and SVG file, which the static routes serve to browsers that accept them
 * (@fastify/static `preCompressed`). Compressing once at build time, at the highest levels, costs
 * the server nothing per request — the widget's size budgets are these compressed sizes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(m?js|css|html|svg|json)$/;

export function precompress(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
    count++;
  }
  return count;
}

if (import.meta.main) {
  const count = ['dist/widget', 'dist/dashboard'].reduce((n, dir) => n + precompress(dir), 0);
  console.log(`precompressed ${count} files (gzip, brotli)`);
}
