/**
 * RFC 5080 §2.2.2 duplicate detection: a request is a retransmission when
 * it comes from the same client address and port with the same code,
 * Identifier and Request Authenticator as one the server is working on or
 * has answered recently. Bounded by entries and time, O(1) per packet.
 *
 * @module
 */

import { ReplyRing } from "./reply_ring.ts";

/**
 * Limits of the duplicate cache.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, type DuplicateCacheOptions, Packet, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const duplicateCache: DuplicateCacheOptions = { maxEntries: 10_000, ttl: 10_000 };
 * const network = new MemoryTransport();
 * const clients = [{ address: "127.0.0.1", secret: "s3cret" }];
 * const dictionary = Dictionary.default();
 * const server = new Server({ transport: network, dictionary, clients, duplicateCache });
 * const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const nas = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * const datagram = Packet.create(Code.AccessRequest, dictionary, {}).encode("s3cret");
 * for (let i = 0; i < 2; i++) {
 *   await nas.send(datagram, auth!);
 *   await network.idle();
 * }
 * assert.equal(server.stats().resent, 1); // the retransmission got the cached reply
 * await nas.close();
 * await server.close();
 * ```
 */
export interface DuplicateCacheOptions {
  /**
   * At most this many answered requests are remembered; the oldest answer
   * goes first. Requests in flight are never forgotten to make room (they
   * are bounded by the Server's `maxInFlight`).
   *
   * @default {65536}
   */
  maxEntries?: number;
  /**
   * At most this many bytes of replies are kept, in one ring that grows to
   * this size as needed; the oldest answer goes first.
   *
   * @default {8388608}
   */
  maxBytes?: number;
  /**
   * How long an answered request's reply is kept for retransmissions, from
   * the reply (milliseconds); FreeRADIUS's `cleanup_delay`. 0 disables the
   * replay of answers, not the in-flight check.
   *
   * @default {5000}
   */
  ttl?: number;
}

/** What the cache knows about a request key. */
export type DuplicateState =
  | { readonly kind: "new" }
  | { readonly kind: "in-flight" }
  | { readonly kind: "answered"; readonly reply: Uint8Array };

/**
 * The RFC 5080 §2.2.2 identity of a request datagram: which listener,
 * source address and port, code, Identifier and Request Authenticator, with
 * a hash of them. Built by {@linkcode requestKey}.
 */
export interface RequestKey {
  readonly listener: string;
  readonly hostname: string;
  readonly port: number;
  /** Code and Identifier: `code << 8 | id`. */
  readonly codeAndId: number;
  /** The Request Authenticator as four big-endian 32-bit words. */
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
  /** A seeded hash of the fields above (hostname and listener excepted). */
  readonly hash: number;
}

/** A request in flight, chained with others whose key has the same hash. */
interface InFlight {
  readonly key: RequestKey;
  next: InFlight | undefined;
}

const NEW: DuplicateState = { kind: "new" };
const IN_FLIGHT: DuplicateState = { kind: "in-flight" };

/** Default limits, as documented on {@linkcode DuplicateCacheOptions}. */
export const DEFAULT_DUPLICATE_CACHE: Required<DuplicateCacheOptions> = {
  maxEntries: 65536,
  maxBytes: 8 * 1024 * 1024,
  ttl: 5000,
};

/**
 * Requests in flight (a Map from the key's hash to a chain) and answered
 * requests with their replies (a {@linkcode ReplyRing}: typed arrays, no
 * object per answer, the oldest answers overwritten first).
 *
 * A request in flight is never forgotten to make room: if it were, its
 * retransmission would run the handler a second time and send a second
 * reply (two Accounting-Responses for one record). Their number is bounded
 * by the Server's `maxInFlight`, not here. Hashing numbers instead of
 * building a string key per datagram keeps each operation O(1) and cheap.
 */
export class DuplicateCache {
  #inFlight = new Map<number, InFlight>();
  #inFlightCount = 0;
  #answers: ReplyRing;
  #ttl: number;
  #now: () => number;

