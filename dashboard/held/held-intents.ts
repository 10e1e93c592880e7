/**
 * What an agent does with held email (issue 12): load it (with the session, and again after any
 * gap in the stream), accept one into the conversation it claims, or discard one. Outcomes go to
 * held-state.ts and the toast; nothing here renders.
 */
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';
import * as queue from '../state/queue.ts';
import { showToast } from '../state/ui.ts';
import { createHeldApi } from './held-api.ts';
import { heldBusyChanged, heldLoaded, heldReleased, heldReset } from './held-state.ts';

export function createHeldIntents(deps: ControllerDeps) {
  const api = createHeldApi(deps.api.call);

  async function settle(id: string, work: () => Promise<string>): Promise<void> {
    heldBusyChanged(id, true);
    try {
      const done = await work();
      heldReleased(id);
      showToast(done);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PARLEY_ERR_HELD_EMAIL_NOT_FOUND') {
        heldReleased(id);
        showToast('Someone else has already dealt with this email.');
      } else if (!(error instanceof ApiError && error.status === 401)) {
        showToast(messageOf(error), 'error');
      }
    } finally {
      heldBusyChanged(id, false);
    }
  }

  return {
    /** Replaces the list; a failure leaves it as it was (the next resync asks again). */
    reload(): void {
      api.list().then((result) => heldLoaded(result.heldEmails), () => {});
    },
    forget: heldReset,
    accept: (id: string) => settle(id, async () => {
      const { message, conversation } = await api.accept(id);
      queue.conversationChanged(conversation);
      queue.messageArrived(message);
      return 'Added to the conversation as the visitor\'s message.';
    }),
    discard: (id: string) => settle(id, async () => {
      await api.discard(id);
      return 'Email discarded.';
    }),
  };
}

export type HeldIntents = ReturnType<typeof createHeldIntents>;
