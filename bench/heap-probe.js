/**
 * Loaded into the Node systems under test (Parley, the socket.io relay) with
 * `--expose-gc --import bench/heap-probe.js`: on SIGUSR2 it collects garbage twice and prints the
 * live heap, so the bench can report what each stream really retains. ΔRSS alone mostly shows how
 * much headroom V8 keeps around the live heap, which moves by ±10 KiB/stream with the GC's state.
 * Bench-only: never loaded by `npm start`.
 *
 * Plain JavaScript, unlike the rest of bench/: a TypeScript file here would load Node's type
 * stripper into every thread of the process under test (~17 MiB each), which the production
 * build it measures does not have, and every RSS figure would carry it.
 */
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write(`BENCH_HEAP ${process.memoryUsage().heapUsed}\n`);
});
