/**
 * The servers a client sends to, in priority order, and which of them are
 * down (RFC 5080 §2.2.1 leaves failover to the client; this is the usual
 * "mark dead for a while" scheme of NAS and proxies).
 *
 * @module
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "../codec/ip.ts";
import type { Secret } from "../packet.ts";
import type { AddressFamily, ResolvedAddress } from "../transport.ts";
import { NameResolutionError } from "./errors.ts";
import type { ServerTls } from "./tls_options.ts";

/**
 * The UDP ports of one server, by service.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Server, type ServerPorts } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const ports: ServerPorts = { auth: 11812, acct: 11813, coa: 13799 };
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 *   handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
 * });
 * await server.listen({ hostname: "127.0.0.1", ...ports });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret", ports });
 * const reply = await client.accountingRequest({ "Acct-Status-Type": "Start" });
 * assert.equal(reply.code, Code.AccountingResponse);
 * await client.close();
 * await server.close();
 * ```
 */
export interface ServerPorts {
  /** Access-Request and Status-Server (RFC 2865 §3): 1812. */
  readonly auth: number;
  /** Accounting-Request (RFC 2866 §3): 1813. */
  readonly acct: number;
  /** CoA-Request and Disconnect-Request (RFC 5176 §3): 3799. */
  readonly coa: number;
}

/** The IANA ports, of RADIUS/UDP and of RADIUS/TCP alike (RFC 6613 §2.2). */
export const DEFAULT_PORTS: ServerPorts = Object.freeze({ auth: 1812, acct: 1813, coa: 3799 });

/** RADIUS/TLS takes every kind of request on port 2083 (RFC 6614 §2.1). */
export const TLS_PORTS: ServerPorts = Object.freeze({ auth: 2083, acct: 2083, coa: 2083 });

/** Where a server's datagrams go: an IP literal, in canonical form. */
export interface Target {
  /** The IP literal, in canonical form (RFC 5952 for IPv6). */
  readonly hostname: string;
  readonly family: AddressFamily;
}

/** One server, from the options. */
export interface ServerEntry {
  /** The host as configured: an IP literal in canonical form, or a host name. */
  readonly name: string;
  /** The option that gave it, for messages: `"server"`, `"servers[1]"`. */
  readonly option: string;
  readonly ports: ServerPorts;
  /** The secret as given, for encoding. */
  readonly secret: Secret;
  /** The secret as bytes, for verification. */
  readonly secretBytes: Uint8Array;
  /** Its address: an IP literal's from the start, a name's once resolved. */
  target: Target | undefined;
  /** The lookup under way, shared by every request that needs it. */
  resolving: Promise<Target> | undefined;
  /** Down until this time (ms since the epoch); 0 when up. */
  downUntil: number;
  /** Set once a wrong-secret reply from it was logged as a warning. */
  warned: boolean;
  /** Its TLS settings, for a client over TLS. */
  readonly tls: ServerTls | undefined;
}

const encoder = new TextEncoder();
const scratch = new Uint8Array(16);

/**
 * The canonical text of an IP literal, so that replies can be matched by
 * their source address: RFC 5952 for IPv6, and an IPv4-mapped IPv6 address
 * (as a dual-stack socket reports an IPv4 peer) as plain IPv4.
 *
 * @param host An IP literal.
 * @returns The canonical text, or `undefined` if `host` is no IP literal.
 */
export function canonicalHost(host: string): string | undefined {
  if (parseIPv4(host, scratch, 0)) return formatIPv4(scratch);
  const zone = host.indexOf("%");
  const address = zone === -1 ? host : host.slice(0, zone);
  if (!parseIPv6(address, scratch, 0)) return undefined;
  const mapped = scratch.subarray(0, 10).every((b) => b === 0) && scratch[10] === 0xff &&
    scratch[11] === 0xff;
  if (mapped && zone === -1) return formatIPv4(scratch, 12);
  return formatIPv6(scratch) + (zone === -1 ? "" : host.slice(zone));
}

/** The target of an IP literal, or `undefined` for a host name. */
export function literalTarget(host: string): Target | undefined {
  const canonical = canonicalHost(host);
  if (canonical === undefined) return undefined;
  return { hostname: canonical, family: canonical.includes(":") ? "IPv6" : "IPv4" };
}

