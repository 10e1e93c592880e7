/**
 * What a test file started, closed newest first. Setup registers each part as soon as it is up,
 * so when a later step throws (no browser, a server that fails to start) the `after` hook still
 * closes the parts that exist, and one failing close does not keep the others open — an HTTP
 * server left listening keeps the test file's process alive for ever.
 */
export class Teardown {
  #steps: Array<() => unknown> = [];

  /** Remembers how to close `thing` and returns it, so setup reads `x = teardown.add(await startX(), (x) => x.close())`. */
  add<T>(thing: T, close: (thing: T) => unknown): T {
    this.#steps.push(() => close(thing));
    return thing;
  }

  /** Closes everything added so far (each once), then throws the first error, if any. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try { await step(); } catch (error) { errors.push(error); }
    }
    if (errors.length > 0) throw errors[0];
  }
}
