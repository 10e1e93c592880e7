/**
 * Polls a condition until it holds or a deadline passes: what tests use instead of fixed sleeps.
 * The deadline only bounds a failure; a passing test waits exactly as long as the condition takes.
 */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Resolves with the condition's first truthy value. */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20, message = 'condition' }: { timeoutMs?: number; intervalMs?: number; message?: string | (() => string) } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof message === 'function' ? message() : message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
