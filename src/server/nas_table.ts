/**
 * The server's client table: which NAS may talk to it, with which shared
 * secret and policy. Entries are IP addresses or CIDR networks, IPv4 and
 * IPv6; the longest matching prefix wins. IPv4-mapped IPv6 sources
 * (`"::ffff:192.0.2.1"`, as a dual-stack `"::"` socket reports IPv4 peers)
 * match IPv4 entries.
 *
 * @module
 */
import { parseIPv4, parseIPv6 } from "../codec/ip.ts";
import type { Secret } from "../packet.ts";
import type { Address } from "../transport.ts";
import {
  type CertificatePolicy,
  certificatePolicy,
  type NasCertificate,
} from "./certificate_policy.ts";

/**
 * What the server knows about one RADIUS client (a NAS): its shared secret
 * and its BlastRADIUS policy.
 *
 * @example Usage
 * ```ts
 * import { Client, type NasSettings, Code, Dictionary, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const lab: NasSettings = { secret: "s3cret", name: "lab-switch" };
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: () => lab,
 *   handleAccessRequest: (request, context) =>
 *     request.reply(Code.AccessAccept, { "Reply-Message": `hello ${context.nasName}` }),
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * try {
 *   const reply = await client.accessRequest({ "User-Name": "bob" });
 *   assert.equal(reply.get("Reply-Message"), "hello lab-switch");
 * } finally {
 *   await client.close();
 *   await server.close();
 * }
 * ```
 */
export interface NasSettings {
  /**
   * The shared secret (RFC 2865 §3), as text (UTF-8) or bytes; never empty.
   * Without it, the NAS may only connect over TLS, where the secret is
   * `"radsec"` (RFC 6614 §2.3); its requests over UDP and TCP are dropped
   * (`"no-secret"`). RADIUS/1.1 uses no secret at all (RFC 9765 §4).
   */
  readonly secret?: Secret;
  /** A name for logs and handlers; defaults to the entry's `address` (or the source address). */
  readonly name?: string;
  /**
   * Whether an Access-Request from this NAS must carry a Message-Authenticator
   * (BlastRADIUS, CVE-2024-3596; FreeRADIUS 3.2.5+ `require_message_authenticator`):
   *
   * - `true`: drop every Access-Request without one. The default, as in
   *   FreeRADIUS 3.2.10+ (`require_message_authenticator = yes` for new
   *   installs; 3.2.5 to 3.2.9 shipped `auto`).
   * - `false`: accept them (then {@linkcode NasSettings.limitProxyState}
   *   applies). Only for a NAS that cannot send one.
   * - `"auto"`: accept them until the NAS sends an Access-Request with a
   *   Message-Authenticator that verifies and no EAP-Message; from then on,
   *   require one from that NAS, as `true` does. An EAP-Message needs a
   *   Message-Authenticator anyway (RFC 3579 §3.2), so one there tells
   *   nothing, as in FreeRADIUS. What is learned is kept in memory per
   *   source address (for a network entry, per NAS in it) until the server
   *   closes, for up to 65,536 addresses (then the oldest is forgotten and
   *   learned again from its next request). Once a NAS is known to send
   *   one, set `true` for it, so that a restart does not open the window
   *   again. Behind NAT, several NASes share an address: one that sends a
   *   Message-Authenticator makes it required from all of them.
   *
   *   FreeRADIUS decides on the first Access-Request instead: one without a
   *   Message-Authenticator switches the client to `no` until a restart, and
   *   one with an unverified Message-Authenticator switches it to `yes`; it
   *   does not learn for network definitions (3.2.6+). radkit learns only
   *   from a Message-Authenticator that verifies (a forged one cannot lock
   *   out a legacy NAS), keeps learning after requests without one, and
   *   learns per address inside networks.
   *
   * Status-Server always needs one (RFC 5997 §3), whatever this says, and
   * teaches nothing (FreeRADIUS learns from Access-Request only).
   *
   * Over TLS (RFC 6614) the default is not to require one: TLS authenticates
   * every packet, which is what BlastRADIUS forges over UDP and TCP; an
   * EAP-Message still needs one (RFC 3579 §3.2), and one that is present is
   * verified. Set it explicitly to require it over TLS too.
   *
   * @default {true} (over TLS: `false`)
   */
  readonly requireMessageAuthenticator?: boolean | "auto";
  /**
   * While a Message-Authenticator is not required (`false`, or `"auto"`
   * before it is learned): still drop an Access-Request that has Proxy-State
   * but no Message-Authenticator (FreeRADIUS 3.2.5+ `limit_proxy_state =
   * yes`; FreeRADIUS also has `auto` for it, which radkit does not).
   *
   * @default {true}
   */
  readonly limitProxyState?: boolean;
  /**
   * At most this many requests from this client in flight (handler not
   * settled yet); more are dropped unanswered and counted as
   * `"client-overloaded"`, and the NAS's retransmission is handled as
   * usual once there is room. Counted per client `name` (by default the
   * entry's `address`, or the source address for a lookup result), so a
   * network entry shares one count among its NASes. The server's
   * `ServerOptions.maxInFlight` applies as well.
   *
   * @default {undefined} (no limit of its own)
   */
  readonly maxInFlight?: number;
  /**
   * Over TLS: which client certificates this NAS may present, beyond
   * chaining to the listener's `ca`. Without it, any certificate that
   * chains to `ca` is accepted from the entry's addresses.
   */
  readonly certificate?: NasCertificate;
}

