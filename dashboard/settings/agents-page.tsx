/**
 * The team: every user with role, sites and state; invite by a one-time link (no mail server),
 * change role, disable (the server ends their sessions and closes their dashboards at once) or
 * enable, and make a password-reset link.
 */
import { useState } from 'preact/hooks';
import type { AdminSite, Role } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { colleagues, presenceOf } from '../state/agents.ts';
import { status, user } from '../state/session.ts';
import { sites } from '../state/sites.ts';
import { members, shownLink } from '../state/team.ts';
import type { TeamMember } from './admin-api.ts';
import { OneTimeSecret } from './one-time-secret.tsx';
import { SaveStatus, useSave } from './save-status.tsx';

export function AgentsPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [status, run] = useSave();
  const link = shownLink.value;
  const siteNames = new Map(sites.value.map((s) => [s.id, s.name]));
  return (
    <section class="settings-page" aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      {link && (
        <OneTimeSecret
          id="one-time-link"
          title={link.kind === 'invite' ? `Invitation link for ${link.email}` : `Password reset link for ${link.email}`}
          value={link.url}
          warning={`Send it to ${link.email} yourself (chat, mail…). It works once, until ${new Date(link.expiresAt).toLocaleString()}, and is not shown again.`}
          onDone={controller.settings.dismissLink}
        />
      )}
      <div class="card">
        <table class="team">
          <thead>
            <tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Sites</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {members.value.map((member) => (
              <MemberRow key={member.id} member={member} me={member.id === user.value?.id} siteNames={siteNames} run={run} />
            ))}
          </tbody>
        </table>
        <SaveStatus status={status.state === 'saved' ? { state: 'idle' } : status} />
      </div>
      <InviteForm defaultSiteId={site.id} />
    </section>
  );
}

function MemberRow({ member, me, siteNames, run }: { member: TeamMember; me: boolean; siteNames: Map<string, string>; run: ReturnType<typeof useSave>[1] }) {
  const controller = useController();
  const who = `${member.name} (${member.email})`;
  return (
    <tr class={member.disabled ? 'disabled' : ''} data-user={member.email}>
      <td><strong>{member.name}</strong>{me && <span class="muted small"> (you)</span>}<br /><span class="muted small">{member.email}</span></td>
      <td>
        <select aria-label={`Role of ${who}`} value={member.role} onChange={(e) => void run(() => controller.settings.updateUser(member.id, { role: e.currentTarget.value as Role }))}>
          <option value="agent">Agent</option>
          <option value="owner">Owner</option>
        </select>
      </td>
      <td class="small">{member.role === 'owner' ? <span class="muted">All sites</span> : member.siteIds.map((id) => siteNames.get(id) ?? id).join(', ') || <span class="muted">None</span>}</td>
      <td>{member.disabled ? <span class="pill off">Disabled</span> : <Presence member={member} />}</td>
      <td class="row-actions">
        <button type="button" class="ghost" aria-label={`Reset password of ${who}`} onClick={() => void run(() => controller.settings.passwordReset(member.id, member.email))}>Reset password</button>
        {member.disabled
          ? <button type="button" class="secondary" aria-label={`Enable ${who}`} onClick={() => void run(() => controller.settings.updateUser(member.id, { disabled: false }))}>Enable</button>
          : <button type="button" class="secondary danger-text" aria-label={`Disable ${who}`} onClick={() => void run(() => controller.settings.updateUser(member.id, { disabled: true }))}>Disable</button>}
      </td>
    </tr>
  );
}

/**
 * Whether they are there, live: the status they chose and whether a dashboard of theirs is
 * connected, as the transfer list says it (state/agents.ts, kept current by `presence` events);
 * you, as your own status says, since you are here. An account on none of your sites is in no list
 * of colleagues: nobody can reach them anyway.
 */
function Presence({ member }: { member: TeamMember }) {
  const colleague = member.id === user.value?.id ? { ...member, status: status.value, connected: true }
    : colleagues.value.find((agent) => agent.id === member.id);
  const state = colleague ? presenceOf(colleague) : 'offline';
  return <span class={`pill ${state === 'online' ? 'on' : ''}`}>{state === 'online' ? 'Online' : state === 'away' ? 'Away' : 'Offline'}</span>;
}

function InviteForm({ defaultSiteId }: { defaultSiteId: string }) {
  const controller = useController();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [siteIds, setSiteIds] = useState<string[]>([defaultSiteId]);
  const [status, run] = useSave();
  return (
    <form
      class="card form"
      aria-labelledby="invite-title"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await run(() => controller.settings.invite({ email: email.trim(), name: name.trim(), role, siteIds }))) { setEmail(''); setName(''); }
      }}
    >
      <h2 id="invite-title">Invite someone</h2>
      <p class="muted small">You get a one-time link to hand over; it works for 7 days. No mail server needed.</p>
      <div class="field-row">
        <label>Email<input type="email" required maxLength={320} value={email} onInput={(e) => setEmail(e.currentTarget.value)} /></label>
        <label>Name<input type="text" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="agent">Agent</option>
            <option value="owner">Owner (all settings)</option>
          </select>
        </label>
      </div>
      <fieldset>
        <legend>Sites they answer</legend>
        {sites.value.map((s) => (
          <label class="inline" key={s.id}>
            <input type="checkbox" checked={siteIds.includes(s.id)} onChange={(e) => setSiteIds(e.currentTarget.checked ? [...siteIds, s.id] : siteIds.filter((id) => id !== s.id))} />
            {s.name}
          </label>
        ))}
      </fieldset>
      <div class="row">
        <button type="submit" class="primary" disabled={!email.trim() || !name.trim() || status.state === 'saving'}>Create invitation link</button>
        <SaveStatus status={status.state === 'saved' ? { state: 'idle' } : status} />
      </div>
    </form>
  );
}
