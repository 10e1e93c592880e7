/**
 * The SVG chart in docs/benchmarks.md: delivery latency p99 against open streams, one line per
 * system (solid visitor→agent, dashed agent→visitor), drawn from the results JSON alone so it can
 * be regenerated without rerunning (`npm run bench -- --chart-only`). Plain SVG, no library.
 */
import type { BenchResults } from './results.ts';

const COLORS: Record<string, string> = { parley: '#2563eb', 'parley-cluster': '#7c3aed', socketio: '#dc2626', nchan: '#16a34a' };
const W = 780, H = 420, L = 70, R = 220, T = 40, B = 60;

const esc = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value)!;
  return step * power;
}

export function latencyChart(results: BenchResults): string {
  const series: Array<{ system: string; label: string; dashed: boolean; points: Array<[number, number]> }> = [];
  for (const [system, run] of Object.entries(results.systems)) {
    if (run.status !== 'ok') continue;
    for (const [key, dashed] of [['v2a', false], ['a2v', true]] as const) {
      const points = run.points
        .filter((p) => p.latency && p.latency[key].p99 !== null)
        .map((p): [number, number] => [p.streams, p.latency![key].p99!]);
      if (points.length) series.push({ system, label: `${run.label} ${key === 'v2a' ? 'visitor→agent' : 'agent→visitor'}`, dashed, points });
    }
  }
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = niceMax(Math.max(1, ...xs));
  const yMax = niceMax(Math.max(1, ...ys));
  const x = (v: number) => L + (v / xMax) * (W - L - R);
  const y = (v: number) => H - B - (v / yMax) * (H - T - B);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${L}" y="22" font-size="15" font-weight="600">Delivery latency p99 vs open streams at ${results.meta.flags.rate} msg/s</text>`);
  for (let i = 0; i <= 5; i++) {
    const yv = (yMax / 5) * i, xv = (xMax / 5) * i;
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(yv)}" y2="${y(yv)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${L - 8}" y="${y(yv) + 4}" text-anchor="end">${+yv.toFixed(2)}</text>`);
    out.push(`<text x="${x(xv)}" y="${H - B + 18}" text-anchor="middle">${Math.round(xv).toLocaleString('en')}</text>`);
  }
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#111"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#111"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">open visitor streams</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">p99 latency (ms)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.system] ?? '#6b7280';
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p[0]).toFixed(1)} ${y(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of s.points) out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = T + 10 + i * 18;
    out.push(`<line x1="${W - R + 12}" x2="${W - R + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${W - R + 42}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  if (series.length === 0) out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no latency results in this run</text>`);
  out.push(`<text x="${L}" y="${H - 2}" fill="#6b7280" font-size="10">${esc(`${results.meta.date} · ${results.meta.cpus}× ${results.meta.cpuModel} · Node ${results.meta.node}`)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
