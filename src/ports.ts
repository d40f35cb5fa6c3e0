/**
 * The names of the three RADIUS services, shared by the client and the
 * server.
 *
 * @module
 */

/**
 * A RADIUS service port: `"auth"` (1812: Access-Request, Status-Server),
 * `"acct"` (1813: Accounting-Request) or `"coa"` (3799: CoA-Request,
 * Disconnect-Request).
 *
 * @example Usage
 * ```ts
 * import type { PortName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const ports: Record<PortName, number> = { auth: 1812, acct: 1813, coa: 3799 };
 * assert.equal(ports.coa, 3799);
 * ```
 */
export type PortName = "auth" | "acct" | "coa";
