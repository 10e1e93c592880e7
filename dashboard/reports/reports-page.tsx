/**
 * The Reports page for owners (issue 15): how the team is doing over a period — conversations per
 * day and how many nobody answered, first-response and resolution times (median and 90th
 * percentile), satisfaction over time and how visitors scored, per agent and per site — as charts
 * first, the numbers behind them a click away, and the same figures as a CSV download. A chunk of
 * its own (reports-section.tsx loads it), so agents who never open it never download it.
 */
import { useEffect } from 'preact/hooks';
import type { ReportFigures, ReportResponse } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatDuration } from '../lib/format.ts';
import { sitesById } from '../state/session.ts';
import { Lines, StackedBars } from './charts.tsx';
import { reportCsvUrl } from './reports-api.ts';
import { preset, query, report, reportError, reportState, type Preset } from './reports-state.ts';
import './reports.css';

const PRESETS: Array<[7 | 30 | 90, string]> = [[7, 'Last 7 days'], [30, 'Last 30 days'], [90, 'Last 90 days']];

const dayLabel = (date: string, year = false) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(year ? { year: 'numeric' } : {}), timeZone: 'UTC' });
const duration = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const csat = (f: ReportFigures) => (f.ratings.count ? Math.round((100 * f.ratings.satisfied) / f.ratings.count) : null);
const percentOf = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)} %` : '—');

export function ReportsPage() {
  const controller = useController();
  useEffect(() => {
    if (!query.value) void controller.reports.lastDays(30);
  }, []);
  const data = report.value;
  const state = reportState.value;
  const current = query.value;
  const chosen = preset.value;
  return (
    <main class="page reports-page">
      <div class="page-body wide">
        <header class="reports-head">
          <div>
            <h1>Reports</h1>
            {data && <p class="muted">{dayLabel(data.from, true)} – {dayLabel(data.to, true)} · {data.timeZone}{data.siteId ? ` · ${sitesById.value.get(data.siteId)?.name ?? ''}` : ' · all sites'}</p>}
          </div>
          <Controls chosen={chosen} csv={current && data ? reportCsvUrl(current) : null} />
        </header>
        {state === 'failed' && <p class="card notice-card" role="alert">{reportError.value}</p>}
        {state === 'loading' && <p class="muted small" role="status">{data ? 'Updating…' : 'Loading the report…'}</p>}
        {data && <Report data={data} busy={state === 'loading'} />}
      </div>
    </main>
  );
}

function Controls({ chosen, csv }: { chosen: Preset; csv: string | null }) {
  const controller = useController();
  const current = query.value;
  const sites = [...sitesById.value.values()];
  return (
    <div class="report-controls">
      <div class="segmented" role="group" aria-label="Period">
        {PRESETS.map(([days, label]) => (
          <button key={days} type="button" class="secondary" aria-pressed={chosen === days} onClick={() => void controller.reports.lastDays(days)}>{label}</button>
        ))}
      </div>
      <label class="field">From
        <input type="date" value={current?.from ?? ''} max={current?.to} onChange={(e) => current && void controller.reports.between(e.currentTarget.value, current.to)} />
      </label>
      <label class="field">To
        <input type="date" value={current?.to ?? ''} min={current?.from} onChange={(e) => current && void controller.reports.between(current.from, e.currentTarget.value)} />
      </label>
      {sites.length > 1 && (
        <label class="field">Site
          <select value={current?.siteId ?? ''} onChange={(e) => void controller.reports.site(e.currentTarget.value || undefined, chosen)}>
            <option value="">All sites</option>
            {sites.map((site) => <option key={site.id} value={site.id}>{site.name}</option>)}
          </select>
        </label>
      )}
      {csv && <a class="secondary button-link" href={csv} download title="One row per day, agent and site, and the total; times in seconds">Download CSV</a>}
    </div>
  );
}

function Report({ data, busy }: { data: ReportResponse; busy: boolean }) {
  const { total, days } = data;
  const labels = days.map((d) => dayLabel(d.date));
  const satisfaction = csat(total);
  const perDay = (total.conversations / Math.max(1, days.length)).toFixed(1);
  if (total.conversations === 0 && total.ratings.count === 0) {
    return <div class="card empty" role="status">No conversations and no ratings in this period. Choose a longer period, or another site.</div>;
  }
  return (
    <div class={`report${busy ? ' busy' : ''}`}>
      <section class="kpis" aria-label="In this period">
        <Kpi label="Conversations" value={total.conversations.toLocaleString()} note={`${perDay} a day`} />
        <Kpi label="Missed" value={total.missed.toLocaleString()} note={`${percentOf(total.missed, total.conversations)} nobody answered`} alert={total.missed > 0} />
        <Kpi label="First response" value={duration(total.firstResponseMs.median)} note={`median · 90 % within ${duration(total.firstResponseMs.p90)}`} />
        <Kpi label="Resolution" value={duration(total.resolutionMs.median)} note={`median · 90 % within ${duration(total.resolutionMs.p90)}`} />
        <Kpi label="Satisfaction" value={satisfaction === null ? '—' : `${satisfaction} %`} note={total.ratings.count ? `satisfied, of ${total.ratings.count} ${total.ratings.count === 1 ? 'rating' : 'ratings'}` : 'no ratings yet'} />
      </section>
      <div class="charts">
        <StackedBars title="Conversations per day" labels={labels} unit="count"
          series={[{ name: 'Answered', tone: 'a', values: days.map((d) => d.answered) }, { name: 'Missed', tone: 'b', values: days.map((d) => d.missed) }]}
          summary={`${total.conversations} conversations, ${total.missed} missed; the busiest day had ${Math.max(...days.map((d) => d.conversations))}.`} />
        <StackedBars title="Satisfaction per day" labels={labels} unit="percent"
          series={[{ name: 'Satisfied', tone: 'c', values: days.map(csat) }]}
          summary={satisfaction === null ? 'no ratings in this period.' : `${satisfaction} % satisfied over the period, of ${total.ratings.count} ratings.`} />
        <Lines title="First response time" labels={labels} unit="duration"
          series={[{ name: 'Median', tone: 'a', values: days.map((d) => d.firstResponseMs.median) }, { name: '90th percentile', tone: 'b', dashed: true, values: days.map((d) => d.firstResponseMs.p90) }]}
          summary={`median ${duration(total.firstResponseMs.median)}, 90th percentile ${duration(total.firstResponseMs.p90)} over the period.`} />
        <Lines title="Resolution time" labels={labels} unit="duration"
          series={[{ name: 'Median', tone: 'a', values: days.map((d) => d.resolutionMs.median) }, { name: '90th percentile', tone: 'b', dashed: true, values: days.map((d) => d.resolutionMs.p90) }]}
          summary={`median ${duration(total.resolutionMs.median)}, 90th percentile ${duration(total.resolutionMs.p90)} over the period.`} />
      </div>
      <Scores figures={total} />
      <Breakdown title="By agent" rows={data.agents.map((row) => ({ key: row.agent?.id ?? 'nobody', name: row.agent?.name ?? 'Nobody (unassigned)', figures: row }))} />
      {data.sites.length > 1 && <Breakdown title="By site" rows={data.sites.map((row) => ({ key: row.site.id, name: row.site.name, figures: row }))} />}
      <Daily data={data} />
    </div>
  );
}

function Kpi({ label, value, note, alert = false }: { label: string; value: string; note: string; alert?: boolean }) {
  return (
    <div class={`kpi${alert ? ' kpi-alert' : ''}`}>
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
      <span class="kpi-note">{note}</span>
    </div>
  );
}

/** How visitors scored: five rows of stars with a bar each (thumbs count as 5 and 1). */
function Scores({ figures }: { figures: ReportFigures }) {
  const { scores, count } = figures.ratings;
  if (!count) return null;
  const most = Math.max(...scores);
  return (
    <section class="card scores" aria-labelledby="scores-title">
      <h2 id="scores-title">How visitors rated</h2>
      <ol class="score-bars">
        {[5, 4, 3, 2, 1].map((score) => (
          <li key={score}>
            <span class="stars" aria-label={`${score} out of 5`}>{'★'.repeat(score)}<span class="unlit">{'☆'.repeat(5 - score)}</span></span>
            <span class="bar-track"><span class={`bar-fill ${score >= 4 ? 'tone-c' : score <= 2 ? 'tone-b' : 'tone-d'}`} style={{ width: `${most ? (100 * scores[score - 1]!) / most : 0}%` }} /></span>
            <span class="bar-count">{scores[score - 1]} · {percentOf(scores[score - 1]!, count)}</span>
          </li>
        ))}
      </ol>
      <p class="muted small">A thumb up counts as 5, a thumb down as 1.</p>
    </section>
  );
}

interface BreakdownRow { key: string; name: string; figures: ReportFigures }

/** Agents or sites, busiest first, each figure with a bar to compare them at a glance. */
function Breakdown({ title, rows }: { title: string; rows: BreakdownRow[] }) {
  if (rows.length === 0) return null;
  const most = Math.max(1, ...rows.map((r) => r.figures.conversations));
  const id = `breakdown-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section class="card breakdown" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Conversations</th><th scope="col">Missed</th><th scope="col">First response</th><th scope="col">Resolution</th><th scope="col">Satisfaction</th></tr>
        </thead>
        <tbody>
          {rows.map(({ key, name, figures: f }) => {
            const score = csat(f);
            return (
              <tr key={key}>
                <th scope="row">{name}</th>
                <td class="bars"><span class="inline-bar"><span class="bar-fill tone-a" style={{ width: `${(100 * f.conversations) / most}%` }} /></span>{f.conversations}</td>
                <td>{f.missed}</td>
                <td>{duration(f.firstResponseMs.median)} <span class="muted small">· p90 {duration(f.firstResponseMs.p90)}</span></td>
                <td>{duration(f.resolutionMs.median)} <span class="muted small">· p90 {duration(f.resolutionMs.p90)}</span></td>
                <td class="bars">{score === null ? <span class="muted">—</span> : <><span class="inline-bar"><span class="bar-fill tone-c" style={{ width: `${score}%` }} /></span>{score} % <span class="muted small">· {f.ratings.count}</span></>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The numbers behind the charts, day by day. */
function Daily({ data }: { data: ReportResponse }) {
  return (
    <details class="card daily">
      <summary>Numbers by day</summary>
      <div class="table-scroll">
        <table>
          <thead>
            <tr><th scope="col">Day</th><th scope="col">Conversations</th><th scope="col">Missed</th><th scope="col">First response (median · p90)</th><th scope="col">Resolution (median · p90)</th><th scope="col">Ratings</th><th scope="col">Satisfied</th></tr>
          </thead>
          <tbody>
            {data.days.map((d) => (
              <tr key={d.date}>
                <th scope="row">{dayLabel(d.date, true)}</th>
                <td>{d.conversations}</td>
                <td>{d.missed}</td>
                <td>{duration(d.firstResponseMs.median)} · {duration(d.firstResponseMs.p90)}</td>
                <td>{duration(d.resolutionMs.median)} · {duration(d.resolutionMs.p90)}</td>
                <td>{d.ratings.count}</td>
                <td>{percentOf(d.ratings.satisfied, d.ratings.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
