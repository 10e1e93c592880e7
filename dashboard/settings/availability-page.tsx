/**
 * When someone answers: business hours per weekday in a time zone (none = always open), what the
 * widget does when nobody can (ask for an email, or hide), and the away message. "Open now" uses
 * the same isOpen() the widget uses, on the hours as edited.
 */
import { useEffect, useState } from 'preact/hooks';
import { isOpen, localTime } from '../../protocol/business-hours.ts';
import type { AdminSite, BusinessHours, WidgetConfig } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { now } from '../state/clock.ts';
import { SaveStatus, useSave } from './save-status.tsx';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Monday first, as most people read a week; days[] stays Sunday first as the protocol says. */
const ORDER = [1, 2, 3, 4, 5, 6, 0];
const MAX_RANGES = 4;

const zones = (): string[] => {
  try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; }
};
const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function officeHours(timeZone: string): BusinessHours {
  return { timeZone, days: [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 || d === 6 ? [] : [['09:00', '17:00']])) };
}

type Away = Pick<WidgetConfig, 'businessHours' | 'whenAway' | 'awayMessage'>;

export function AvailabilityPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [draft, setDraft] = useState<Away>({ businessHours: site.widget.businessHours, whenAway: site.widget.whenAway, awayMessage: site.widget.awayMessage });
  const [status, save] = useSave();
  // Whether the server sends email decides what the widget's away form promises (issue 12).
  const [emailOn, setEmailOn] = useState<boolean | null>(null);
  useEffect(() => void controller.email.siteEmail(site.id).then((result) => setEmailOn(result.value?.configured ?? null)), [site.id]);
  const hours = draft.businessHours;
  const setHours = (next: BusinessHours | null) => setDraft({ ...draft, businessHours: next });
  const setDay = (day: number, ranges: Array<[string, string]>) => hours && setHours({ ...hours, days: hours.days.map((r, i) => (i === day ? ranges : r)) });
  const badRange = hours?.days.some((ranges) => ranges.some(([from, to]) => !from || !to || from >= to)) ?? false;
  const open = isOpen(hours, new Date(now.value));
  let there = '';
  try { if (hours) { const t = localTime(hours.timeZone, new Date(now.value)); there = `${DAYS[t.day]} ${t.time}`; } } catch { /* unknown zone */ }
  const allZones = zones();
  return (
    <section class="settings-page" aria-labelledby="availability-title">
      <h1 id="availability-title">Availability</h1>
      <form
        class="card form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!badRange) void save(() => controller.settings.updateSite(site.id, { widget: draft }));
        }}
      >
        <div class="card-head">
          <h2>Business hours</h2>
          <span class={`open-badge ${open ? 'open' : 'closed'}`} role="status" data-open={open}>{open ? 'Open now' : 'Closed now'}</span>
        </div>
        <label class="inline">
          <input type="checkbox" checked={hours !== null} onChange={(e) => setHours(e.currentTarget.checked ? officeHours(browserZone()) : null)} />
          Only during business hours <span class="muted small">(otherwise: whenever an agent is online)</span>
        </label>
        {hours && (
          <>
            <label>
              Time zone {there && <span class="muted small">— now {there} there</span>}
              <select value={hours.timeZone} onChange={(e) => setHours({ ...hours, timeZone: e.currentTarget.value })}>
                {!allZones.includes(hours.timeZone) && <option value={hours.timeZone}>{hours.timeZone}</option>}
                {allZones.map((zone) => <option key={zone} value={zone}>{zone.replace(/_/g, ' ')}</option>)}
              </select>
            </label>
            <table class="hours">
              <caption class="sr-only">Opening hours per weekday</caption>
              <tbody>
                {ORDER.map((day) => {
                  const ranges = hours.days[day] ?? [];
                  return (
                    <tr key={day}>
                      <th scope="row">
                        <label class="inline">
                          <input type="checkbox" checked={ranges.length > 0} onChange={(e) => setDay(day, e.currentTarget.checked ? [['09:00', '17:00']] : [])} />
                          {DAYS[day]}
                        </label>
                      </th>
                      <td>
                        {ranges.length === 0 && <span class="muted">Closed</span>}
                        {ranges.map(([from, to], i) => (
                          <span class="range" key={i}>
                            <input type="time" aria-label={`${DAYS[day]} opens`} value={from} onInput={(e) => setDay(day, ranges.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))} />
                            –
                            <input type="time" aria-label={`${DAYS[day]} closes`} value={to === '24:00' ? '23:59' : to} onInput={(e) => setDay(day, ranges.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))} />
                            {ranges.length > 1 && <button type="button" class="ghost icon" aria-label={`Remove ${DAYS[day]} hours ${from}–${to}`} onClick={() => setDay(day, ranges.filter((_, j) => j !== i))}>×</button>}
                          </span>
                        ))}
                        {ranges.length > 0 && ranges.length < MAX_RANGES && (
                          <button type="button" class="link small" onClick={() => setDay(day, [...ranges, ['13:00', '17:00']])}>+ hours</button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {badRange && <p class="error small" role="alert">Each range must end after it starts.</p>}
          </>
        )}
        <h2>When nobody can answer</h2>
        <p class="muted small">Outside business hours, or when no agent of this site is online.</p>
        <fieldset>
          <legend class="sr-only">What the widget does</legend>
          <label class="inline"><input type="radio" name="away" checked={draft.whenAway === 'email'} onChange={() => setDraft({ ...draft, whenAway: 'email' })} /> Show the away message and ask for an email</label>
          <label class="inline"><input type="radio" name="away" checked={draft.whenAway === 'hide'} onChange={() => setDraft({ ...draft, whenAway: 'hide' })} /> Hide the widget</label>
        </fieldset>
        <label>
          Away message
          <textarea rows={2} maxLength={500} value={draft.awayMessage} onInput={(e) => setDraft({ ...draft, awayMessage: e.currentTarget.value })} />
        </label>
        {emailOn !== null && (
          <p class="muted small" data-email-replies={emailOn ? 'on' : 'off'}>
            {emailOn
              ? 'This server sends email: the widget asks for an address and promises a reply by email, and your replies reach visitors who have left.'
              : 'This server sends no email (see Settings → Email): the widget asks for an address only for your records and says you will answer here, in the chat. Keep this message from promising a reply by email.'}
          </p>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={badRange || status.state === 'saving'}>Save availability</button>
          <SaveStatus status={status} />
        </div>
      </form>
    </section>
  );
}
