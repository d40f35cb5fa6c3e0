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

/** What {@linkcode compareRatio} measured. */
export interface Ratio {
  /** Best calls per second of the first function. */
  ours: number;
  /** Best calls per second of the second function. */
  theirs: number;
  /** Median over the rounds of ours / theirs within the same round. */
  ratio: number;
}

/**
 * Measures two functions in back-to-back pairs of rounds (the order swapped
 * every round) and returns each one's best rate and the median of the
 * per-round ratios. This machine's speed drifts over seconds by up to 2×; a
 * ratio taken within one round pair cancels the drift, where a ratio of two
 * best rounds can pair one contender's fast spell with the other's slow one.
 */
export function compareRatio(
  ours: () => void,
  theirs: () => void,
  budgetMs: number,
  rounds: number,
): Ratio {
  for (let i = 0; i < 3000; i++) {
    ours();
    theirs();
  }
  return pairedRounds(() => round(ours, budgetMs), () => round(theirs, budgetMs), rounds);
}

/**
 * Runs `rounds` back-to-back pairs of one round of `ours` and one of
 * `theirs` (each returning its rate), swapping the order every pair, and
 * returns each one's best rate and the median of the within-pair ratios.
 */
export function pairedRounds(ours: () => number, theirs: () => number, rounds: number): Ratio {
  const ratios: number[] = [];
  let bestOurs = 0;
  let bestTheirs = 0;
  for (let r = 0; r < rounds; r++) {
    let a: number;
    let b: number;
    if (r % 2 === 0) {
      a = ours();
      b = theirs();
    } else {
      b = theirs();
      a = ours();
    }
    bestOurs = Math.max(bestOurs, a);
    bestTheirs = Math.max(bestTheirs, b);
    ratios.push(a / b);
  }
  ratios.sort((x, y) => x - y);
  const middle = ratios.length >> 1;
  const ratio = ratios.length % 2 === 1
    ? ratios[middle]!
    : (ratios[middle - 1]! + ratios[middle]!) / 2;
  return { ours: bestOurs, theirs: bestTheirs, ratio };
}
