/** The held-email API (protocol HELD_EMAIL_PATHS) over the dashboard's one request function. */
import { HELD_EMAIL_PATHS, path, type Conversation, type HeldEmailListResponse, type Message } from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export function createHeldApi(call: Call) {
  const item = (template: string, heldEmailId: string) => path(template, { heldEmailId });
  return {
    list: () => call<HeldEmailListResponse>('GET', HELD_EMAIL_PATHS.list),
    accept: (heldEmailId: string) => call<{ message: Message; conversation: Conversation }>('POST', item(HELD_EMAIL_PATHS.accept, heldEmailId), {}),
    discard: (heldEmailId: string) => call<void>('DELETE', item(HELD_EMAIL_PATHS.item, heldEmailId)),
  };
}

export type HeldApi = ReturnType<typeof createHeldApi>;
