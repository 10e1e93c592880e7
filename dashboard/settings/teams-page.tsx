/**
 * A site's teams (issue 14): groups of its agents that a conversation can be passed to. While it
 * waits, a team's conversation is in its members' queue only, and the site's rule picks one of
 * them. Deleting a team leaves its conversations without one, in everyone's queue.
 */
import { useState } from 'preact/hooks';
import { LIMITS, type AdminSite, type Team } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { teamsOfSite } from '../state/assignment.ts';
import '../components/assignment.css';
import { agentsOf } from './assignment-page.tsx';
import type { TeamMember } from './admin-api.ts';
import { SaveStatus, useSave } from './save-status.tsx';

export function TeamsPage({ site }: { site: AdminSite }) {
  const teams = [...teamsOfSite(site.id)].sort((a, b) => a.name.localeCompare(b.name));
  const agents = agentsOf(site.id);
  return (
    <section class="settings-page" aria-labelledby="teams-title">
      <h1 id="teams-title">Teams</h1>
      <p class="muted">Agents pass a conversation to a team from its Transfer menu. While it waits, only the team's members see it under Waiting (everyone finds it under Open), and an automatic rule gives it to one of them.</p>
      {teams.length === 0 ? <p class="card muted">No teams yet.</p> : (
        <ul class="team-list" aria-label="Teams">
          {teams.map((team) => <li key={team.id}><TeamEditor site={site} team={team} agents={agents} /></li>)}
        </ul>
      )}
      <NewTeam key={`new-${teams.length}`} site={site} agents={agents} />
    </section>
  );
}

function Members({ agents, chosen, onChange, legend }: { agents: TeamMember[]; chosen: string[]; onChange: (next: string[]) => void; legend: string }) {
  if (agents.length === 0) return <p class="muted small">No agents work on this site yet.</p>;
  return (
    <fieldset class="member-choices">
      <legend>{legend}</legend>
      {agents.map((agent) => (
        <label key={agent.id} class="inline">
          <input type="checkbox" checked={chosen.includes(agent.id)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, agent.id] : chosen.filter((id) => id !== agent.id))} />
          {agent.name}
        </label>
      ))}
    </fieldset>
  );
}

function TeamEditor({ site, team, agents }: { site: AdminSite; team: Team; agents: TeamMember[] }) {
  const controller = useController();
  const [name, setName] = useState(team.name);
  const [memberIds, setMemberIds] = useState(team.memberIds);
  const [confirming, setConfirming] = useState(false);
  const [status, run] = useSave();
  const changed = name.trim() !== team.name || [...memberIds].sort().join() !== [...team.memberIds].sort().join();
  return (
    <form
      class="card form team-card"
      aria-label={`Team ${team.name}`}
      data-team={team.name}
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) void run(() => controller.assignment.updateTeam(site.id, team.id, { name: name.trim(), memberIds }));
      }}
    >
      <label>
        Name
        <input type="text" maxLength={LIMITS.teamNameMax} value={name} aria-invalid={!name.trim()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <Members agents={agents} chosen={memberIds} onChange={setMemberIds} legend={`Members of ${team.name}`} />
      <div class="row">
        <button type="submit" class="primary" disabled={!changed || !name.trim() || status.state === 'saving'}>Save</button>
        {confirming ? (
          <>
            <span>Delete {team.name}? Its conversations keep going, without a team.</span>
            <button type="button" class="secondary danger-text" onClick={() => void run(() => controller.assignment.deleteTeam(site.id, team.id))}>Delete team</button>
            <button type="button" class="ghost" onClick={() => setConfirming(false)}>Cancel</button>
          </>
        ) : <button type="button" class="ghost danger-text" onClick={() => setConfirming(true)}>Delete…</button>}
        <SaveStatus status={status} />
      </div>
    </form>
  );
}

function NewTeam({ site, agents }: { site: AdminSite; agents: TeamMember[] }) {
  const controller = useController();
  const [name, setName] = useState('');
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const [status, run] = useSave();
  return (
    <form
      class="card form team-card"
      aria-labelledby="new-team-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) void run(() => controller.assignment.createTeam(site.id, { name: name.trim(), memberIds }));
      }}
    >
      <h2 id="new-team-title">New team</h2>
      <label>
        Name
        <input type="text" maxLength={LIMITS.teamNameMax} placeholder="e.g. Billing, Tier 2" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <Members agents={agents} chosen={memberIds} onChange={setMemberIds} legend="Members" />
      <div class="row">
        <button type="submit" class="primary" disabled={!name.trim() || status.state === 'saving'}>Create team</button>
        <SaveStatus status={status} />
      </div>
    </form>
  );
}
