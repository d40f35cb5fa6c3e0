/**
 * The answered part of the RFC 5080 §2.2.2 duplicate cache, kept out of the
 * garbage collector's way: every answer lives in preallocated typed arrays
 * (its key fields, its expiry, and its reply bytes in one byte ring), never
 * in a JavaScript object of its own.
 *
 * Why: an answer is kept for seconds (FreeRADIUS's `cleanup_delay`), long
 * enough for the collector to move it to the old generation, where tens of
 * thousands of them a second then die. V8 lets such a heap grow to several
 * times its live size before collecting it: with one object per answer, a
 * server under load held 250–350 MB of RSS for 20 MB of live answers. Here
 * the memory is the arrays, sized once (doubling from small up to the
 * limits) and then reused.
 *
 * Answers are stored in the order they are made, which is also the order
 * they expire in, so both the slots and the byte ring are FIFO rings: the
 * oldest answer is the one to overwrite when either is full, and expiry
 * sweeps from the same end.
 *
 * @module
 */

import type { RequestKey } from "./duplicate_cache.ts";

/** Limits of a {@linkcode ReplyRing}. */
export interface ReplyRingLimits {
  /** At most this many answers. */
  readonly maxEntries: number;
  /** At most this many bytes of replies. */
  readonly maxBytes: number;
}

const FIRST_SLOTS = 256;
/** A RADIUS datagram is at most 4096 octets (RFC 2865 §3): the ring always holds one. */
const MIN_BYTES = 64 * 1024;
/** Bytes of ring per slot while both grow. */
const BYTES_PER_SLOT = 128;
/** Expired answers dropped per insert at most: amortised O(1). */
const SWEEP_BUDGET = 4;

