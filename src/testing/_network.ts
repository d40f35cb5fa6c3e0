/**
 * What the simulated networks of `@radkit/radius/testing` share: address
 * families, ephemeral ports, option checks and the seeded generator that
 * places their faults.
 *
 * @module
 */
import type { AddressFamily } from "../transport.ts";

/**
 * The first port handed out for port 0 (RFC 6335 §6: the dynamic range).
 *
 * @example Usage
 * ```ts
 * import { EPHEMERAL_COUNT, EPHEMERAL_FIRST } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EPHEMERAL_FIRST + EPHEMERAL_COUNT, 65536);
 * ```
 */
export const EPHEMERAL_FIRST = 49152;
/**
 * How many ports the dynamic range holds.
 *
 * @example Usage
 * ```ts
 * import { EPHEMERAL_COUNT } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EPHEMERAL_COUNT, 16384);
 * ```
 */
export const EPHEMERAL_COUNT: number = 65536 - EPHEMERAL_FIRST;

/**
 * The family of an IP literal.
 *
 * @param hostname An IP literal.
 * @returns `"IPv6"` when it has a colon, else `"IPv4"`.
 *
 * @example Usage
 * ```ts
 * import { familyOf } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(familyOf("::1"), "IPv6");
 * assert.equal(familyOf("192.0.2.1"), "IPv4");
 * ```
 */
export function familyOf(hostname: string): AddressFamily {
  return hostname.includes(":") ? "IPv6" : "IPv4";
}

/**
 * Whether an address is a wildcard, which stands for every address of its
 * family.
 *
 * @param hostname An IP literal.
 * @returns Whether it is `"0.0.0.0"` or `"::"`.
 *
 * @example Usage
 * ```ts
 * import { isWildcard } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isWildcard("::"), true);
 * assert.equal(isWildcard("127.0.0.1"), false);
 * ```
 */
export function isWildcard(hostname: string): boolean {
  return hostname === "0.0.0.0" || hostname === "::";
}

/**
 * Whether a host looks like an IP literal rather than a name.
 *
 * @param hostname A host.
 * @returns Whether it is dotted-quad IPv4 or has a colon (IPv6).
 *
 * @example Usage
 * ```ts
 * import { isIpLiteral } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isIpLiteral("2001:db8::1"), true);
 * assert.equal(isIpLiteral("radius.example.org"), false);
 * ```
 */
export function isIpLiteral(hostname: string): boolean {
  return hostname.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Gives an error the `code` an operating system would.
 *
 * @param error The error.
 * @param code Such as `"EADDRINUSE"`.
 * @returns The same error.
 *
 * @example Usage
 * ```ts
 * import { withCode } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal((withCode(new Error("refused"), "ECONNREFUSED") as { code?: string }).code, "ECONNREFUSED");
 * ```
 */
export function withCode(error: Error, code: string): Error {
  return Object.assign(error, { code });
}

/**
 * Checks a port number.
 *
 * @param what What the port is, for the message.
 * @param value The port.
 * @returns `value`.
 * @throws {RangeError} When it is not an integer 0..65535.
 *
 * @example Usage
 * ```ts
 * import { port } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(port("port", 1812), 1812);
 * assert.throws(() => port("port", 65536), RangeError);
 * ```
 */
export function port(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`Invalid ${what} ${value}: must be an integer 0..65535`);
  }
  return value;
}

/**
 * Checks a duration.
 *
 * @param what What it is, for the message.
 * @param value Milliseconds.
 * @returns `value`.
 * @throws {RangeError} When it is negative or not finite.
 *
 * @example Usage
 * ```ts
 * import { milliseconds } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(milliseconds("latency", 5), 5);
 * assert.throws(() => milliseconds("latency", -1), RangeError);
 * ```
 */
export function milliseconds(what: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`Invalid ${what} ${value}: must be a finite number of milliseconds >= 0`);
  }
  return value;
}

/**
 * mulberry32: a small, fast generator, good enough to place faults, and the
 * same sequence for the same seed on every runtime.
 *
 * @param seed Any number; its low 32 bits are used.
 * @returns A function that returns the next number in [0, 1).
 *
 * @example Usage
 * ```ts
 * import { seeded } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * const a = seeded(7);
 * const b = seeded(7);
 * assert.equal(a(), b());
 * ```
 */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
