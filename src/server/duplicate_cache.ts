/**
 * RFC 5080 §2.2.2 duplicate detection: a request is a retransmission when
 * it comes from the same client address and port with the same code,
 * Identifier and Request Authenticator as one the server is working on or
 * has answered recently. Bounded by entries and time, O(1) per packet.
 *
 * @module
 */

/**
 * Limits of the duplicate cache.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, type DuplicateCacheOptions, Packet, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const duplicateCache: DuplicateCacheOptions = { maxEntries: 10_000, ttlMs: 10_000 };
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
   * At most this many requests are remembered (in flight and answered);
   * the oldest goes first. Default 65,536.
   */
  maxEntries?: number;
  /**
   * How long an answered request's reply is kept for retransmissions, in
   * milliseconds from the reply. Default 5,000 (FreeRADIUS's
   * `cleanup_delay`). 0 disables the replay of answers, not the in-flight check.
   */
  ttlMs?: number;
}

/** What the cache knows about a request key. */
export type DuplicateState =
  | { readonly kind: "new" }
  | { readonly kind: "in-flight" }
  | { readonly kind: "answered"; readonly reply: Uint8Array };

interface Entry {
  /** The reply's bytes once answered. */
  reply: Uint8Array | undefined;
  /** When an answered entry stops counting; Infinity while in flight. */
  expires: number;
}

const NEW: DuplicateState = { kind: "new" };
const IN_FLIGHT: DuplicateState = { kind: "in-flight" };

/** Default limits, as documented on {@linkcode DuplicateCacheOptions}. */
export const DEFAULT_DUPLICATE_CACHE: Required<DuplicateCacheOptions> = {
  maxEntries: 65536,
  ttlMs: 5000,
};

/**
 * A Map in insertion order: new and just-answered entries go to the end, so
 * the oldest entry (first to evict or expire) is always at the front.
 */
export class DuplicateCache {
  #entries = new Map<string, Entry>();
  #maxEntries: number;
  #ttlMs: number;
  #now: () => number;

  /**
   * Creates an empty cache.
   *
   * @param options Limits; defaults as documented.
   * @param now The clock, in milliseconds (tests inject one).
   * @throws {RangeError} for a limit that is not a non-negative integer (`maxEntries` ≥ 1).
   */
  constructor(options: DuplicateCacheOptions = {}, now: () => number = Date.now) {
    const maxEntries = options.maxEntries ?? DEFAULT_DUPLICATE_CACHE.maxEntries;
    const ttlMs = options.ttlMs ?? DEFAULT_DUPLICATE_CACHE.ttlMs;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Invalid duplicateCache.maxEntries ${maxEntries}: must be an integer of at least 1`,
      );
    }
    if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) {
      throw new RangeError(
        `Invalid duplicateCache.ttlMs ${ttlMs}: must be a finite number of milliseconds >= 0`,
      );
    }
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** How many requests are remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * What is known about a request key.
   *
   * @param key The request key from {@linkcode requestKey}.
   * @returns New, in flight, or answered with the reply's bytes.
   */
  check(key: string): DuplicateState {
    const entry = this.#entries.get(key);
    if (entry === undefined) return NEW;
    if (entry.reply === undefined) return IN_FLIGHT;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return NEW;
    }
    return { kind: "answered", reply: entry.reply };
  }

  /**
   * Marks a request as in flight.
   *
   * @param key The request key.
   */
  begin(key: string): void {
    this.#sweep();
    this.#entries.set(key, { reply: undefined, expires: Infinity });
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /**
   * Records the reply of a request, for retransmissions.
   *
   * @param key The request key.
   * @param reply The reply's bytes, kept as they are.
   */
  answer(key: string, reply: Uint8Array): void {
    // Re-inserted so that the entry's place in the Map follows its expiry.
    this.#entries.delete(key);
    if (this.#ttlMs === 0) return;
    this.#entries.set(key, { reply, expires: this.#now() + this.#ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /**
   * Forgets a request that got no reply, so a retransmission is handled anew.
   *
   * @param key The request key.
   */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops expired answers from the front: amortised O(1) per insert. */
  #sweep(): void {
    if (this.#entries.size === 0) return;
    const now = this.#now();
    let budget = 4;
    for (const [key, entry] of this.#entries) {
      if (budget-- === 0 || entry.expires > now) return;
      this.#entries.delete(key);
    }
  }
}

/**
 * The RFC 5080 key of a request datagram: which listener, source address
 * and port, code, Identifier and Request Authenticator.
 *
 * @param listener A tag for the receiving socket.
 * @param hostname The source IP.
 * @param port The source port.
 * @param datagram The request (at least 20 bytes).
 * @returns A string key.
 */
export function requestKey(
  listener: string,
  hostname: string,
  port: number,
  datagram: Uint8Array,
): string {
  let key = `${listener}|${hostname}|${port}|`;
  key += String.fromCharCode(
    datagram[0]!,
    datagram[1]!,
    datagram[4]!,
    datagram[5]!,
    datagram[6]!,
    datagram[7]!,
    datagram[8]!,
    datagram[9]!,
    datagram[10]!,
    datagram[11]!,
    datagram[12]!,
    datagram[13]!,
    datagram[14]!,
    datagram[15]!,
    datagram[16]!,
    datagram[17]!,
    datagram[18]!,
    datagram[19]!,
  );
  return key;
}
