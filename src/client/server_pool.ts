/**
 * The servers a client sends to, in priority order, and which of them are
 * down (RFC 5080 §2.2.1 leaves failover to the client; this is the usual
 * "mark dead for a while" scheme of NAS and proxies).
 *
 * @module
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "../codec/ip.ts";
import type { Secret } from "../packet.ts";
import type { AddressFamily } from "../transport.ts";

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

/** The IANA ports. */
export const DEFAULT_PORTS: ServerPorts = Object.freeze({ auth: 1812, acct: 1813, coa: 3799 });

/**
 * Which port of a server a request goes to.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Packet, type PortKind, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const clients = [{ address: "127.0.0.1", secret: "s3cret" }];
 * const server = new Server({ transport: network, dictionary: Dictionary.default(), clients });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812, acct: 1813 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * const answers: string[] = [];
 * for (const port of ["auth", "acct"] satisfies PortKind[]) {
 *   const status = Packet.create(Code.StatusServer, client.dictionary, {});
 *   answers.push((await client.send(status, { port })).codeName);
 * }
 * assert.deepEqual(answers, ["Access-Accept", "Accounting-Response"]);
 * await client.close();
 * await server.close();
 * ```
 */
export type PortKind = keyof ServerPorts;

/** One server, resolved from the options. */
export interface ServerEntry {
  /** The IP literal, in canonical form (RFC 5952 for IPv6). */
  readonly host: string;
  readonly family: AddressFamily;
  readonly ports: ServerPorts;
  /** The secret as given, for encoding. */
  readonly secret: Secret;
  /** The secret as bytes, for verification. */
  readonly secretBytes: Uint8Array;
  /** Down until this time (ms since the epoch); 0 when up. */
  downUntil: number;
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

/** `host:port`, with brackets for IPv6. */
export function formatEndpoint(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Builds a server entry.
 *
 * @param host An IP literal.
 * @param ports The server's ports.
 * @param secret Its shared secret.
 * @returns The entry, up.
 * @throws {TypeError} when `host` is not an IP literal.
 */
export function serverEntry(host: string, ports: ServerPorts, secret: Secret): ServerEntry {
  const canonical = canonicalHost(host);
  if (canonical === undefined) {
    throw new TypeError(
      `Invalid RADIUS server "${host}": give an IP address such as "127.0.0.1" or "::1" ` +
        "(the client does not resolve host names)",
    );
  }
  return {
    host: canonical,
    family: canonical.includes(":") ? "IPv6" : "IPv4",
    ports,
    secret,
    secretBytes: typeof secret === "string" ? encoder.encode(secret) : secret,
    downUntil: 0,
  };
}

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

  /**
   * Creates a pool with every server up.
   *
   * @param servers The servers, highest priority first.
   * @param deadTime How long a server that timed out is skipped, in ms.
   */
  constructor(servers: readonly ServerEntry[], deadTime: number) {
    this.servers = servers;
    this.#deadTime = deadTime;
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
