/**
 * How radkit writes a socket address in messages and logs.
 *
 * @module
 */

/**
 * Writes an address as `host:port`, with an IPv6 host in brackets
 * (`[::1]:1812`, RFC 3986 §3.2.2), so that the port cannot be read as part
 * of the address.
 *
 * @param address The host (an IP literal or a name) and the port.
 * @returns `"192.0.2.1:1812"` or `"[2001:db8::1]:1812"`.
 *
 * @example Usage
 * ```ts
 * import { formatAddress } from "./address.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatAddress({ hostname: "127.0.0.1", port: 1812 }), "127.0.0.1:1812");
 * assert.equal(formatAddress({ hostname: "::1", port: 1812 }), "[::1]:1812");
 * ```
 */
export function formatAddress(
  address: { readonly hostname: string; readonly port: number },
): string {
  const { hostname, port } = address;
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
