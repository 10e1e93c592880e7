/**
 * Two builds in one command: first the panel (ES module chunks with content hashes, loaded with
 * import()), then the loader as a classic IIFE script with a stable name (dist/widget/loader.js)
 * that knows the panel entry's hashed file name (rolldown is Vite 8's bundler, installed with it). The loader must be classic, not a module: the
 * snippet is a plain <script async>, and it must not share chunks with the panel.
 */
import { resolve } from 'node:path';
import { build as rolldown } from 'rolldown';
import { defineConfig, type Plugin } from 'vite';

const outDir = resolve(import.meta.dirname, '../dist/widget');
const jsx = { oxc: { jsx: { runtime: 'automatic' as const, importSource: 'preact' } } };

function loaderBuild(): Plugin {
  let panel = '';
  return {
    name: 'parley-loader',
    generateBundle(_options, bundle) {
      panel = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry)!.fileName;
    },
    async closeBundle() {
      // Rolldown directly (Vite's own bundler): a Vite build would wrap import() in its preload helper.
      await rolldown({
        input: resolve(import.meta.dirname, 'loader.ts'),
        transform: { define: { __PANEL__: JSON.stringify(panel) }, target: 'es2020' },
        output: { file: resolve(outDir, 'loader.js'), format: 'iife', minify: true },
        logLevel: 'warn',
      });
    },
  };
}

export default defineConfig({
  ...jsx,
  plugins: [loaderBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    rollupOptions: {
      input: { panel: resolve(import.meta.dirname, 'panel.tsx') },
      preserveEntrySignatures: 'exports-only',
      output: { format: 'es', entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
