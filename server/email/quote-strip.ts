/**
 * The new part of an email reply (issue 12): quoted history and signatures taken off, so the agent
 * sees only what the visitor wrote this time. It works on plain text (mailparser's text part, or
 * the text it makes from an HTML-only email) and knows the shapes the common clients write, in
 * English and Chinese among others: Gmail and Apple Mail's "On … wrote:", Outlook's "From: … Sent:
 * …" block and "-----Original Message-----", QQ Mail's "原始邮件", `>` quotes, the "-- " signature
 * delimiter and mobile signatures ("Sent from my iPhone", "发自我的iPhone").
 *
 * When in doubt it keeps text: cutting a visitor's words is worse than showing a line of quote.
 * It does not judge what the text says, and never returns nothing when the email had words: a
 * reply that is nothing but quote comes back whole (newTextOf's caller decides nothing is lost).
 */

/** "-----Original Message-----", QQ Mail's "------------------ 原始邮件 ------------------" and their kin. */
const DIVIDER = /^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original|原始邮件|原始郵件|转发邮件|轉寄郵件)\s*-{2,}\s*$/i;
/** Outlook's rule above its header block. */
const RULE = /^\s*_{10,}\s*$/;
/** The first line of a header block: From in the languages Outlook writes it. */
const HEADER_FROM = /^\s*\*?(from|von|de|发件人|寄件者|寄件人)\s*\*?\s*[:：]/i;
/** The lines that follow it. */
const HEADER_NEXT = /^\s*\*?(sent|date|to|cc|subject|gesendet|an|betreff|envoyé|à|objet|enviado|para|asunto|发送时间|日期|收件人|抄送|主题|寄件日期|收件者|副本|主旨)\s*\*?\s*[:：]/i;
/** A header block squeezed into one line by an HTML-to-text conversion. */
const HEADER_ONE_LINE = /^\s*\*?(from|发件人)\s*\*?\s*[:：].{1,200}\b(sent|date)\s*\*?\s*[:：]/i;
/** An attribution line, which may arrive wrapped over up to three lines. */
const ATTRIBUTION = [
  /^\s*on\b.{0,300}\bwrote\s*:\s*$/i,
  /^\s*le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^\s*am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^\s*el\b.{0,300}\bescribió\s*:\s*$/i,
  // "在 2024年3月5日，Parley <…> 写道：" and Gmail's "Parley <…> 于2024年3月5日周二 10:02写道：".
  /^.{0,300}(写道|寫道)\s*[:：]\s*$/,
];
const SIGNATURE_DELIMITER = /^-- ?$/;
const MOBILE_SIGNATURE = new RegExp('^\\s*(' + [
  'sent from my .{1,40}', 'sent from (mail|outlook|yahoo mail|gmail|proton ?mail)( for .{1,30})?', 'get outlook for .{1,20}',
  'sent via .{1,40}', 'envoyé de mon .{1,30}', 'von meinem .{1,40} gesendet', 'enviado desde mi .{1,30}',
  '发自我的.{1,20}', '从我的.{1,20}发送', '来自我的.{1,20}', '发自.{1,12}(邮箱|邮件|客户端)(大师|app)?', '寄自我的.{1,20}', '從我的.{1,20}傳送',
].join('|') + ')\\s*$', 'i');
const QUOTED = /^\s*>/;

export function newTextOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (DIVIDER.test(line) || SIGNATURE_DELIMITER.test(line) || isHeaderBlock(lines, i)) break;
    if (RULE.test(line) && isHeaderBlock(lines, nextFilled(lines, i + 1))) break;
    const attribution = attributionAt(lines, i);
    if (attribution > 0) {
      // Followed by `>` lines (Gmail's text part, bottom-posting): drop the attribution and let the
      // quote go line by line, keeping what the visitor wrote below or between. Followed by
      // anything else, it is the start of an unmarked quote: the rest is history.
      if (!QUOTED.test(lines[nextFilled(lines, i + attribution)] ?? '')) break;
      i += attribution - 1;
      continue;
    }
    if (!QUOTED.test(line)) kept.push(line.trimEnd());
  }
  while (kept.length > 0 && (kept.at(-1)!.trim() === '' || MOBILE_SIGNATURE.test(kept.at(-1)!))) kept.pop();
  const result = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return result === '' ? text.trim() : result;
}

/** The index of the next line with something on it, from `from` on. */
function nextFilled(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return i;
}

/** A From line followed by at least two more header lines (Sent, To, Subject…) within a few lines. */
function isHeaderBlock(lines: string[], i: number): boolean {
  const line = lines[i];
  if (line === undefined) return false;
  if (HEADER_ONE_LINE.test(line)) return true;
  if (!HEADER_FROM.test(line)) return false;
  let headers = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) if (HEADER_NEXT.test(lines[j]!)) headers++;
  return headers >= 2;
}

/** How many lines the attribution starting at line i takes (wrapped ones join up to three), or 0. */
function attributionAt(lines: string[], i: number): number {
  let joined = '';
  for (let n = 1; n <= 3 && i + n - 1 < lines.length; n++) {
    const line = lines[i + n - 1]!;
    if (n > 1 && line.trim() === '') return 0;
    joined = n === 1 ? line : `${joined} ${line.trim()}`;
    if (joined.length > 400) return 0;
    if (ATTRIBUTION.some((pattern) => pattern.test(joined))) return n;
  }
  return 0;
}
