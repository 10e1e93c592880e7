/**
 * Cutting what a visitor typed to the message length limit by characters (code points), as the
 * server counts them: a cut by UTF-16 code units can fall between the two halves of a surrogate
 * pair (an emoji, a rare CJK character) and leave a lone surrogate, ill-formed text that shows as
 * "�" (issue 9). Pure: no DOM, no Preact.
 */

/** The first `max` characters of `text`; a surrogate pair counts as one and is never split. */
export const clip = (text: string, max: number): string => [...text].slice(0, max).join('');