/**
 * One entry of a client list: {@linkcode NasSettings} for an address or network.
 *
 * @example Usage
 * ```ts
 * import { Client, type NasEntry, Code, Dictionary, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const clients: NasEntry[] = [
 *   { address: "10.0.0.0/8", secret: "campus" },
 *   { address: "10.1.2.3", secret: "s3cret", name: "core-switch" }, // longest prefix wins
 * ];
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients,
 *   handleAccessRequest: (request, { nasName }) =>
 *     request.reply(Code.AccessAccept, { "Reply-Message": nasName }),
 * });
 * await server.listen({ hostname: "10.0.0.1", auth: 1812 });
 * const client = new Client({
 *   transport: network,
 *   server: "10.0.0.1",
 *   secret: "s3cret",
 *   localAddress: { ipv4: "10.1.2.3" },
 * });
 * try {
 *   const reply = await client.accessRequest({ "User-Name": "bob" });
 *   assert.equal(reply.get("Reply-Message"), "core-switch");
 * } finally {
 *   await client.close();
 *   await server.close();
 * }
 * ```
 */
export interface NasEntry extends NasSettings {
  /**
   * An IP address (`"192.0.2.1"`, `"::1"`) or a CIDR network
   * (`"10.0.0.0/8"`, `"2001:db8::/32"`).
   */
  readonly address: string;
}

/**
 * Finds the client for a source address, for clients kept elsewhere (a
 * database): returns its settings, just its secret, or `undefined` to drop
 * the datagram. May be async; it runs once per datagram, so cache if the
 * lookup is slow.
 *
 * @param address The source IP, with IPv4-mapped IPv6 (`"::ffff:192.0.2.1"`)
 * turned into IPv4 (`"192.0.2.1"`) and any IPv6 zone kept.
 * @param from The source as the transport reported it.
 * @returns The client, its secret, or `undefined` for an unknown source.
 *
 * @example Usage
 * ```ts
 * import { Client, type NasLookup, Code, Dictionary, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const secrets = new Map([["127.0.0.1", "s3cret"]]); // say, loaded from a database
 * const lookup: NasLookup = async (address) => secrets.get(address);
 * const network = new MemoryTransport();
 * const dictionary = Dictionary.default();
 * const server = new Server({ transport: network, dictionary, clients: lookup });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * try {
 *   const reply = await client.accessRequest({ "User-Name": "bob" });
 *   assert.equal(reply.code, Code.AccessReject); // no handler: every Access-Request is rejected
 * } finally {
 *   await client.close();
 *   await server.close();
 * }
 * ```
 */
export type NasLookup = (
  address: string,
  from: Address,
) =>
  | NasSettings
  | Secret
  | undefined
  | Promise<NasSettings | Secret | undefined>;

/** A client entry made ready for the per-packet pipeline. */
export interface ResolvedNas {
  /** The user's own object (for handlers). */
  readonly settings: NasSettings;
  readonly name: string;
  /** `undefined` for a RadSec-only entry. */
  readonly secret: Uint8Array | undefined;
  readonly requireMessageAuthenticator: boolean | "auto";
  readonly limitProxyState: boolean;
  readonly maxInFlight: number | undefined;
  readonly certificate: CertificatePolicy | undefined;
}

