/**
 * Widget weight: the bytes a page downloads for the loader and for an opened, working panel —
 * raw, gzip (level 9) and brotli (quality 11) via node:zlib — for Parley's dist/widget and, the
 * same way, for the peers' shipped browser bundles installed in bench/.peers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { OPTIONAL } from '../scripts/widget-size.ts';

export interface Weight { raw: number; gzip: number; brotli: number; files: string[] }
export interface WidgetEntry {
  name: string;
  loader: Weight | null;
  panel: Weight | null;
  note: string;
  skipped?: string;
}

function weigh(root: string, files: string[]): Weight {
  let raw = 0, gzip = 0, brotli = 0;
  for (const file of files) {
    const bytes = readFileSync(join(root, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
  }
  return { raw, gzip, brotli, files };
}

function walk(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(root, path) : [relative(root, path)];
  });
}

const shipped = (file: string) => /\.(m?js|css|html|woff2?|svg)$/.test(file);

/**
 * Parley: loader.js alone, and what a typical visitor's opened panel fetches: every asset under
 * dist/widget except the chunks only some visitors load (scripts/widget-size.ts says which), plus the
 * English words.
 */
export function parleyWidget(distDir: string): WidgetEntry {
  const dir = join(distDir, 'widget');
  const loader = ['loader.js', 'loader.mjs'].find((name) => existsSync(join(dir, name)));
  if (!existsSync(dir) || !loader) {
    return { name: 'Parley', loader: null, panel: null, note: '', skipped: 'skipped: not built (run `npm run build`, or drop --no-build)' };
  }
  const optional = (file: string) => Object.keys(OPTIONAL).find((prefix) => new RegExp(`^${prefix}-[A-Za-z0-9_-]{8}\\.js$`).test(file));
  const all = walk(dir).filter(shipped).sort();
  // parley.mjs is the single-page apps' alternative to the snippet's inline stub, not an extra download.
  const typical = all.filter((file) => file !== 'parley.mjs' && (!optional(file) || optional(file) === 'strings'));
  return {
    name: 'Parley', loader: weigh(dir, [loader]), panel: weigh(dir, typical),
    // What the loader fetches on idle (the panel) and what the panel fetches as it opens (the words)
    // are counted; a chunk only some visitors load (files, pre-chat, away…) is not, and none of them
    // is prefetched (scripts/widget-size.ts, OPTIONAL, says what loads each).
    note: `loader.js; panel = loader + panel (fetched on idle) + English words (${typical.length} files; ${all.length - typical.length - 1} chunks only some visitors load are not counted: ${Object.keys(OPTIONAL).filter((k) => k !== 'strings').join(', ')})`,
  };
}

/** The peers' shipped browser bundles; null entries say why one could not be measured. */
export function peerWidgets(peersDir: string): WidgetEntry[] {
  const modules = join(peersDir, 'node_modules');
  const entries: WidgetEntry[] = [];

  const livechat = join(modules, '@rocket.chat/livechat/build');
  if (existsSync(join(livechat, 'rocketchat-livechat.min.js'))) {
    // The embed script, then the iframe's index.html with the scripts it names, plus the CSS chunks.
    const html = readFileSync(join(livechat, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/src="(?:livechat\/)?([^"]+)"/g)].map((m) => m[1]!).filter((f) => existsSync(join(livechat, f)));
    const css = readdirSync(livechat).filter((f) => f.endsWith('.css'));
    entries.push({
      name: '@rocket.chat/livechat', loader: weigh(livechat, ['rocketchat-livechat.min.js']),
      panel: weigh(livechat, ['rocketchat-livechat.min.js', 'index.html', ...scripts, ...css]),
      note: 'panel = embed script + iframe index.html + its scripts + CSS chunks (route chunks loaded later not counted)',
    });
  } else entries.push({ name: '@rocket.chat/livechat', loader: null, panel: null, note: '', skipped: 'skipped: not installed in bench/.peers' });

  const papercups = join(modules, '@papercups-io/chat-widget/dist/index.js');
  const react = join(modules, 'react/umd/react.production.min.js');
  const reactDom = join(modules, 'react-dom/umd/react-dom.production.min.js');
  if (existsSync(papercups) && existsSync(react) && existsSync(reactDom)) {
    const files = [relative(modules, papercups), relative(modules, react), relative(modules, reactDom)];
    const all = weigh(modules, files);
    entries.push({
      name: '@papercups-io/chat-widget + React', loader: all, panel: all,
      note: 'dist/index.js + react + react-dom 17 production UMD; its panel iframe is served by Papercups and not counted',
    });
  } else entries.push({ name: '@papercups-io/chat-widget + React', loader: null, panel: null, note: '', skipped: 'skipped: not installed in bench/.peers' });

  const sio = join(modules, 'socket.io-client/dist/socket.io.min.js');
  if (existsSync(sio)) {
    const w = weigh(join(modules, 'socket.io-client/dist'), ['socket.io.min.js']);
    entries.push({ name: 'socket.io-client', loader: w, panel: w, note: 'dist/socket.io.min.js: the transport alone, no UI' });
  } else entries.push({ name: 'socket.io-client', loader: null, panel: null, note: '', skipped: 'skipped: not installed in bench/.peers' });

  return entries;
}
