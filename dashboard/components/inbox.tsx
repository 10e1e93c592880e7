/** The agent's working view: queue, open conversation, visitor details. */
import { current } from '../state/conversation.ts';
import { detailsOpen } from '../state/ui.ts';
import { ConversationPanel } from './conversation-panel.tsx';
import { QueuePanel } from './queue-panel.tsx';
import { VisitorPanel } from './visitor-panel.tsx';

export function Inbox() {
  return (
    <main class={`inbox ${current.value ? 'has-open' : ''} ${detailsOpen.value ? 'details-open' : ''}`}>
      <QueuePanel />
      <ConversationPanel />
      {current.value && <VisitorPanel />}
    </main>
  );
}
