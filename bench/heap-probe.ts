/**
 * Loaded into the Node systems under test (Parley, the socket.io relay) with
 * `--expose-gc --import bench/heap-probe.ts`: on SIGUSR2 it collects garbage twice and prints the
 * live heap, so the bench can report what each stream really retains. ΔRSS alone mostly shows how
 * much headroom V8 keeps around the live heap, which moves by ±10 KiB/stream with the GC's state.
 * Bench-only: never loaded by `npm start`.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  process.stderr.write(`BENCH_HEAP ${process.memoryUsage().heapUsed}\n`);
});
