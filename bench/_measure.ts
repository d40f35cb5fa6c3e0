// Shared timing helpers for the benchmarks: warm up, then run for a fixed
// wall-clock budget and report operations per second (best of 3 rounds).

/** The runtime and its version, e.g. "Deno 2.9.6". */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  if (g.Bun) return `Bun ${g.Bun.version}`;
  return `Node ${(globalThis as unknown as { process: { version: string } }).process.version}`;
}

/** Calls `fn` repeatedly and returns calls per second (best of `rounds`). */
export function measure(fn: () => void, budgetMs = 700, rounds = 3): number {
  for (let i = 0; i < 2000; i++) fn(); // warm-up for the JIT
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs) {
      for (let i = 0; i < 100; i++) fn();
      calls += 100;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, (calls * 1000) / elapsed);
  }
  return best;
}
