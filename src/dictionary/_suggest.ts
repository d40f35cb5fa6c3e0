// "Did you mean" for unknown attribute names: closest names by edit distance.

/**
 * Picks the names closest to a misspelt one: edit distance (with adjacent
 * transpositions) up to a third of its length, case-insensitive, then names
 * that contain it (`Framed-IP` → `Framed-IP-Address`).
 *
 * @param name The name that was not found.
 * @param candidates Every known name.
 * @param max How many names to return at most.
 * @returns The best names, best first.
 */
export function closestNames(name: string, candidates: Iterable<string>, max: number): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    let score = distance(wanted, lower, limit);
    // Containing the input ranks after every real typo.
    if (score > limit && wanted.length >= 4 && lower.includes(wanted)) score = limit + 0.5;
    if (score <= limit + 0.5) scored.push({ name: candidate, score });
  }
  scored.sort((a, b) =>
    a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : 1)
  );
  return scored.slice(0, Math.max(0, max)).map((entry) => entry.name);
}

/** Optimal-string-alignment distance, or `limit + 1` once it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (
        i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}
