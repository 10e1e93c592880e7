/**
 * A flame graph (SVG) of one thread's CPU profile, the way docs/benchmarks.md shows where the send
 * path spends its time: `node bench/flame-graph.ts <file.cpuprofile> <out.svg> [title]`. The
 * profile is what `node --cpu-prof` writes (NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" npm run
 * bench -- …; each thread writes its own file). Idle time is left out, so widths are shares of the
 * time the thread was busy; frames of the same function under the same parent are merged, and
 * the widest children come first. It only reads the profile and writes the SVG.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
interface Frame { name: string; self: number; total: number; children: Map<string, Frame> }

const WIDTH = 1200;
const ROW = 16;
/** Deeper frames (module loading's long chains) add height, not insight. */
const MAX_DEPTH = 36;
const IDLE = new Set(['(idle)', '(program)']);

/** "function file:line", the file shortened to what tells it apart (package, or path in the project). */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|dist|protocol|bench)\//, '$1/').replace(/^node:internal\//, 'node:');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

export function foldProfile(profile: Profile): Frame {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const root: Frame = { name: 'all', self: 0, total: 0, children: new Map() };
  const walk = (id: number, parent: Frame) => {
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) return;
    const name = frameName(node);
    let frame = parent.children.get(name);
    if (!frame) parent.children.set(name, (frame = { name, self: 0, total: 0, children: new Map() }));
    frame.self += selfTime.get(id) ?? 0;
    for (const child of node.children ?? []) walk(child, frame);
  };
  const top = profile.nodes[0]!;
  for (const child of top.children ?? []) walk(child, root);
  const sum = (frame: Frame): number => (frame.total = frame.self + [...frame.children.values()].reduce((n, c) => n + sum(c), 0));
  sum(root);
  return root;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Warm colours by where the code lives: ours, packages, Node itself, native. */
function colour(name: string): string {
  if (/ (server|dist|protocol)\//.test(name)) return '#e8743b';
  if (/ node:/.test(name)) return '#9aa5b1';
  if (/ [@\w][\w.-]*\//.test(name)) return '#f2b134';
  return '#d4574a';
}

export function flameSvg(root: Frame, title: string): string {
  const rects: string[] = [];
  let depth = 0;
  const draw = (frame: Frame, x: number, level: number) => {
    depth = Math.max(depth, level);
    const width = (frame.total / root.total) * WIDTH;
    if (width < 1 || level > MAX_DEPTH) return;
    const y = level * ROW;
    const share = ((frame.total / root.total) * 100).toFixed(1);
    const label = width > 40 ? escape(frame.name.slice(0, Math.floor(width / 6.5))) : '';
    rects.push(`<g><title>${escape(frame.name)} — ${share} % of busy time</title><rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${level === 0 ? '#c0c6cc' : colour(frame.name)}"/>`
      + `${label ? `<text x="${(x + 3).toFixed(1)}" y="${y + 11.5}">${label}</text>` : ''}</g>`);
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => b.total - a.total)) {
      draw(child, childX, level + 1);
      childX += (child.total / root.total) * WIDTH;
    }
  };
  draw(root, 0, 0);
  const height = (depth + 1) * ROW + 24;
  // Drawn top-down (an icicle): the caller above its callees, the busy time as the first row.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="10">`
    + `<text x="0" y="14" font-size="12">${escape(title)} (${(root.total / 1000).toFixed(0)} ms busy; hover a frame for its name and share)</text>`
    + `<g transform="translate(0,20)">${rects.join('')}</g></svg>\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output, title = input] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node bench/flame-graph.ts <file.cpuprofile> <out.svg> [title]');
    process.exit(2);
  }
  writeFileSync(output, flameSvg(foldProfile(JSON.parse(readFileSync(input, 'utf8')) as Profile), title!));
  console.log(`flame graph: ${output}`);
}
