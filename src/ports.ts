/**
 * The names of the three RADIUS ports, shared by the client and the server.
 *
 * @module
 */

/**
 * The three kinds of port a RADIUS server listens on and a client sends to:
 * `"auth"` (1812: Access-Request, Status-Server), `"acct"` (1813:
 * Accounting-Request, Status-Server) and `"coa"` (3799: CoA-Request,
 * Disconnect-Request).
 *
 * @example Usage
 * ```ts
 * import type { PortName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const defaults: Record<PortName, number> = { auth: 1812, acct: 1813, coa: 3799 };
 * assert.equal(defaults.coa, 3799);
 * ```
 */
export type PortName = "auth" | "acct" | "coa";