/** The IPv4 address in dotted form as an unsigned 32-bit number, or -1 for any other form. */
function ipv4Number(hostname: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < hostname.length; i++) {
    const c = hostname.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + c - 48;
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/**
 * Answers by request key, with their reply bytes, in typed arrays.
 * Lookups hash into an open-addressing table (linear probing, deletion by
 * backward shift) that holds slot numbers.
 */
export class ReplyRing {
  readonly #limits: ReplyRingLimits;
  #now: () => number;

  // Slots, a FIFO ring: #oldest is the oldest live slot's position, #count
  // the slots from there (live or removed) up to the next free one.
  #capacity = 0;
  #oldest = 0;
  #count = 0;
  #live = 0;
  /** Per slot: hash, codeAndId, port, a0..a3, host (IPv4 number or -1), listener id. */
  #fields = new Int32Array(0);
  #expires = new Float64Array(0);
  /** Per slot: reply offset in the ring and length (0: removed). */
  #offset = new Int32Array(0);
  #length = new Int32Array(0);
  /** Per slot, only for a host that is not dotted IPv4 (IPv6, names). */
  #hostnames: (string | undefined)[] = [];
  #listenerIds = new Map<string, number>();

  /** Table of slot + 1 (0 = empty), a power of two at least twice the slots. */
  #table = new Int32Array(0);
  #mask = 0;

  #bytes = new Uint8Array(0);
  /** Where the next reply goes. */
  #write = 0;

  /**
   * @param limits The most answers and reply bytes to hold.
   * @param now The clock, in milliseconds.
   */
  constructor(limits: ReplyRingLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
    const slots = Math.min(FIRST_SLOTS, limits.maxEntries);
    this.#resize(slots, Math.min(limits.maxBytes, Math.max(MIN_BYTES, slots * BYTES_PER_SLOT)));
  }

  /** Answers held (expired ones not yet swept included). */
  get size(): number {
    return this.#live;
  }

  /** Bytes the ring's arrays take. */
  get footprint(): number {
    return this.#fields.byteLength + this.#expires.byteLength + this.#offset.byteLength +
      this.#length.byteLength + this.#table.byteLength + this.#bytes.byteLength;
  }

  /**
   * The reply recorded for `key`, if it has not expired.
   *
   * @param key The request's key.
   * @returns A copy of the reply's bytes, or `undefined`.
   */
  find(key: RequestKey): Uint8Array | undefined {
    const slot = this.#lookup(key, ipv4Number(key.hostname));
    if (slot < 0) return undefined;
    if (this.#expires[slot]! <= this.#now()) {
      this.#removeSlot(slot);
      return undefined;
    }
    const offset = this.#offset[slot]!;
    return this.#bytes.slice(offset, offset + this.#length[slot]!);
  }

  /**
   * Records `reply` for `key` until `expires`, replacing an earlier answer.
   * Makes room by dropping the oldest answers (expired ones first, then
   * growing up to the limits, then the oldest live ones).
   *
   * @param key The request's key.
   * @param reply The reply's bytes (copied in; at most 4096 are expected).
   * @param expires When the answer stops counting (clock milliseconds).
   * @returns False if the reply is larger than the ring may ever be.
   */
  add(key: RequestKey, reply: Uint8Array, expires: number): boolean {
    if (reply.length > this.#limits.maxBytes) return false;
    const host = ipv4Number(key.hostname);
    const old = this.#lookup(key, host);
    if (old >= 0) this.#removeSlot(old);
    this.sweep();
    if (this.#count === this.#capacity) this.#makeSlot();
    const offset = this.#place(reply.length);
    const slot = (this.#oldest + this.#count) % this.#capacity;
    this.#count++;
    this.#live++;
    const f = slot * 9;
    const fields = this.#fields;
    fields[f] = key.hash;
    fields[f + 1] = key.codeAndId;
    fields[f + 2] = key.port;
    fields[f + 3] = key.a0;
    fields[f + 4] = key.a1;
    fields[f + 5] = key.a2;
    fields[f + 6] = key.a3;
    fields[f + 7] = host | 0;
    fields[f + 8] = this.#listenerId(key.listener);
    this.#hostnames[slot] = host < 0 ? key.hostname : undefined;
    this.#expires[slot] = expires;
    this.#offset[slot] = offset;
    this.#length[slot] = reply.length;
    this.#bytes.set(reply, offset);
    this.#tableInsert(slot);
    return true;
  }

  /**
   * Forgets the answer for `key`, if any.
   *
   * @param key The request's key.
   */
  delete(key: RequestKey): void {
    const slot = this.#lookup(key, ipv4Number(key.hostname));
    if (slot >= 0) this.#removeSlot(slot);
  }

  #listenerId(listener: string): number {
    let id = this.#listenerIds.get(listener);
    if (id === undefined) {
      id = this.#listenerIds.size;
      this.#listenerIds.set(listener, id);
    }
    return id;
  }

  #matches(slot: number, key: RequestKey, host: number): boolean {
    const f = slot * 9;
    const fields = this.#fields;
    return fields[f] === key.hash && fields[f + 1] === key.codeAndId &&
      fields[f + 2] === key.port && fields[f + 3] === key.a0 && fields[f + 4] === key.a1 &&
      fields[f + 5] === key.a2 && fields[f + 6] === key.a3 &&
      (host >= 0
        ? fields[f + 7] === (host | 0) && this.#hostnames[slot] === undefined
        : this.#hostnames[slot] === key.hostname) &&
      fields[f + 8] === this.#listenerIds.get(key.listener);
  }

  /** The live slot holding `key`, or -1. */
  #lookup(key: RequestKey, host: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let i = key.hash & mask;; i = (i + 1) & mask) {
      const entry = table[i]!;
      if (entry === 0) return -1;
      if (this.#matches(entry - 1, key, host)) return entry - 1;
    }
  }

  #tableInsert(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let i = this.#fields[slot * 9]! & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  /** Deletes `slot` from the table, shifting later entries of its run back. */
  #tableDelete(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let i = this.#fields[slot * 9]! & mask;
    while (table[i] !== slot + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.#fields[(table[j]! - 1) * 9]! & mask;
      // Move j back to the hole at i unless its home lies in (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        table[i] = table[j]!;
        i = j;
      }
    }
    table[i] = 0;
  }

  #removeSlot(slot: number): void {
    this.#tableDelete(slot);
    this.#length[slot] = 0;
    this.#hostnames[slot] = undefined;
    this.#live--;
    this.#trimOldest();
  }

  /** Drops removed slots from both ends of the ring. */
  #trimOldest(): void {
    while (this.#count > 0 && this.#length[this.#oldest] === 0) {
      this.#oldest = (this.#oldest + 1) % this.#capacity;
      this.#count--;
    }
    while (
      this.#count > 0 && this.#length[(this.#oldest + this.#count - 1) % this.#capacity] === 0
    ) {
      this.#count--;
    }
    if (this.#count === 0) this.#oldest = 0;
  }

  /** Drops a few expired answers from the oldest end (amortised O(1)). */
  sweep(): void {
    const now = this.#now();
    for (let budget = SWEEP_BUDGET; budget > 0 && this.#count > 0; budget--) {
      const slot = this.#oldest;
      if (this.#expires[slot]! > now) return;
      this.#removeSlot(slot);
    }
  }

  /** Frees a slot: closes gaps if many, else grows if the oldest answer still counts and the limit allows, else drops it. */
  #makeSlot(): void {
    if (4 * (this.#count - this.#live) >= this.#capacity) {
      // A quarter of the slots are gaps (answers removed out of order):
      // close them, O(n) at most once per n/4 answers, rather than drop one.
      this.#resize(this.#capacity, this.#bytes.length);
      return;
    }
    const unexpired = this.#expires[this.#oldest]! > this.#now();
    if (unexpired && this.#capacity < this.#limits.maxEntries) {
      const slots = Math.min(this.#capacity * 2, this.#limits.maxEntries);
      this.#resize(slots, this.#bytes.length);
    } else {
      this.#removeSlot(this.#oldest);
    }
  }

  /**
   * Where a reply of `length` bytes goes. Live replies sit in ring order
   * from the oldest one's start up to `#write`, so the free bytes are either
   * after `#write` and before the start (when live replies wrap), or after
   * `#write` to the end plus before the oldest's start. The oldest replies
   * are dropped until the new one fits, unless the ring may still grow.
   */
  #place(length: number): number {
    for (;;) {
      const size = this.#bytes.length;
      if (length > size) {
        this.#resize(this.#capacity, Math.min(this.#limits.maxBytes, Math.max(size * 2, length)));
        continue;
      }
      if (this.#live === 0) {
        this.#write = 0;
        return this.#claim(0, length);
      }
      const start = this.#offset[this.#oldest]!;
      if (start < this.#write) {
        if (this.#write + length <= size) return this.#claim(this.#write, length);
        if (length <= start) return this.#claim(0, length);
      } else if (this.#write + length <= start) {
        return this.#claim(this.#write, length);
      }
      const unexpired = this.#expires[this.#oldest]! > this.#now();
      if (unexpired && size < this.#limits.maxBytes) {
        this.#resize(this.#capacity, Math.min(size * 2, this.#limits.maxBytes));
      } else {
        this.#removeSlot(this.#oldest);
      }
    }
  }

  #claim(at: number, length: number): number {
    this.#write = at + length;
    return at;
  }

  /** Rebuilds the arrays with room for `slots` answers and `bytes` bytes, keeping every live answer in order. */
  #resize(slots: number, bytes: number): void {
    const previous = {
      capacity: this.#capacity,
      oldest: this.#oldest,
      count: this.#count,
      fields: this.#fields,
      expires: this.#expires,
      offset: this.#offset,
      length: this.#length,
      hostnames: this.#hostnames,
      bytes: this.#bytes,
    };
    this.#capacity = slots;
    this.#fields = new Int32Array(slots * 9);
    this.#expires = new Float64Array(slots);
    this.#offset = new Int32Array(slots);
    this.#length = new Int32Array(slots);
    this.#hostnames = new Array(slots);
    let tableSize = 1;
    while (tableSize < slots * 2) tableSize *= 2;
    this.#table = new Int32Array(tableSize);
    this.#mask = tableSize - 1;
    this.#bytes = new Uint8Array(bytes);
    this.#oldest = 0;
    this.#count = 0;
    this.#write = 0;
    for (let n = 0; n < previous.count; n++) {
      const from = (previous.oldest + n) % previous.capacity;
      const length = previous.length[from]!;
      if (length === 0) continue;
      const slot = this.#count++;
      this.#fields.set(previous.fields.subarray(from * 9, from * 9 + 9), slot * 9);
      this.#expires[slot] = previous.expires[from]!;
      this.#hostnames[slot] = previous.hostnames[from];
      const offset = previous.offset[from]!;
      this.#bytes.set(previous.bytes.subarray(offset, offset + length), this.#write);
      this.#offset[slot] = this.#write;
      this.#length[slot] = length;
      this.#write += length;
      this.#tableInsert(slot);
    }
  }
}
