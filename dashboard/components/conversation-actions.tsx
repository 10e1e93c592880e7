/** Claim, transfer, resolve, reopen — whichever apply to the conversation's status. */
import { useState } from 'preact/hooks';
import type { Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { colleagues } from '../state/agents.ts';
import { user } from '../state/session.ts';

export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const [transferTo, setTransferTo] = useState('');
  const myId = user.value?.id;
  const others = colleagues.value.filter((agent) => agent.id !== conversation.assignee?.id);
  return (
    <div class="actions">
      {conversation.status === 'waiting' && (
        <button type="button" class="primary" onClick={() => void controller.claim(conversation.id)}>Claim</button>
      )}
      {conversation.status === 'assigned' && conversation.assignee && (
        <span class="assignee">{conversation.assignee.id === myId ? 'Yours' : `With ${conversation.assignee.name}`}</span>
      )}
      {conversation.status !== 'resolved' && others.length > 0 && (
        <form
          class="transfer"
          onSubmit={(event) => {
            event.preventDefault();
            if (transferTo) void controller.transfer(conversation.id, transferTo).then((ok) => ok && setTransferTo(''));
          }}
        >
          <select aria-label="Transfer to" value={transferTo} onChange={(event) => setTransferTo(event.currentTarget.value)}>
            <option value="">Transfer to…</option>
            {others.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.id === myId ? `${agent.name} (me)` : agent.name}{agent.status === 'online' && agent.connected ? ' · online' : ''}
              </option>
            ))}
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
