// Shared timing helpers for the benchmarks: warm up, then alternate short
// rounds of each contender (so background load hits both alike) and keep
// each one's best round, in operations per second.

/** The runtime and its version, e.g. "Deno 2.9.6". */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  if (g.Bun) return `Bun ${g.Bun.version}`;
  return `Node ${(globalThis as unknown as { process: { version: string } }).process.version}`;
}

function round(fn: () => void, budgetMs: number): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
    elapsed = performance.now() - start;
  }
  return (calls * 1000) / elapsed;
}

/** Calls `fn` repeatedly and returns calls per second (best of `rounds`). */
export function measure(fn: () => void, budgetMs = 400, rounds = 5): number {
  return compare([fn], budgetMs, rounds)[0]!;
}

/** Measures several functions in alternating rounds; returns each one's best calls per second. */
export function compare(fns: readonly (() => void)[], budgetMs = 400, rounds = 5): number[] {
  for (const fn of fns) for (let i = 0; i < 3000; i++) fn(); // warm-up for the JIT
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => (best[i] = Math.max(best[i]!, round(fn, budgetMs))));
  }
  return best;
}
