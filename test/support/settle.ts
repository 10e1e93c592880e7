/**
 * Lets queued promise callbacks and immediates run: what a unit test awaits after poking a fake
 * (an EventSource event, a BroadcastChannel message) before it looks at the result. Ten turns of
 * the event loop, because a step of the client may await a few promises in a row.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
