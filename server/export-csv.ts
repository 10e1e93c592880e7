/**
 * Conversations as CSV: one row per message, with its conversation (and its rating: empty cells
 * when it was not rated) and visitor. Cells that a
 * spreadsheet would run as a formula (=, +, -, @ — after blanks, or full-width — tab, CR, LF) are
 * prefixed with a quote (OWASP "CSV injection").
 */
import type { ConversationExport } from './store/store.ts';

const HEADER = ['conversation_id', 'conversation_status', 'conversation_created_at', 'assignee', 'rating_score', 'rating_scale', 'rating_comment',
  'rated_at', 'visitor_id', 'visitor_name', 'visitor_email', 'message_seq', 'message_author', 'agent', 'internal', 'message_created_at', 'message_files',
  'message_body'];

// Spreadsheets also trim leading blanks and read full-width signs as formula starts.
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

/** One spreadsheet-safe CSV cell (also for server/reports/report-csv.ts). */
export function cell(value: unknown): string {
  let text = value == null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (ms: number | null) => (ms == null ? '' : new Date(ms).toISOString());

export function toCsv(conversations: ConversationExport[]): string {
  const rows = [HEADER.join(',')];
  for (const { conversation: c, visitor: v, messages, rating: r } of conversations) {
    for (const m of messages) {
      rows.push([c.id, c.status, iso(c.createdAt), c.assignee?.name, r?.score, r?.scale, r?.comment, iso(r?.ratedAt ?? null), v.id, v.name, v.email,
        m.seq, m.author, m.agent?.name, m.internal, iso(m.createdAt), m.attachments?.map((a) => a.name).join(' | '), m.body].map(cell).join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
