/**
 * Builds the server for production into dist/server/ (part of `npm run build`; `npm start` runs
 * it): our TypeScript bundled into plain JavaScript, npm packages left to node_modules. Run from
 * its sources, Node strips types at start, and its stripper stays in memory — ~17 MiB in the main
 * thread and again in the SQLite worker's (issue 16: RSS at rest). Tests and `npm run dev` run the
 * sources; the start test runs this build.
 */
import { rmSync } from 'node:fs';
import { build } from 'rolldown';

const OUT = 'dist/server';
rmSync(OUT, { recursive: true, force: true });
await build({
  // The worker is an entry of its own: sqlite-thread.ts starts it from beside itself.
  input: { main: 'server/main.ts', 'sqlite-worker': 'server/store/sqlite-worker.ts' },
  platform: 'node',
  // Packages (bare specifiers, node: built-ins) stay imports; only our own files are bundled.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  output: { dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
  logLevel: 'warn',
});
console.log(`built the server into ${OUT}/`);
