/**
 * What an anonymous visitor sees on a site that requires verified identities (issue 14), in place
 * of the composer: a chunk of its own, loaded only for them. Loading it also tells the page's
 * developer, once, what the site must do; the widget itself asks nothing of the server until then.
 */
console.warn("Parley: this site chats with verified visitors only (Require verified identities). Call Parley('identify', { id, hash }) for the signed-in user; see docs/widget.md, \"Identity verification\".");

/** English, Simplified Chinese (indexed by panel.tsx with whether the locale is zh). */
export const signin = ['Sign in to chat with us.', '登录后即可与我们聊天。'];
