/**
 * The names of the three RADIUS ports, shared by the client and the server.
 *
 * @module
 */
import { Code } from "./codec/code.ts";

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

/**
 * The port a request code goes to: `"acct"` for Accounting-Request, `"coa"`
 * for CoA-Request and Disconnect-Request, else `"auth"` (Access-Request and
 * Status-Server).
 *
 * @param code The request's code.
 * @returns Its port.
 *
 * @example Usage
 * ```ts
 * import { Code } from "@radkit/radius";
 * import { portNameOf } from "./ports.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(portNameOf(Code.AccountingRequest), "acct");
 * assert.equal(portNameOf(Code.CoARequest), "coa");
 * ```
 */
export function portNameOf(code: number): PortName {
  if (code === Code.AccountingRequest) return "acct";
  if (code === Code.CoARequest || code === Code.DisconnectRequest) return "coa";
  return "auth";
}