const encoder = new TextEncoder();
const MEMO_LIMIT = 4096;

/**
 * Checks and prepares client settings.
 *
 * @throws {TypeError} for a missing or empty secret, or a policy that is not one.
 * @throws {RangeError} for a `maxInFlight` that is not a positive integer.
 */
export function resolveNas(settings: NasSettings, fallbackName: string): ResolvedNas {
  if (typeof settings !== "object" || settings === null) {
    throw new TypeError(
      `A client must be an object such as { address: "10.0.0.0/8", secret: "..." }, got ${typeof settings}`,
    );
  }
  const { secret } = settings;
  if (
    secret !== undefined &&
    (!(typeof secret === "string" || secret instanceof Uint8Array) || secret.length === 0)
  ) {
    throw new TypeError(
      `Client "${
        settings.name ?? fallbackName
      }" needs a non-empty secret (a string or Uint8Array): RFC 2865 §3 forbids an empty one (leave it out only for a NAS that connects over TLS)`,
    );
  }
  const { requireMessageAuthenticator = true, limitProxyState = true } = settings;
  if (
    requireMessageAuthenticator !== true && requireMessageAuthenticator !== false &&
    requireMessageAuthenticator !== "auto"
  ) {
    throw new TypeError(
      `Client "${settings.name ?? fallbackName}" has requireMessageAuthenticator ${
        JSON.stringify(requireMessageAuthenticator)
      }: use true, false or "auto"`,
    );
  }
  if (typeof limitProxyState !== "boolean") {
    throw new TypeError(
      `Client "${settings.name ?? fallbackName}" has limitProxyState ${
        JSON.stringify(limitProxyState)
      }: use true or false`,
    );
  }
  const { maxInFlight } = settings;
  if (maxInFlight !== undefined && !(Number.isSafeInteger(maxInFlight) && maxInFlight >= 1)) {
    throw new RangeError(
      `Client "${settings.name ?? fallbackName}" has maxInFlight ${
        String(maxInFlight)
      }: use an integer of at least 1`,
    );
  }
  return {
    settings,
    name: settings.name ?? fallbackName,
    secret: secret === undefined
      ? undefined
      : typeof secret === "string"
      ? encoder.encode(secret)
      : secret.slice(),
    requireMessageAuthenticator,
    limitProxyState,
    maxInFlight,
    certificate: certificatePolicy(settings.certificate, settings.name ?? fallbackName),
  };
}

/**
 * Turns an IPv4-mapped IPv6 address into IPv4 (`"::ffff:192.0.2.1"` →
 * `"192.0.2.1"`) and leaves every other address as it is.
 *
 * @param hostname An IP literal.
 * @returns The address an IPv4 entry would be matched against.
 */
export function unmapIPv4(hostname: string): string {
  if (hostname.length > 7 && hostname.charCodeAt(0) === 58 && /^::ffff:/i.test(hostname)) {
    const tail = hostname.slice(7);
    if (tail.includes(".")) return tail;
    // "::ffff:c000:201", as some stacks print it.
    const bytes = new Uint8Array(16);
    if (parseIPv6(hostname, bytes, 0)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  return hostname;
}

interface ParsedAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes. */
  readonly bytes: Uint8Array;
}

/** An IP literal (zone stripped) as bytes; IPv4-mapped IPv6 becomes IPv4. */
function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = new Uint8Array(4);
  if (parseIPv4(text, v4, 0)) return { family: 4, bytes: v4 };
  const zone = text.indexOf("%");
  const bare = zone === -1 ? text : text.slice(0, zone);
  const v6 = new Uint8Array(16);
  if (!parseIPv6(bare, v6, 0)) return undefined;
  return { family: 6, bytes: v6 };
}

function isMapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** The first `prefix` bits of `bytes` as a Map key. */
function keyOf(bytes: Uint8Array, prefix: number): string {
  let key = "";
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) key += String.fromCharCode(bytes[i]!);
  const rest = prefix & 7;
  if (rest !== 0) key += String.fromCharCode(bytes[whole]! & (0xff << (8 - rest)) & 0xff);
  return key;
}