  /**
   * Creates an empty cache.
   *
   * @param options Limits; defaults as documented.
   * @param now The clock, in milliseconds (tests inject one).
   * @throws {RangeError} for a limit out of range (`maxEntries` ≥ 1, `maxBytes` ≥ 4096, `ttl` ≥ 0).
   */
  constructor(options: DuplicateCacheOptions = {}, now: () => number = Date.now) {
    const maxEntries = options.maxEntries ?? DEFAULT_DUPLICATE_CACHE.maxEntries;
    const maxBytes = options.maxBytes ?? DEFAULT_DUPLICATE_CACHE.maxBytes;
    const ttl = options.ttl ?? DEFAULT_DUPLICATE_CACHE.ttl;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Invalid duplicateCache.maxEntries ${maxEntries}: must be an integer of at least 1`,
      );
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 4096 || maxBytes > 2 ** 30) {
      throw new RangeError(
        `Invalid duplicateCache.maxBytes ${maxBytes}: must be an integer from 4096 (one RADIUS datagram) to 2^30`,
      );
    }
    if (!(Number.isFinite(ttl) && ttl >= 0)) {
      throw new RangeError(
        `Invalid duplicateCache.ttl ${ttl}: must be a finite number of milliseconds >= 0`,
      );
    }
    this.#answers = new ReplyRing({ maxEntries, maxBytes }, now);
    this.#ttl = ttl;
    this.#now = now;
  }

  /** How many requests are remembered (in flight and answered). */
  get size(): number {
    return this.#inFlightCount + this.#answers.size;
  }

  /**
   * What is known about a request.
   *
   * @param key The request's key from {@linkcode requestKey}.
   * @returns New, in flight, or answered with (a copy of) the reply's bytes.
   */
  check(key: RequestKey): DuplicateState {
    if (this.#inFlightCount > 0 && this.#findInFlight(key) !== undefined) return IN_FLIGHT;
    const reply = this.#answers.find(key);
    return reply === undefined ? NEW : { kind: "answered", reply };
  }

  /**
   * Marks a request as in flight.
   *
   * @param key The request's key.
   */
  begin(key: RequestKey): void {
    if (this.#findInFlight(key) !== undefined) return;
    this.#answers.delete(key);
    this.#answers.sweep();
    this.#inFlight.set(key.hash, { key, next: this.#inFlight.get(key.hash) });
    this.#inFlightCount++;
  }

  /**
   * Records the reply of a request, for retransmissions.
   *
   * @param key The request's key.
   * @param reply The reply's bytes (copied).
   */
  answer(key: RequestKey, reply: Uint8Array): void {
    this.#endInFlight(key);
    if (this.#ttl === 0) return;
    this.#answers.add(key, reply, this.#now() + this.#ttl);
  }

  /**
   * Forgets a request that got no reply, so a retransmission is handled anew.
   *
   * @param key The request's key.
   */
  forget(key: RequestKey): void {
    this.#endInFlight(key);
    this.#answers.delete(key);
  }

  #findInFlight(key: RequestKey): InFlight | undefined {
    let entry = this.#inFlight.get(key.hash);
    while (entry !== undefined && !sameRequest(entry.key, key)) entry = entry.next;
    return entry;
  }

  #endInFlight(key: RequestKey): void {
    const first = this.#inFlight.get(key.hash);
    if (first === undefined) return;
    if (sameRequest(first.key, key)) {
      if (first.next === undefined) this.#inFlight.delete(key.hash);
      else this.#inFlight.set(key.hash, first.next);
      this.#inFlightCount--;
      return;
    }
    for (let previous = first; previous.next !== undefined; previous = previous.next) {
      if (sameRequest(previous.next.key, key)) {
        previous.next = previous.next.next;
        this.#inFlightCount--;
        return;
      }
    }
  }
}

function sameRequest(a: RequestKey, b: RequestKey): boolean {
  return a.hash === b.hash && a.codeAndId === b.codeAndId && a.port === b.port &&
    a.a0 === b.a0 && a.a1 === b.a1 && a.a2 === b.a2 && a.a3 === b.a3 &&
    a.hostname === b.hostname && a.listener === b.listener;
}

/**
 * A per-process random seed, so that a peer cannot choose requests whose
 * keys share a hash (entries are only added after a request verifies, but
 * lookups come first).
 */
const SEED = globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! | 0;

/** One step of a 32-bit multiplicative mix (MurmurHash3's constants). */
function mix(hash: number, word: number): number {
  hash = Math.imul(hash ^ word, 0xcc9e2d51);
  return Math.imul((hash << 15) | (hash >>> 17), 0x1b873593);
}

function word(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/**
 * The RFC 5080 key of a request datagram: which listener, source address
 * and port, code, Identifier and Request Authenticator (not the Length).
 *
 * @param listener A tag for the receiving socket.
 * @param hostname The source IP.
 * @param port The source port.
 * @param datagram The request (at least 20 bytes).
 * @returns The key, with its hash.
 */
export function requestKey(
  listener: string,
  hostname: string,
  port: number,
  datagram: Uint8Array,
): RequestKey {
  const codeAndId = (datagram[0]! << 8) | datagram[1]!;
  const a0 = word(datagram, 4);
  const a1 = word(datagram, 8);
  const a2 = word(datagram, 12);
  const a3 = word(datagram, 16);
  let hash = mix(SEED, (port << 16) | codeAndId);
  hash = mix(hash, a0);
  hash = mix(hash, a1);
  hash = mix(hash, a2);
  hash = mix(hash, a3);
  // Small integers (below 2^30) are the cheapest Map keys.
  hash = (hash ^ (hash >>> 16)) & 0x3fffffff;
  return { listener, hostname, port, codeAndId, a0, a1, a2, a3, hash };
}
