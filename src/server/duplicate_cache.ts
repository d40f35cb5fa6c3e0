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
   * At most this many requests are remembered (in flight and answered).
   * Beyond it the oldest answered one is forgotten first; a request whose
   * handler still runs is never forgotten, so that a retransmission of it
   * cannot run the handler a second time. The server's `maxInFlight`, at
   * most this, keeps room for new requests.
   *
   * @default {65536}
   */
  maxEntries?: number;
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

interface Entry {
  readonly key: RequestKey;
  /** The reply's bytes once answered; in flight until then. */
  readonly reply: Uint8Array | undefined;
  /** When an answered entry stops counting; Infinity while in flight. */
  readonly expires: number;
  /** False once the entry left the table (forgotten, evicted, expired or replaced). */
  live: boolean;
  /** The next entry whose key has the same hash. */
  next: Entry | undefined;
}

const NEW: DuplicateState = { kind: "new" };
const IN_FLIGHT: DuplicateState = { kind: "in-flight" };

/** Default limits, as documented on {@linkcode DuplicateCacheOptions}. */
export const DEFAULT_DUPLICATE_CACHE: Required<DuplicateCacheOptions> = {
  maxEntries: 65536,
  ttl: 5000,
};

/** Expired answers dropped per new request at most: amortised O(1). */
const SWEEP_BUDGET = 4;

/**
 * A hash table from {@linkcode RequestKey} to entries (a Map from the hash
 * to a chain of entries with that hash), plus a queue of the answered
 * entries in the order they were answered, so the oldest answer (first to
 * evict or expire) is at the front. Entries in flight are in the table
 * only: they are never evicted, and when every entry is in flight a new
 * request is refused ({@linkcode DuplicateCache.begin} returns `false`).
 *
 * Hashing numbers instead of building a string key per datagram, and
 * keeping the order apart from the Map, keep each operation O(1) and cheap:
 * walking a Map from its front after many deletions is slow, because V8 and
 * JavaScriptCore leave a deleted entry's slot in place until the table is
 * rebuilt. An entry leaves the table at once and its queue record when it
 * reaches the front (or when the queue is compacted).
 */
export class DuplicateCache {
  #buckets = new Map<number, Entry>();
  #size = 0;
  /** Records of answered entries, oldest first from {@linkcode DuplicateCache.#head}. */
  #queue: (Entry | undefined)[] = [];
  #head = 0;
  #maxEntries: number;
  #ttl: number;
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
    const ttl = options.ttl ?? DEFAULT_DUPLICATE_CACHE.ttl;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Invalid duplicateCache.maxEntries ${maxEntries}: must be an integer of at least 1`,
      );
    }
    if (!(Number.isFinite(ttl) && ttl >= 0)) {
      throw new RangeError(
        `Invalid duplicateCache.ttl ${ttl}: must be a finite number of milliseconds >= 0`,
      );
    }
    this.#maxEntries = maxEntries;
    this.#ttl = ttl;
    this.#now = now;
  }

  /** How many requests are remembered. */
  get size(): number {
    return this.#size;
  }

  /**
   * What is known about a request.
   *
   * @param key The request's key from {@linkcode requestKey}.
   * @returns New, in flight, or answered with the reply's bytes.
   */
  check(key: RequestKey): DuplicateState {
    const entry = this.#find(key);
    if (entry === undefined) return NEW;
    if (entry.reply === undefined) return IN_FLIGHT;
    if (entry.expires <= this.#now()) {
      this.#remove(entry);
      return NEW;
    }
    return { kind: "answered", reply: entry.reply };
  }

  /**
   * Marks a request as in flight, making room by forgetting the oldest
   * answered request if the cache is full.
   *
   * @param key The request's key.
   * @returns `false` when the cache is full of requests in flight: the
   *   request is not recorded and must not be handled.
   */
  begin(key: RequestKey): boolean {
    this.#sweep();
    return this.#insert(key, undefined, Infinity);
  }

  /**
   * Records the reply of a request, for retransmissions.
   *
   * @param key The request's key.
   * @param reply The reply's bytes, kept as they are.
   */
  answer(key: RequestKey, reply: Uint8Array): void {
    if (this.#ttl === 0) return this.forget(key);
    // A new record at the back, so that the queue order follows the expiry.
    this.#insert(key, reply, this.#now() + this.#ttl);
  }

  /**
   * Forgets a request that got no reply, so a retransmission is handled anew.
   *
   * @param key The request's key.
   */
  forget(key: RequestKey): void {
    const entry = this.#find(key);
    if (entry !== undefined) this.#remove(entry);
  }

  #find(key: RequestKey): Entry | undefined {
    let entry = this.#buckets.get(key.hash);
    while (entry !== undefined && !sameRequest(entry.key, key)) entry = entry.next;
    return entry;
  }

  #insert(key: RequestKey, reply: Uint8Array | undefined, expires: number): boolean {
    const old = this.#find(key);
    if (old !== undefined) this.#remove(old);
    if (this.#size >= this.#maxEntries) {
      const oldest = this.#oldest();
      if (oldest === undefined) return false; // Every entry is in flight.
      this.#remove(oldest);
    }
    const buckets = this.#buckets;
    const entry: Entry = { key, reply, expires, live: true, next: buckets.get(key.hash) };
    buckets.set(key.hash, entry);
    this.#size++;
    if (reply !== undefined) {
      this.#queue.push(entry);
      this.#compact();
    }
    return true;
  }

  #remove(entry: Entry): void {
    entry.live = false;
    this.#size--;
    const buckets = this.#buckets;
    const hash = entry.key.hash;
    const first = buckets.get(hash)!;
    if (first === entry) {
      if (entry.next === undefined) buckets.delete(hash);
      else buckets.set(hash, entry.next);
      return;
    }
    let previous = first;
    while (previous.next !== entry) previous = previous.next!;
    previous.next = entry.next;
  }

  /** The oldest live answered entry, after dropping the records of gone ones from the front. */
  #oldest(): Entry | undefined {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const entry = queue[this.#head];
      if (entry?.live) return entry;
      queue[this.#head++] = undefined; // Let the gone entry (and its reply) be collected.
    }
    return undefined;
  }

  /** Drops expired answers from the front: amortised O(1) per insert. */
  #sweep(): void {
    const now = this.#now();
    for (let budget = SWEEP_BUDGET; budget > 0; budget--) {
      const entry = this.#oldest();
      if (entry === undefined || entry.expires > now) return;
      this.#remove(entry);
    }
  }

  /**
   * Keeps the queue within twice the live entries (plus slack): records of
   * gone entries pile up behind a live one at the front (forgotten or
   * answered again before it expires). Each compaction costs what the
   * inserts since the last one paid for.
   */
  #compact(): void {
    const queue = this.#queue;
    const pending = queue.length - this.#head;
    if (pending > 2 * this.#size + 1024) {
      this.#queue = queue.slice(this.#head).filter((entry) => entry?.live);
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
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
