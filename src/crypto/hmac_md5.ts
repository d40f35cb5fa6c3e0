/**
 * HMAC-MD5 (RFC 2104), the keyed hash behind RADIUS Message-Authenticator
 * (RFC 3579 §3.2, RFC 2869 §5.14) and several vendor attributes.
 *
 * @module
 */
import { requireBytes, requireOutput } from "./_checks.ts";

import { absorbBlock, Md5, md5 } from "./md5.ts";

/** RFC 2104 §2: B, the MD5 block size in bytes; keys longer than this are hashed first. */
const BLOCK_SIZE = 64;
/** RFC 2104 §2: the inner and outer pad bytes 0x36 and 0x5c, four at a time. */
const IPAD_WORD = 0x36363636;
const OPAD_WORD = 0x5c5c5c5c;

/**
 * Writes the RFC 2104 §2 key block K (the key, or MD5 of the key when it is
 * longer than 64 bytes, zero-padded to 64 bytes) XOR ipad into `block`.
 * `words` is an `Int32Array` over the same 64 bytes, so the XOR takes 16
 * steps; the pad bytes are all alike, so byte order does not matter.
 */
function innerKeyBlock(key: Uint8Array, block: Uint8Array, words: Int32Array): void {
  // Plain loops: at these sizes set() and fill() cost more in call overhead.
  let length = key.length;
  if (length > BLOCK_SIZE) {
    md5(key, block, 0);
    length = 16;
  } else {
    for (let i = 0; i < length; i++) block[i] = key[i]!;
  }
  for (let i = length; i < BLOCK_SIZE; i++) block[i] = 0;
  for (let i = 0; i < 16; i++) words[i] = words[i]! ^ IPAD_WORD;
}

/** Turns a `K XOR ipad` block into `K XOR opad` in place. */
function toOuterKeyBlock(words: Int32Array): void {
  for (let i = 0; i < 16; i++) words[i] = words[i]! ^ (IPAD_WORD ^ OPAD_WORD);
}

// Scratch state for the synchronous one-shot hmacMd5().
const scratchKey = new Uint8Array(BLOCK_SIZE);
const scratchKeyWords = new Int32Array(scratchKey.buffer);
const scratchKeyView = new DataView(scratchKey.buffer);
const scratchInner = new Md5();
const scratchOuter = new Md5();
const scratchMac = new Uint8Array(16);

/**
 * Computes HMAC-MD5 (RFC 2104) of `data` under `key` in one call. Keys
 * longer than 64 bytes are replaced by their MD5 digest (RFC 2104 §3). To
 * MAC many messages with one key (a RADIUS shared secret), use
 * {@linkcode HmacMd5}, which hashes the key only once.
 *
 * @param key The secret key, any length.
 * @param data The message.
 * @param into Where to write the MAC; a new 16-byte array when omitted.
 * @param offset Where in `into` the MAC starts (default 0).
 * @returns The 16-byte MAC, or `into` when given.
 * @throws {TypeError} If `key`, `data` or `into` is not a `Uint8Array`.
 * @throws {RangeError} If `offset` is not an integer or the MAC would not fit in `into`.
 *
 * @example Usage
 * ```ts
 * import { hmacMd5 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * // RFC 2202 §2, test case 2.
 * const text = new TextEncoder();
 * const mac = hmacMd5(text.encode("Jefe"), text.encode("what do ya want for nothing?"));
 * assert.equal(mac[0], 0x75); // 750c783e6ab0b503eaa86e310a5db738
 * ```
 */
export function hmacMd5(
  key: Uint8Array,
  data: Uint8Array,
  into?: Uint8Array,
  offset: number = 0,
): Uint8Array {
  requireBytes(key, "The HMAC-MD5 key");
  requireBytes(data, "The HMAC-MD5 message");
  let out: Uint8Array;
  if (into === undefined) out = new Uint8Array(16);
  else {
    requireOutput(into, offset, "HMAC-MD5");
    out = into;
  }
  innerKeyBlock(key, scratchKey, scratchKeyWords);
  absorbBlock(scratchInner.reset(), scratchKeyView, 0);
  scratchInner.update(data, 0, data.length);
  scratchInner.digest(scratchMac, 0);
  toOuterKeyBlock(scratchKeyWords);
  absorbBlock(scratchOuter.reset(), scratchKeyView, 0);
  scratchOuter.update(scratchMac, 0, 16);
  scratchOuter.digest(out, offset);
  // Do not leave key material in module memory.
  for (let i = 0; i < 16; i++) scratchKeyWords[i] = 0;
  return out;
}