/** Prefix length → masked address → client, for one address family. */
class PrefixTable {
  #byLength = new Map<number, Map<string, ResolvedNas>>();
  /** Prefix lengths present, longest first. */
  #lengths: number[] = [];

  add(bytes: Uint8Array, prefix: number, client: ResolvedNas, text: string): void {
    let table = this.#byLength.get(prefix);
    if (table === undefined) {
      table = new Map();
      this.#byLength.set(prefix, table);
      this.#lengths = [...this.#byLength.keys()].sort((a, b) => b - a);
    }
    const key = keyOf(bytes, prefix);
    const existing = table.get(key);
    if (existing !== undefined) {
      throw new TypeError(
        `Client address "${text}" duplicates the network of client "${existing.name}": list each network once`,
      );
    }
    table.set(key, client);
  }

  find(bytes: Uint8Array): ResolvedNas | undefined {
    for (const prefix of this.#lengths) {
      const found = this.#byLength.get(prefix)!.get(keyOf(bytes, prefix));
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/**
 * A static list of clients, matched by longest prefix. Lookups of a source
 * address seen before are one Map access.
 */
export class NasTable {
  #v4 = new PrefixTable();
  #v6 = new PrefixTable();
  #memo = new Map<string, ResolvedNas | null>();

  /**
   * Builds the table.
   *
   * @param entries The client list.
   * @throws {TypeError} for an address that is not an IP literal or CIDR
   *   network, an entry without a secret, or a network listed twice.
   * @throws {RangeError} for a prefix length beyond the family's width.
   */
  constructor(entries: readonly NasEntry[]) {
    for (const entry of entries) this.#add(entry);
  }

  #add(entry: NasEntry): void {
    const text = typeof entry?.address === "string" ? entry.address.trim() : undefined;
    if (text === undefined) {
      throw new TypeError(
        'Each client needs an address: an IP ("192.0.2.1", "::1") or a CIDR network ("10.0.0.0/8")',
      );
    }
    const slash = text.indexOf("/");
    const ip = slash === -1 ? text : text.slice(0, slash);
    const parsed = parseAddress(ip);
    if (parsed === undefined) {
      throw new TypeError(
        `Invalid client address "${text}": use an IP ("192.0.2.1", "::1") or a CIDR network ("10.0.0.0/8", "2001:db8::/32")`,
      );
    }
    const width = parsed.family === 4 ? 32 : 128;
    let prefix = width;
    if (slash !== -1) {
      const digits = text.slice(slash + 1);
      if (!/^\d{1,3}$/.test(digits)) {
        throw new TypeError(
          `Invalid client address "${text}": the prefix length after "/" must be a number`,
        );
      }
      prefix = Number(digits);
      if (prefix > width) {
        throw new RangeError(
          `Invalid client address "${text}": an IPv${parsed.family} prefix length is 0..${width}`,
        );
      }
    }
    const client = resolveNas(entry, text);
    if (parsed.family === 6 && isMapped(parsed.bytes) && prefix >= 96) {
      // "::ffff:10.0.0.0/104" is the IPv4 network 10.0.0.0/8.
      this.#v4.add(parsed.bytes.subarray(12), prefix - 96, client, text);
    } else if (parsed.family === 4) {
      this.#v4.add(parsed.bytes, prefix, client, text);
    } else {
      this.#v6.add(parsed.bytes, prefix, client, text);
    }
  }

  /**
   * The client with the longest prefix that holds `hostname`.
   *
   * @param hostname A source IP literal as the transport reports it.
   * @returns The client, or `undefined` for an unknown source.
   */
  find(hostname: string): ResolvedNas | undefined {
    const memo = this.#memo.get(hostname);
    if (memo !== undefined) return memo ?? undefined;
    const parsed = parseAddress(hostname);
    let found: ResolvedNas | undefined;
    if (parsed !== undefined) {
      if (parsed.family === 4) found = this.#v4.find(parsed.bytes);
      else if (isMapped(parsed.bytes)) found = this.#v4.find(parsed.bytes.subarray(12));
      else found = this.#v6.find(parsed.bytes);
    }
    // Bounded: a flood of spoofed sources only costs a cleared memo.
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    this.#memo.set(hostname, found ?? null);
    return found;
  }
}
