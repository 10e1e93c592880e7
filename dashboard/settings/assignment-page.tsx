/**
 * How a site's waiting conversations find an agent (issue 14): the rule (manual, round-robin,
 * least load), each agent's capacity, and the unanswered alert's threshold. One Save publishes all
 * three; turning a rule on gives the conversations already waiting to whoever can take them.
 */
import { useEffect, useState } from 'preact/hooks';
import { LIMITS, type AdminSite, type AssignmentRule, type AssignmentSettings } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { settingsBySite } from '../state/assignment.ts';
import { members } from '../state/team.ts';
import '../components/assignment.css';
import type { TeamMember } from './admin-api.ts';
import { SaveStatus, useSave } from './save-status.tsx';

const RULES: Array<{ id: AssignmentRule; label: string; explain: string }> = [
  { id: 'manual', label: 'Manual', explain: 'Agents claim waiting conversations themselves (replying to one claims it too).' },
  { id: 'round-robin', label: 'Round-robin', explain: 'Each conversation goes to the next online agent in turn, skipping anyone away or at capacity.' },
  { id: 'least-load', label: 'Least load', explain: 'Each conversation goes to the online agent with the fewest open conversations on this site, skipping anyone at capacity.' },
];

/** The site's agents who can be given conversations: enabled, working on it (owners work on every site). */
export const agentsOf = (siteId: string): TeamMember[] =>
  members.value.filter((m) => !m.disabled && (m.role === 'owner' || m.siteIds.includes(siteId)));

export function AssignmentPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    void controller.assignment.loadSettings(site.id).then(setLoadError);
  }, [site.id]);
  const saved = settingsBySite.value.get(site.id);
  return (
    <section class="settings-page" aria-labelledby="assignment-title">
      <h1 id="assignment-title">Assignment</h1>
      <p class="muted">Who gets a conversation when it starts waiting. With a rule on, a conversation nobody can take yet goes to the first agent who comes online or frees a slot, oldest first; one passed to a team goes to one of the team's members.</p>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {!saved ? <p class="muted" role="status">Loading…</p> : <AssignmentForm key={site.id} site={site} saved={saved} />}
    </section>
  );
}

const asText = (n: number | null | undefined) => (n == null ? '' : String(n));

function AssignmentForm({ site, saved }: { site: AdminSite; saved: AssignmentSettings }) {
  const controller = useController();
  const agents = agentsOf(site.id);
  const [rule, setRule] = useState<AssignmentRule>(saved.rule);
  const [alerting, setAlerting] = useState(saved.unansweredAfterSeconds !== null);
  const [minutes, setMinutes] = useState(asText(saved.unansweredAfterSeconds === null ? 2 : saved.unansweredAfterSeconds / 60));
  const [capacities, setCapacities] = useState<Record<string, string>>(Object.fromEntries(agents.map((a) => [a.id, asText(saved.capacities[a.id])])));
  const [status, save] = useSave();
  const threshold = Number(minutes);
  const badThreshold = alerting && !(threshold >= 0.5 && threshold <= 24 * 60);
  const badCapacity = (text: string) => text.trim() !== '' && !/^\d{1,4}$/.test(text.trim()) || Number(text) > LIMITS.capacityMax;
  const invalid = badThreshold || Object.values(capacities).some(badCapacity);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (invalid) return;
        void save(() => controller.assignment.saveSettings(site.id, {
          rule,
          unansweredAfterSeconds: alerting ? Math.round(threshold * 60) : null,
          capacities: Object.fromEntries(Object.entries(capacities).map(([id, text]) => [id, text.trim() === '' ? null : Number(text)])),
        }));
      }}
    >
      <div class="card form">
        <h2 id="rule-title">Rule</h2>
        <div class="rule-choices" role="radiogroup" aria-labelledby="rule-title">
          {RULES.map((choice) => (
            <label key={choice.id} class="rule-choice">
              <input type="radio" name="rule" value={choice.id} checked={rule === choice.id} onChange={() => setRule(choice.id)} />
              <strong>{choice.label}</strong>
              <span class="muted small">{choice.explain}</span>
            </label>
          ))}
        </div>
      </div>

      <div class="card form">
        <h2>Capacity</h2>
        <p class="muted small">The most open conversations of this site the rule gives each agent; empty for no limit, 0 for none. Claiming and transfers by hand are never limited.</p>
        {agents.length === 0 ? <p class="muted">No agents work on this site yet.</p> : (
          <table class="capacity-table">
            <thead><tr><th scope="col">Agent</th><th scope="col">Open conversations at most</th></tr></thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.id}>
                  <td><strong>{agent.name}</strong> <span class="muted small">{agent.role === 'owner' ? 'owner' : ''}</span></td>
                  <td>
                    <input
                      type="number" min={0} max={LIMITS.capacityMax} step={1} inputMode="numeric" placeholder="No limit"
                      aria-label={`Capacity of ${agent.name}`}
                      aria-invalid={badCapacity(capacities[agent.id] ?? '')}
                      value={capacities[agent.id] ?? ''}
                      onInput={(e) => setCapacities({ ...capacities, [agent.id]: e.currentTarget.value })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <div class="card form">
        <h2>Unanswered alert</h2>
        <div class="threshold">
          <label class="inline">
            <input type="checkbox" checked={alerting} onChange={(e) => setAlerting(e.currentTarget.checked)} />
            Alert when a conversation waits longer than
          </label>
          <input type="number" min={0.5} max={1440} step={0.5} aria-label="Minutes before an alert" disabled={!alerting} aria-invalid={badThreshold}
            value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
          <span>minutes with nobody on it</span>
        </div>
        <p class="muted small">It is highlighted in the queue, and whoever sees it there is notified again after each further period of waiting.</p>
        {badThreshold && <p class="error small" role="alert">Choose between half a minute and 24 hours.</p>}
      </div>

      <div class="row">
        <button type="submit" class="primary" disabled={invalid || status.state === 'saving'}>Save</button>
        <SaveStatus status={status} />
      </div>
    </form>
  );
}
