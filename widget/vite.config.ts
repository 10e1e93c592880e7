/**
 * Three builds in one command: first the panel (ES module chunks with content hashes, loaded with
 * import(): the panel entry, and the chunks only some visitors load, see scripts/widget-size.ts), then the
 * loader as a classic IIFE script with a stable name (dist/widget/loader.js) that knows the panel
 * entry's hashed file name (rolldown is Vite 8's bundler, installed with it). The loader must be
 * classic, not a module: the snippet is a plain <script async>, and it must not share chunks with
 * the panel. Last, parley.mjs (widget/module.ts), the ES-module way in for single-page apps.
 * Chunk names end in -<8 characters>.js, which the server serves as immutable.
 */
import { resolve } from 'node:path';
import { build as rolldown } from 'rolldown';
import { minifySync } from 'rolldown/utils';
import { defineConfig, type Plugin } from 'vite';
import { checkNames, shortened } from './property-names.ts';

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
        plugins: [mangleProps()],
        transform: { define: { __PANEL__: JSON.stringify(panel) }, target: 'es2020' },
        output: { file: resolve(outDir, 'loader.js'), format: 'iife', minify: true },
        logLevel: 'warn',
      });
      // The same entry point as an ES module, for single-page apps (stable name, like the loader).
      await rolldown({
        input: resolve(import.meta.dirname, 'module.ts'),
        transform: { target: 'es2020' },
        output: { file: resolve(outDir, 'parley.mjs'), format: 'es', minify: true },
        logLevel: 'warn',
      });
    },
  };
}

/**
 * Property names only our own code uses, shortened to `$0`, `$1`… in the loader and every panel
 * chunk alike (property-names.ts says which, and why the rest are kept). The lists are checked
 * against client/ and host.ts first: a name renamed, added or dropped there fails the build here.
 * No built-in or wire name starts with `$`, so the short names cannot collide.
 */
checkNames();
const INTERNAL = shortened();
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$';
if (INTERNAL.length > DIGITS.length) throw new Error('INTERNAL: more names than one-character suffixes');
const cache = Object.fromEntries(INTERNAL.map((name, i) => [name, `$${DIGITS[i]!}`]));

function mangleProps(): Plugin {
  return {
    name: 'parley-mangle-props',
    renderChunk(code, chunk) {
      const result = minifySync(chunk.fileName, code, {
        compress: false, mangle: false,
        mangleProps: { include: new RegExp(`^(${INTERNAL.join('|')})$`), cache },
      });
      if (result.errors.length) throw new Error(result.errors.map((e) => e.message).join('\n'));
      return { code: result.code, map: null };
    },
  };
}

export default defineConfig({
  ...jsx,
  // The widget's own few lines of signals instead of the library (widget/signals.ts says why).
  resolve: { alias: { '@preact/signals-core': resolve(import.meta.dirname, 'signals.ts') } },
  plugins: [mangleProps(), loaderBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    // Library mode: Vite then leaves import() alone (no preload helper, which would cost the panel
    // ~0.5 KB gzip). It would also keep whitespace and /* @__PURE__ */ comments in ES output, hence
    // minify and comments set explicitly (below too, for rolldown's output).
    lib: { entry: resolve(import.meta.dirname, 'panel.tsx'), formats: ['es'] },
    minify: true,
    rollupOptions: {
      input: { panel: resolve(import.meta.dirname, 'panel.tsx') },
      preserveEntrySignatures: 'exports-only',
      output: { minify: true, comments: false, format: 'es', entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