/**
 * An incremental HMAC-MD5 (RFC 2104) bound to one key. The constructor
 * hashes `K XOR ipad` and `K XOR opad` once (RFC 2104 §4, "Implementation
 * Note"), so each MAC costs only the message's blocks plus two, and
 * {@linkcode HmacMd5.prototype.reset} starts a new MAC without allocating.
 *
 * Like {@linkcode Md5}, `digest()` may be called once; `update()` and
 * `digest()` then throw until `reset()`.
 *
 * @example Usage
 * ```ts
 * import { HmacMd5, hmacMd5 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * const secret = new TextEncoder().encode("testing123");
 * const hmac = new HmacMd5(secret);
 * const packet = new Uint8Array(38);
 * assert.deepEqual(hmac.update(packet).digest(), hmacMd5(secret, packet));
 * assert.deepEqual(hmac.reset().update(packet).digest(), hmacMd5(secret, packet));
 * ```
 */
export class HmacMd5 {
  #innerStart: Md5 = new Md5();
  #outerStart: Md5 = new Md5();
  #inner: Md5 = new Md5();
  #outer: Md5 = new Md5();
  #innerMac: Uint8Array = new Uint8Array(16);
  #finished = false;

  /**
   * Binds a new HMAC to `key` and precomputes the padded key states.
   *
   * @param key The secret key, any length; longer than 64 bytes is hashed first (RFC 2104 §3).
   * @throws {TypeError} If `key` is not a `Uint8Array`.
   */
  constructor(key: Uint8Array) {
    requireBytes(key, "The HMAC-MD5 key");
    const block = new Uint8Array(BLOCK_SIZE);
    const words = new Int32Array(block.buffer);
    innerKeyBlock(key, block, words);
    this.#innerStart.update(block);
    toOuterKeyBlock(words);
    this.#outerStart.update(block);
    block.fill(0);
    this.#inner.copyFrom(this.#innerStart);
  }

  /**
   * Appends `data` to the message being authenticated.
   *
   * @param data The next bytes of the message.
   * @param start Where in `data` to start (default 0).
   * @param end Where in `data` to stop, exclusive (default `data.length`).
   * @returns This HMAC, for chaining.
   * @throws {TypeError} If `data` is not a `Uint8Array`, or if `digest()` was already called.
   *
   * @example Usage
   * ```ts
   * import { HmacMd5, hmacMd5 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * const key = new Uint8Array(16).fill(0x0b);
   * const mac = new HmacMd5(key).update(new Uint8Array([1])).update(new Uint8Array([2])).digest();
   * assert.deepEqual(mac, hmacMd5(key, new Uint8Array([1, 2])));
   * ```
   */
  update(data: Uint8Array, start?: number, end?: number): this {
    if (this.#finished) {
      throw new TypeError(
        "HmacMd5.update() called after digest(): call reset() to authenticate a new message",
      );
    }
    this.#inner.update(data, start, end);
    return this;
  }

  /**
   * Finishes the MAC and returns it. Call it once; then
   * {@linkcode HmacMd5.prototype.reset} to authenticate another message.
   *
   * @param into Where to write the MAC; a new 16-byte array when omitted.
   * @param offset Where in `into` the MAC starts (default 0).
   * @returns The 16-byte MAC, or `into` when given.
   * @throws {TypeError} If `digest()` was already called since the last reset, or `into` is not a `Uint8Array`.
   * @throws {RangeError} If `offset` is not an integer or the MAC would not fit in `into`.
   *
   * @example Usage
   * ```ts
   * import { HmacMd5 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * // RFC 3579 §3.2: Message-Authenticator is written into the packet itself.
   * const packet = new Uint8Array(38);
   * const hmac = new HmacMd5(new TextEncoder().encode("testing123"));
   * assert.equal(hmac.update(packet).digest(packet, 22), packet);
   * ```
   */
  digest(into?: Uint8Array, offset: number = 0): Uint8Array {
    if (this.#finished) {
      throw new TypeError(
        "HmacMd5.digest() called twice: call reset() to authenticate a new message",
      );
    }
    let out: Uint8Array;
    if (into === undefined) out = new Uint8Array(16);
    else {
      requireOutput(into, offset, "HMAC-MD5");
      out = into;
    }
    this.#finished = true;
    this.#inner.digest(this.#innerMac, 0);
    this.#outer.copyFrom(this.#outerStart).update(this.#innerMac).digest(out, offset);
    return out;
  }

  /**
   * Starts a new MAC under the same key, without allocating or rehashing the key.
   *
   * @returns This HMAC, for chaining.
   *
   * @example Usage
   * ```ts
   * import { HmacMd5 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * const hmac = new HmacMd5(new Uint8Array([1, 2, 3]));
   * const first = hmac.update(new Uint8Array([4])).digest();
   * assert.deepEqual(hmac.reset().update(new Uint8Array([4])).digest(), first);
   * ```
   */
  reset(): this {
    this.#inner.copyFrom(this.#innerStart);
    this.#finished = false;
    return this;
  }
}
