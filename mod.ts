/**
 * radkit: build RADIUS servers and clients in TypeScript, on Deno, Bun and
 * Node, from one codebase and with zero runtime dependencies.
 *
 * The core (dictionary, packet codec, MD5/HMAC-MD5) is runtime-agnostic; the
 * socket adapters live in `@radkit/radius/adapters/deno`, `/bun` and `/node`.
 *
 * @example Usage
 * ```ts
 * import { RadiusError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * try {
 *   throw new RadiusError("No reply from 127.0.0.1:1812");
 * } catch (error) {
 *   assert.ok(error instanceof RadiusError);
 *   assert.equal(error.code, "ERR_RADIUS");
 * }
 * ```
 *
 * @module
 */
export * from "./src/errors.ts";
