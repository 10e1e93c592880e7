/**
 * `Parley('identify', …)` and `Parley('setAttributes', …)`: a chunk of its own, loaded by the
 * first such call, since a typical visitor's page makes neither (docs/widget.md "Sizes"). Turns
 * the public arguments into the visitor PATCH (chat.ts owns the request), in call order. When the
 * answer makes this browser a new visitor, forget.ts forgets the previous one; when it verifies a
 * visitor the site requires to be verified, the widget starts over as the verified visitor.
 */
import type { UpdateVisitorResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';
import { inLine, renew } from './forget.ts';
import { updateVisitor } from './visitor.ts';

export function identify(chat: Chat, method: string, arg: unknown): void {
  if (method === 'setAttributes') inLine(chat, () => updateVisitor(chat, { attributes: arg }));
  else if (arg && typeof arg === 'object') {
    const { id, name, email, hash } = arg as Record<string, string | undefined>;
    inLine(chat, async () => {
      // Whether the session is held back for want of a verified identity is known once it answered
      // (an identify made as the page loads comes before that).
      await chat.ready;
      const locked = chat.locked.value;
      // Fields left undefined are left out of the JSON body.
      const result = await updateVisitor(chat, { name: name || undefined, email: email || undefined, identity: id && hash ? { id: String(id), hash } : undefined });
      const token = result.status === 200 && (result.body as UpdateVisitorResponse).token;
      if (result.status >= 300) console.warn(`Parley: identify failed (${JSON.stringify(result.body)})`);
      else if (token) await renew(chat, token, true);
      // Until now the session waited (chat.ts begin): no stream, nothing sent. Now it may chat, without a reload.
      else if (locked && !chat.locked.value) await chat.restart(chat.storage.get('token')!);
    });
  }
}
