/**
 * How radkit writes a socket address in messages and logs, and reads one
 * that a user typed (`host`, `host:port`, `[v6]:port`, `v6`).
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

/** A host name (RFC 1123 letters, digits, hyphens, dots; underscores as DNS allows them). */
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/;
/** Hex digits, colons, an embedded IPv4 and an optional zone (`fe80::1%eth0`). */
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
const PORT = /^\d{1,5}$/;

/**
 * Splits what a user typed into host and port: `"radius.example.org"`,
 * `"127.0.0.1:1812"`, `"[::1]:1812"`, `"[::1]"` or a bare `"::1"` (an IPv6
 * address cannot take a port without brackets). The host is checked for
 * form only: it is an IP literal or looks like a host name.
 *
 * @param text The text.
 * @returns The host (IPv6 without brackets) and the port, if the text has one.
 * @throws {SyntaxError} when the text is none of those forms or the port is
 * not 0..65535; the message quotes the text and shows the forms.
 *
 * @example Usage
 * ```ts
 * import { parseHostPort } from "./address.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseHostPort("[::1]:1812"), { hostname: "::1", port: 1812 });
 * assert.deepEqual(parseHostPort("::1"), { hostname: "::1" });
 * assert.deepEqual(parseHostPort("localhost"), { hostname: "localhost" });
 * assert.throws(() => parseHostPort("localhost:http"), SyntaxError);
 * ```
 */
export function parseHostPort(text: string): { hostname: string; port?: number } {
  let hostname: string;
  let port: string | undefined;
  let v6 = false;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    hostname = text.slice(1, close);
    const after = text.slice(close + 1);
    if (close === -1 || (after !== "" && !after.startsWith(":"))) throw invalid(text);
    if (after !== "") port = after.slice(1);
    v6 = true;
  } else {
    const colon = text.indexOf(":");
    if (colon !== -1 && text.indexOf(":", colon + 1) !== -1) {
      hostname = text;
      v6 = true;
    } else if (colon !== -1) {
      hostname = text.slice(0, colon);
      port = text.slice(colon + 1);
    } else {
      hostname = text;
    }
  }
  if (v6 ? !(IPV6.test(hostname) && hostname.includes(":")) : !NAME.test(hostname)) {
    throw invalid(text);
  }
  if (port === undefined) return { hostname };
  const number = Number(port);
  if (!PORT.test(port) || number > 65535) throw invalid(text, ` (port "${port}" is not 0..65535)`);
  return { hostname, port: number };
}

function invalid(text: string, why = ""): SyntaxError {
  return new SyntaxError(
    `Invalid address ${JSON.stringify(text)}${why}: give HOST, HOST:PORT, [IPv6]:PORT or IPv6, ` +
      `e.g. "radius.example.org", "127.0.0.1:1812" or "[::1]:1812"`,
  );
}
