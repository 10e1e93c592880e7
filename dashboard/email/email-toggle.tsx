/**
 * The composer's "email if unread" switch (issue 12): on by default, off for a reply that should
 * stay in the chat (a quick "one moment…", say). Shown only when this reply could be emailed at
 * all: email is configured and the visitor left an address they have not unsubscribed.
 */
import { emailing } from './email-state.ts';

export function EmailToggle({ conversationId, checked, onChange }: { conversationId: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const about = emailing.value;
  if (!about || about.conversationId !== conversationId || !about.configured || !about.address || about.unsubscribed) return null;
  return (
    <label class="email-toggle small" title={`If the visitor has not read it in the chat by then, it is emailed to ${about.address}`}>
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />
      Email if unread
    </label>
  );
}
