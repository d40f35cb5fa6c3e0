/**
 * The error for a TLS engine without the TLS exporter, which EAP-TLS, PEAP
 * and EAP-TTLS need for their keys.
 *
 * @module
 */
import { RadiusError } from "../../errors.ts";

/**
 * The TLS engine has no exporter (RFC 5705, RFC 8446 §7.5), so no MSK can
 * be derived (RFC 5216 §2.3, RFC 9190 §2.3): `node:tls` on Deno 2.9 has no
 * `exportKeyingMaterial`. The message says what is missing and where.
 *
 * @example Usage
 * ```ts
 * import { TlsExporterUnavailableError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new TlsExporterUnavailableError("node:tls on Deno 2.9.6 has no exportKeyingMaterial");
 * assert.equal(error.code, "ERR_EAP");
 * assert.match(error.message, /EAP-TLS, PEAP and TTLS need it for the MSK/);
 * ```
 */
export class TlsExporterUnavailableError extends RadiusError {
  /**
   * Creates the error.
   *
   * @param missing What is missing, naming the runtime.
   */
  constructor(missing: string) {
    super(
      `${missing}; EAP-TLS, PEAP and TTLS need it for the MSK (RFC 5216 §2.3, RFC 9190 §2.3): ` +
        "run them on Node.js or Bun",
      undefined,
      "ERR_EAP",
    );
  }
}