/**
 * Builds a server entry.
 *
 * @param option The option that gave it, for messages.
 * @param host An IP literal or a host name (checked for form by the caller).
 * @param ports The server's ports.
 * @param secret Its shared secret.
 * @param tls Its TLS settings, for a client over TLS.
 * @returns The entry, up.
 */
export function serverEntry(
  option: string,
  host: string,
  ports: ServerPorts,
  secret: Secret,
  tls?: ServerTls,
): ServerEntry {
  const target = literalTarget(host);
  return {
    name: target?.hostname ?? host,
    option,
    ports,
    secret,
    secretBytes: typeof secret === "string" ? encoder.encode(secret) : secret,
    target,
    resolving: undefined,
    downUntil: 0,
    warned: false,
    tls,
  };
}

/** Resolves a host name: `DatagramTransport.lookup`. */
export type Lookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/**
 * Servers in priority order, each up or down.
 *
 * @example Usage
 * ```ts ignore
 * const pool = new ServerPool([a, b], 30000);
 * pool.markDown(a, 0);
 * assert.deepEqual(pool.order(1000), [b]);
 * assert.deepEqual(pool.order(31000), [a, b]);
 * ```
 */
export class ServerPool {
  /** The servers, highest priority first. */
  readonly servers: readonly ServerEntry[];
  readonly #deadTime: number;
  readonly #lookup: Lookup | undefined;

  /**
   * Creates a pool with every server up.
   *
   * @param servers The servers, highest priority first.
   * @param deadTime How long a server that timed out is skipped, in ms.
   * @param lookup Resolves host names; needed only when a server is given by name.
   */
  constructor(servers: readonly ServerEntry[], deadTime: number, lookup?: Lookup) {
    this.servers = servers;
    this.#deadTime = deadTime;
    this.#lookup = lookup;
  }

  /**
   * Where a server's datagrams go. A host name is resolved on first use
   * (one lookup shared by every request that waits for it), and the address
   * is kept until the server is marked down: the next use after that looks
   * the name up again, so a server that moved is found.
   *
   * @param server The server.
   * @returns Its address, at once when known.
   * @throws {NameResolutionError} when the name does not resolve.
   */
  target(server: ServerEntry): Target | Promise<Target> {
    if (server.target !== undefined) return server.target;
    server.resolving ??= this.#resolve(server).finally(() => {
      server.resolving = undefined;
    });
    return server.resolving;
  }

  async #resolve(server: ServerEntry): Promise<Target> {
    const lookup = this.#lookup;
    if (lookup === undefined) {
      // The constructor refuses names without a lookup; kept for safety.
      throw new NameResolutionError(
        server.option,
        server.name,
        "the transport cannot resolve names",
      );
    }
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await lookup(server.name);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NameResolutionError(server.option, server.name, reason, { cause: error });
    }
    // The operating system's order of preference (getaddrinfo): the first.
    for (const address of addresses) {
      const target = literalTarget(address.hostname);
      if (target !== undefined) {
        server.target = target;
        return target;
      }
    }
    throw new NameResolutionError(server.option, server.name, "the lookup returned no address");
  }

  /**
   * The servers to try for a new request: those up, in priority order; when
   * every one is down, all of them (being down is a guess, and trying beats
   * failing at once).
   *
   * @param now The current time in ms.
   * @returns The servers to try, in order.
   */
  order(now: number): ServerEntry[] {
    const up = this.servers.filter((server) => !this.isDown(server, now));
    return up.length > 0 ? up : this.servers.slice();
  }

  /**
   * Whether a server is down.
   *
   * @param server The server.
   * @param now The current time in ms.
   * @returns `true` while its dead time lasts.
   */
  isDown(server: ServerEntry, now: number): boolean {
    return server.downUntil > now;
  }

  /**
   * Marks a server down for the dead time.
   *
   * @param server The server that did not answer.
   * @param now The current time in ms.
   */
  markDown(server: ServerEntry, now: number): void {
    server.downUntil = now + this.#deadTime;
    if (server.name !== server.target?.hostname) server.target = undefined;
  }

  /**
   * Marks a server up: it answered.
   *
   * @param server The server.
   */
  markUp(server: ServerEntry): void {
    server.downUntil = 0;
  }
}
