/**
 * The report's charts, drawn by hand in SVG (issue 15): stacked bars per day and lines per day,
 * with round axes (chart-scale.ts), a legend, and a native tooltip per day (an SVG <title>) that
 * names every value of that day. Colours come from the theme's variables (reports.css), so both
 * themes read. No chart library: these two shapes are all the page needs, in a few KB.
 */
import type { ComponentChildren } from 'preact';
import { countTicks, durationTicks, labelEvery, shortDuration } from './chart-scale.ts';

export interface Series {
  name: string;
  values: Array<number | null>;
  /** Which of the theme's chart colours (reports.css .tone-a …). */
  tone: 'a' | 'b' | 'c';
  dashed?: boolean;
}

export type Unit = 'count' | 'duration' | 'percent';

const W = 600;
const H = 220;
const M = { left: 52, right: 10, top: 12, bottom: 26 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const ticksFor = (unit: Unit, max: number) => (unit === 'duration' ? durationTicks(max) : unit === 'percent' ? [0, 25, 50, 75, 100] : countTicks(max));
export const formatValue = (unit: Unit, value: number | null): string =>
  value === null ? '—' : unit === 'duration' ? shortDuration(value) : unit === 'percent' ? `${Math.round(value)} %` : value.toLocaleString();

interface ChartProps {
  title: string;
  /** One per day: what the x axis and the tooltips say. */
  labels: string[];
  series: Series[];
  unit: Unit;
  /** What a screen reader hears instead of the picture. */
  summary: string;
}

/** Axes, grid, legend and the per-day tooltips around a chart's marks. */
function Frame({ title, labels, series, unit, summary, top, children }: ChartProps & { top: number; children: ComponentChildren }) {
  const ticks = ticksFor(unit, top);
  const max = ticks.at(-1)!;
  const band = PLOT_W / Math.max(1, labels.length);
  const shown = labelEvery(labels.length, 7);
  return (
    <figure class="chart">
      <figcaption>
        <span class="chart-title">{title}</span>
        <span class="legend">
          {series.map((s) => <span key={s.name} class="legend-item"><span class={`legend-swatch tone-${s.tone}${s.dashed ? ' dashed' : ''}`} aria-hidden="true" />{s.name}</span>)}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`}>
        {ticks.map((tick) => {
          const y = M.top + PLOT_H - (tick / max) * PLOT_H;
          return (
            <g key={tick} class="grid">
              <line x1={M.left} x2={W - M.right} y1={y} y2={y} />
              <text x={M.left - 6} y={y + 4} text-anchor="end">{formatValue(unit, tick)}</text>
            </g>
          );
        })}
        {children}
        {labels.map((label, i) => (
          <g key={i} class="day">
            {shown(i) && <text class="x-label" x={M.left + band * (i + 0.5)} y={H - 8} text-anchor="middle">{label}</text>}
            <rect x={M.left + band * i} y={M.top} width={band} height={PLOT_H} class="hover">
              <title>{`${label}\n${series.map((s) => `${s.name}: ${formatValue(unit, s.values[i] ?? null)}`).join('\n')}`}</title>
            </rect>
          </g>
        ))}
      </svg>
    </figure>
  );
}

const yOf = (value: number, max: number) => M.top + PLOT_H - (value / max) * PLOT_H;

/** Each day's values stacked, in series order from the bottom. */
export function StackedBars(props: ChartProps) {
  const { labels, series, unit } = props;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = ticksFor(unit, Math.max(0, ...totals)).at(-1)!;
  const band = PLOT_W / Math.max(1, labels.length);
  const width = Math.max(1, Math.min(28, band * 0.7));
  return (
    <Frame {...props} top={Math.max(0, ...totals)}>
      {labels.map((_, i) => {
        let base = 0;
        return (
          <g key={i}>
            {series.map((s) => {
              const value = s.values[i] ?? 0;
              if (value <= 0) return null;
              const y = yOf(base + value, max);
              const height = yOf(base, max) - y;
              base += value;
              return <rect key={s.name} class={`bar tone-${s.tone}`} x={M.left + band * (i + 0.5) - width / 2} y={y} width={width} height={height} rx={2} />;
            })}
          </g>
        );
      })}
    </Frame>
  );
}

/** A line per series; a day without a value leaves a gap, a lone day shows as a dot. */
export function Lines(props: ChartProps) {
  const { labels, series, unit } = props;
  const top = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const max = ticksFor(unit, top).at(-1)!;
  const band = PLOT_W / Math.max(1, labels.length);
  const x = (i: number) => M.left + band * (i + 0.5);
  return (
    <Frame {...props} top={top}>
      {series.map((s) => {
        const runs: Array<Array<[number, number]>> = [];
        s.values.forEach((value, i) => {
          if (value === null) return;
          const last = runs.at(-1);
          const point: [number, number] = [x(i), yOf(value, max)];
          if (last && s.values[i - 1] !== null && i > 0) last.push(point);
          else runs.push([point]);
        });
        return (
          <g key={s.name} class={`series tone-${s.tone}${s.dashed ? ' dashed' : ''}`}>
            {runs.map((run, r) => (run.length === 1
              ? <circle key={r} cx={run[0]![0]} cy={run[0]![1]} r={3} />
              : <polyline key={r} points={run.map(([px, py]) => `${px},${py}`).join(' ')} />))}
          </g>
        );
      })}
    </Frame>
  );
}
