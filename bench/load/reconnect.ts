/** Reopening a set of dropped SSE streams with jitter and retries, shared by the SSE targets. */
import { SseClient } from './sse-client.ts';
import type { OpenResult } from './target.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Each client waits a random [0, jitterMs), then retries with backoff until deadlineMs. */
export async function reopenAll(clients: SseClient[], jitterMs: number, deadlineMs: number): Promise<OpenResult> {
  const deadline = Date.now() + deadlineMs;
  let failed = 0;
  let firstError: string | null = null;
  let retries = 0;
  let firstRetry: string | null = null;
  await Promise.all(clients.map(async (client) => {
    await sleep(Math.random() * jitterMs);
    for (let attempt = 0; ; attempt++) {
      try {
        await client.open(Math.max(1000, deadline - Date.now()));
        return;
      } catch (error) {
        if (Date.now() + 200 >= deadline || attempt >= 50) {
          failed++;
          firstError ??= (error as Error).message;
          return;
        }
        retries++;
        firstRetry ??= (error as Error).message;
        await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }));
  if (retries > 0) firstError = `${firstError ? `${firstError}; ` : ''}${retries} retries, first because: ${firstRetry}`;
  return { opened: clients.length - failed, failed, firstError };
}
