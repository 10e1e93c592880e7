/** Always visible, always true: whether events are arriving and what happens to replies if not. */
import { connectionView } from '../state/connection.ts';
import { pendingReplies } from '../state/outbox.ts';

const TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — replies will be sent when you’re back',
} as const;

export function ConnectionStatus() {
  const state = connectionView.value;
  const waiting = pendingReplies.value.filter((item) => item.state === 'pending').length;
  return (
    <div class={`connection connection-${state}`} role="status" aria-live="polite" data-state={state}>
      <span class="dot" aria-hidden="true" />
      <span>{TEXT[state]}</span>
      {state !== 'live' && waiting > 0 && <span class="connection-queued">{waiting === 1 ? '1 reply waiting' : `${waiting} replies waiting`}</span>}
    </div>
  );
}
