/**
 * Checks of the client's options: each returns the value to use, or throws
 * an error that names the option and says what it must be.
 *
 * @module
 */
import type { ServerPorts } from "./server_pool.ts";

/** A duration in milliseconds, `fallback` when not given. */
export function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`Invalid ${name} ${value}: must be a finite number of milliseconds >= 0`);
  }
  return value;
}

/** An integer count of at least `min`, `fallback` when not given. */
export function count(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`Invalid ${name} ${value}: must be an integer >= ${min}`);
  }
  return value;
}

/** `base` with the ports given, each checked. */
export function resolvePorts(
  ports: Partial<ServerPorts> | undefined,
  base: ServerPorts,
): ServerPorts {
  const out = { ...base, ...ports };
  for (const [kind, port] of Object.entries(out)) {
    if (!(Number.isInteger(port) && port > 0 && port <= 65535)) {
      throw new RangeError(`Invalid ${kind} port ${port}: must be an integer 1..65535`);
    }
  }
  return out;
}
