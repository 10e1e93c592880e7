/** The open conversation: header with actions, the messages, the visitor typing, the composer. */
import { useController } from '../controller-context.ts';
import { actionError, current, visitor, visitorOnline } from '../state/conversation.ts';
import { toggleDetails } from '../state/ui.ts';
import { ConversationActions } from './conversation-actions.tsx';
import { Composer } from './composer.tsx';
import { ConversationLabels } from './conversation-labels.tsx';
import { MessageList } from './message-list.tsx';
import { visitorLabel } from './queue-panel.tsx';

export function ConversationPanel() {
  const controller = useController();
  const conversation = current.value;
  if (!conversation) {
    return (
      <section class="conversation conversation-empty" aria-label="Conversation">
        <div class="empty-state">
          <p>Pick a conversation from the queue.</p>
          <p class="muted">Press <kbd>j</kbd> / <kbd>k</kbd> to move and <kbd>Enter</kbd> to open, <kbd>?</kbd> for all shortcuts.</p>
        </div>
      </section>
    );
  }
  const name = visitor.value?.name ?? visitor.value?.email ?? visitorLabel(conversation);
  return (
    <section class="conversation" aria-label={`Conversation with ${name}`}>
      <header class="conversation-head">
        <button type="button" class="ghost back" aria-label="Back to the queue" onClick={() => void controller.open(null)}>←</button>
        <div class="conversation-title">
          <h2>{name}</h2>
          <span class={`presence-line ${visitorOnline.value ? 'on' : ''}`}>
            <span class="dot" aria-hidden="true" />{visitorOnline.value ? 'On the page now' : 'Not on the page'}
          </span>
        </div>
        <ConversationActions conversation={conversation} />
        <button type="button" class="secondary details-toggle" aria-label="Visitor details" onClick={toggleDetails}>Details</button>
      </header>
      <ConversationLabels conversation={conversation} />
      {actionError.value && (
        <div class="action-error" role="alert">
          <span>{actionError.value}</span>
          <button type="button" class="ghost icon" aria-label="Dismiss" onClick={controller.dismissError}>×</button>
        </div>
      )}
      <MessageList conversation={conversation} />
      <Composer conversation={conversation} />
    </section>
  );
}
