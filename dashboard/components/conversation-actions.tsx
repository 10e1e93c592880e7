/** Claim, transfer, resolve, reopen — whichever apply to the conversation's status. */
import { useState } from 'preact/hooks';
import type { Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { teamsOfSite } from '../state/assignment.ts';
import { colleagues, presenceOf } from '../state/agents.ts';
import { TeamBadge } from './assignment-marks.tsx';
import { user } from '../state/session.ts';

export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const [transferTo, setTransferTo] = useState('');
  const myId = user.value?.id;
  const others = colleagues.value.filter((agent) => agent.id !== conversation.assignee?.id);
  // Teams too (issue 14): the conversation then waits for the team; not the one it already waits for.
  const teams = teamsOfSite(conversation.siteId).filter((team) => !(conversation.status === 'waiting' && conversation.team?.id === team.id));
  return (
    <div class="actions">
      {conversation.status === 'waiting' && (
        <button type="button" class="primary" onClick={() => void controller.claim(conversation.id)}>Claim</button>
      )}
      {conversation.status === 'assigned' && conversation.assignee && (
        <span class="assignee">{conversation.assignee.id === myId ? 'Yours' : `With ${conversation.assignee.name}`}</span>
      )}
      {conversation.team && <TeamBadge team={conversation.team} />}
      {conversation.status !== 'resolved' && others.length + teams.length > 0 && (
        <form
          class="transfer"
          onSubmit={(event) => {
            event.preventDefault();
            if (!transferTo) return;
            const team = /^team:(.+)$/.exec(transferTo)?.[1];
            void (team ? controller.assignment.transferToTeam(conversation.id, team) : controller.transfer(conversation.id, transferTo)).then((ok) => ok && setTransferTo(''));
          }}
        >
          <select aria-label="Transfer to" value={transferTo} onChange={(event) => setTransferTo(event.currentTarget.value)}>
            <option value="">Transfer to…</option>
            {others.length > 0 && (
              <optgroup label="Agents">
                {others.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.id === myId ? `${agent.name} (me)` : agent.name} · {presenceOf(agent)}
                  </option>
                ))}
              </optgroup>
            )}
            {teams.length > 0 && (
              <optgroup label="Teams">
                {teams.map((team) => <option key={team.id} value={`team:${team.id}`}>{team.name} · {team.memberIds.length === 1 ? '1 member' : `${team.memberIds.length} members`}</option>)}
              </optgroup>
            )}
          </select>
          <button type="submit" class="secondary" disabled={!transferTo}>Transfer</button>
        </form>
      )}
      {conversation.status !== 'resolved'
        ? <button type="button" class="secondary" aria-keyshortcuts="e" onClick={() => void controller.resolve(conversation.id)}>Resolve</button>
        : <button type="button" class="secondary" onClick={() => void controller.reopen(conversation.id)}>Reopen</button>}
    </div>
  );
}
