/**
 * Reads an async stream of chunks by the byte count a file format asks for, holding only what the
 * current step needs: what the metadata strippers (strip-jpeg.ts, strip-png.ts) parse with.
 */
/** The file is not the format it claims, or ends in the middle of one of its parts. */
export class BadImageError extends Error {}

export class ByteReader {
  #source: AsyncIterator<Uint8Array>;
  #chunks: Buffer[] = [];
  #length = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Bytes buffered now. */
  get buffered(): number {
    return this.#length;
  }

  /** Reads until at least n bytes are buffered; false when the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.#length < n && !this.#done) {
      const next = await this.#source.next();
      if (next.done) this.#done = true;
      else if (next.value.length) {
        const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        this.#chunks.push(chunk);
        this.#length += chunk.length;
      }
    }
    return this.#length >= n;
  }

  /** More bytes, whatever their number; false at the end. */
  async more(): Promise<boolean> {
    return this.fill(this.#length + 1);
  }

  /** The buffered bytes as one buffer (joined once; later takes slice it). */
  peek(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** Takes n buffered bytes (n ≤ buffered). */
  take(n: number): Buffer {
    const all = this.peek();
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length ? [rest] : [];
    this.#length = rest.length;
    return taken;
  }

  /** Passes n bytes on, as they come, without holding them: yields each piece. */
  async *pass(n: number, keep = true): AsyncGenerator<Buffer> {
    while (n > 0) {
      if (this.#length === 0 && !(await this.more())) throw new BadImageError('the file ends in the middle of a part');
      const piece = this.take(Math.min(n, this.#length));
      n -= piece.length;
      if (keep) yield piece;
    }
  }

  /** Drops n bytes, as they come. */
  async skip(n: number): Promise<void> {
    for await (const _ of this.pass(n, false)) { /* dropped */ }
  }

  /** Everything left, as it comes. */
  async *rest(): AsyncGenerator<Buffer> {
    if (this.#length) yield this.take(this.#length);
    while (await this.more()) yield this.take(this.#length);
  }
}
