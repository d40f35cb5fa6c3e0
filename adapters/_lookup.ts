/**
 * Host name resolution for the UDP adapters: `getaddrinfo`, through
 * `node:dns`, which Node.js, Bun and Deno all implement on it (so
 * `/etc/hosts` is read, unlike `Deno.resolveDns`).
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import type { ResolvedAddress } from "../src/transport.ts";

/**
 * Resolves a host name as the operating system does, keeping its order.
 *
 * @param hostname A name or an IP literal; an IPv6 literal may come in brackets.
 * @returns At least one address, IPv6 without brackets.
 * @throws {Error} Naming the host, with getaddrinfo's `code` (such as
 * `"ENOTFOUND"`), when it does not resolve.
 */
export async function lookupHost(hostname: string): Promise<readonly ResolvedAddress[]> {
  const name = hostname.startsWith("[") && hostname.endsWith("]")
    ? hostname.slice(1, -1)
    : hostname;
  if (name.trim() === "") throw new TypeError("Cannot resolve an empty host name");
  let found: { address: string; family: number }[];
  try {
    // "verbatim": getaddrinfo's order, whatever dns.setDefaultResultOrder() says.
    found = await lookup(name, { all: true, order: "verbatim" });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === "string" ? code : String((error as Error).message ?? error);
    throw Object.assign(
      new Error(`Cannot resolve host "${hostname}": ${reason}`, { cause: error }),
      {
        code: typeof code === "string" ? code : "ENOTFOUND",
      },
    );
  }
  const addresses: ResolvedAddress[] = [];
  for (const { address, family } of found) {
    if (family === 4) addresses.push({ hostname: address, family: "IPv4" });
    else if (family === 6) addresses.push({ hostname: address, family: "IPv6" });
  }
  if (addresses.length === 0) {
    throw Object.assign(new Error(`Cannot resolve host "${hostname}": no IPv4 or IPv6 address`), {
      code: "ENOTFOUND",
    });
  }
  return addresses;
}
