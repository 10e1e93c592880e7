/**
 * Text from clients, made well-formed before anything reads it. JSON may carry a lone UTF-16
 * surrogate ("\ud83d" with its pair cut off); the database stores it as U+FFFD, so the first send
 * would store one text and every retry would compare another, and be refused as a reused client id
 * (issue 9, finding 8). Replacing lone surrogates with U+FFFD up front makes what is compared what
 * is stored. NUL (U+0000) goes the same way: PostgreSQL's text cannot hold it at all, and both
 * engines must store the same thing.
 */
// ES2024 string methods (Node 20+); the project's lib stays ES2023 for the browser code's sake.
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') {
    const text = value as unknown as Es2024String;
    const formed = text.isWellFormed() ? text : text.toWellFormed();
    return (formed.includes('\0') ? formed.replaceAll('\0', '\ufffd') : formed) as T;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormed(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = wellFormed(record[key]);
  }
  return value;
}
