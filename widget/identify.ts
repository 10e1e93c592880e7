/**
 * `Parley('identify', …)` and `Parley('setAttributes', …)`: a chunk of its own, loaded by the
 * first such call, since a typical visitor's page makes neither (docs/widget.md "Sizes").
 * Only turns the public arguments into the visitor PATCH; chat.ts owns the request.
 */
import type { Chat } from './chat.ts';

export function identify(chat: Chat, method: string, arg: unknown): void {
  if (method === 'setAttributes') void chat.updateVisitor({ attributes: arg });
  else if (arg && typeof arg === 'object') {
    const { id, name, email, hash } = arg as Record<string, string | undefined>;
    // Fields left undefined are left out of the JSON body.
    void chat.updateVisitor({ name: name || undefined, email: email || undefined, identity: id && hash ? { id: String(id), hash } : undefined })
      .then((result) => result.status >= 300 && console.warn(`Parley: identify failed (${JSON.stringify(result.body)})`));
  }
}
