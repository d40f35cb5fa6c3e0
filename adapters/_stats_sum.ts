/**
 * Adds up the {@linkcode ServerStats} of several servers (the workers of
 * `./workers.ts`), so that the sums keep the counters' invariant:
 * `received === replied + resent + dropped + inFlight`.
 *
 * @module
 */
import { Counters, type ServerStats } from "../src/server/stats.ts";

/**
 * The sum of several servers' counters: every number added, field by field
 * and key by key (`droppedBy`, `requests`, `replies`, and any counter a later
 * version adds). `bufferSizes` is not a counter: each port's sizes come from
 * the first server that reports them (the workers ask for the same sizes).
 *
 * @param parts The snapshots to add; none gives all zeros.
 * @returns A new snapshot.
 */
export function sumStats(parts: readonly ServerStats[]): ServerStats {
  let total: Record<string, unknown> = { ...new Counters().snapshot() };
  for (const part of parts) total = add(total, part as unknown as Record<string, unknown>);
  const bufferSizes: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [port, sizes] of Object.entries(part.bufferSizes ?? {})) bufferSizes[port] ??= sizes;
  }
  return { ...total, bufferSizes } as unknown as ServerStats;
}

function add(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "bufferSizes") continue;
    const mine = out[key];
    if (typeof value === "number") {
      out[key] = (typeof mine === "number" ? mine : 0) + value;
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      out[key] = add(
        typeof mine === "object" && mine !== null ? mine as Record<string, unknown> : {},
        value as Record<string, unknown>,
      );
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}
