/**
 * MD4 (RFC 1320) in portable TypeScript, for MS-CHAP: the NT password hash
 * is MD4 of the UTF-16LE password, and MPPE keys start from MD4 of that hash
 * (RFC 2433 §A.2, RFC 2759 §8.3–8.4, RFC 3079 §3.4). WebCrypto has no MD4,
 * and OpenSSL 3 (Node's `node:crypto`) refuses it without its legacy
 * provider.
 *
 * MD4 is broken (collisions take microseconds): it is here only because
 * MS-CHAP requires it. Built like {@linkcode md5}: the 48 steps unrolled,
 * every addition truncated with `| 0`, no allocation per block.
 *
 * @module
 */
import { requireBytes, requireOutput } from "./_checks.ts";

/** RFC 1320 §3.3: the initial chaining values A, B, C, D (the same as MD5's). */
function initState(s: Int32Array): void {
  s[0] = 0x67452301;
  s[1] = -0x10325477; // 0xefcdab89
  s[2] = -0x67452302; // 0x98badcfe
  s[3] = 0x10325476;
}

/**
 * Runs the RFC 1320 §3.4 compression function over the 64-byte blocks of
 * `v` from byte `p` (inclusive) to byte `end` (exclusive), updating `s`.
 * Message words are read little-endian; `end - p` is a multiple of 64.
 */
function compress(s: Int32Array, v: DataView, p: number, end: number): void {
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  let t = 0;
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0, x7 = 0;
  let x8 = 0, x9 = 0, x10 = 0, x11 = 0, x12 = 0, x13 = 0, x14 = 0, x15 = 0;
  for (; p < end; p += 64) {
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    // Round 1 (RFC 1320 §3.4): F(X, Y, Z) = XY v not(X) Z, computed as Z ^ (X & (Y ^ Z)).
    t = ((((x0 = v.getInt32(p + 0, true)) + a) | 0) + (d ^ (b & (c ^ d)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = ((((x1 = v.getInt32(p + 4, true)) + d) | 0) + (c ^ (a & (b ^ c)))) | 0;
    d = (t << 7) | (t >>> 25);
    t = ((((x2 = v.getInt32(p + 8, true)) + c) | 0) + (b ^ (d & (a ^ b)))) | 0;
    c = (t << 11) | (t >>> 21);
    t = ((((x3 = v.getInt32(p + 12, true)) + b) | 0) + (a ^ (c & (d ^ a)))) | 0;
    b = (t << 19) | (t >>> 13);
    t = ((((x4 = v.getInt32(p + 16, true)) + a) | 0) + (d ^ (b & (c ^ d)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = ((((x5 = v.getInt32(p + 20, true)) + d) | 0) + (c ^ (a & (b ^ c)))) | 0;
    d = (t << 7) | (t >>> 25);
    t = ((((x6 = v.getInt32(p + 24, true)) + c) | 0) + (b ^ (d & (a ^ b)))) | 0;
    c = (t << 11) | (t >>> 21);
    t = ((((x7 = v.getInt32(p + 28, true)) + b) | 0) + (a ^ (c & (d ^ a)))) | 0;
    b = (t << 19) | (t >>> 13);
    t = ((((x8 = v.getInt32(p + 32, true)) + a) | 0) + (d ^ (b & (c ^ d)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = ((((x9 = v.getInt32(p + 36, true)) + d) | 0) + (c ^ (a & (b ^ c)))) | 0;
    d = (t << 7) | (t >>> 25);
    t = ((((x10 = v.getInt32(p + 40, true)) + c) | 0) + (b ^ (d & (a ^ b)))) | 0;
    c = (t << 11) | (t >>> 21);
    t = ((((x11 = v.getInt32(p + 44, true)) + b) | 0) + (a ^ (c & (d ^ a)))) | 0;
    b = (t << 19) | (t >>> 13);
    t = ((((x12 = v.getInt32(p + 48, true)) + a) | 0) + (d ^ (b & (c ^ d)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = ((((x13 = v.getInt32(p + 52, true)) + d) | 0) + (c ^ (a & (b ^ c)))) | 0;
    d = (t << 7) | (t >>> 25);
    t = ((((x14 = v.getInt32(p + 56, true)) + c) | 0) + (b ^ (d & (a ^ b)))) | 0;
    c = (t << 11) | (t >>> 21);
    t = ((((x15 = v.getInt32(p + 60, true)) + b) | 0) + (a ^ (c & (d ^ a)))) | 0;
    b = (t << 19) | (t >>> 13);
    // Round 2: G(X, Y, Z) = XY v XZ v YZ (majority), plus 0x5a827999.
    t = (((((x0 + 0x5a827999) | 0) + a) | 0) + ((b & c) | (d & (b | c)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x4 + 0x5a827999) | 0) + d) | 0) + ((a & b) | (c & (a | b)))) | 0;
    d = (t << 5) | (t >>> 27);
    t = (((((x8 + 0x5a827999) | 0) + c) | 0) + ((d & a) | (b & (d | a)))) | 0;
    c = (t << 9) | (t >>> 23);
    t = (((((x12 + 0x5a827999) | 0) + b) | 0) + ((c & d) | (a & (c | d)))) | 0;
    b = (t << 13) | (t >>> 19);
    t = (((((x1 + 0x5a827999) | 0) + a) | 0) + ((b & c) | (d & (b | c)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x5 + 0x5a827999) | 0) + d) | 0) + ((a & b) | (c & (a | b)))) | 0;
    d = (t << 5) | (t >>> 27);
    t = (((((x9 + 0x5a827999) | 0) + c) | 0) + ((d & a) | (b & (d | a)))) | 0;
    c = (t << 9) | (t >>> 23);
    t = (((((x13 + 0x5a827999) | 0) + b) | 0) + ((c & d) | (a & (c | d)))) | 0;
    b = (t << 13) | (t >>> 19);
    t = (((((x2 + 0x5a827999) | 0) + a) | 0) + ((b & c) | (d & (b | c)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x6 + 0x5a827999) | 0) + d) | 0) + ((a & b) | (c & (a | b)))) | 0;
    d = (t << 5) | (t >>> 27);
    t = (((((x10 + 0x5a827999) | 0) + c) | 0) + ((d & a) | (b & (d | a)))) | 0;
    c = (t << 9) | (t >>> 23);
    t = (((((x14 + 0x5a827999) | 0) + b) | 0) + ((c & d) | (a & (c | d)))) | 0;
    b = (t << 13) | (t >>> 19);
    t = (((((x3 + 0x5a827999) | 0) + a) | 0) + ((b & c) | (d & (b | c)))) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x7 + 0x5a827999) | 0) + d) | 0) + ((a & b) | (c & (a | b)))) | 0;
    d = (t << 5) | (t >>> 27);
    t = (((((x11 + 0x5a827999) | 0) + c) | 0) + ((d & a) | (b & (d | a)))) | 0;
    c = (t << 9) | (t >>> 23);
    t = (((((x15 + 0x5a827999) | 0) + b) | 0) + ((c & d) | (a & (c | d)))) | 0;
    b = (t << 13) | (t >>> 19);
    // Round 3: H(X, Y, Z) = X xor Y xor Z, plus 0x6ed9eba1.
    t = (((((x0 + 0x6ed9eba1) | 0) + a) | 0) + (b ^ c ^ d)) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x8 + 0x6ed9eba1) | 0) + d) | 0) + (a ^ b ^ c)) | 0;
    d = (t << 9) | (t >>> 23);
    t = (((((x4 + 0x6ed9eba1) | 0) + c) | 0) + (d ^ a ^ b)) | 0;
    c = (t << 11) | (t >>> 21);
    t = (((((x12 + 0x6ed9eba1) | 0) + b) | 0) + (c ^ d ^ a)) | 0;
    b = (t << 15) | (t >>> 17);
    t = (((((x2 + 0x6ed9eba1) | 0) + a) | 0) + (b ^ c ^ d)) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x10 + 0x6ed9eba1) | 0) + d) | 0) + (a ^ b ^ c)) | 0;
    d = (t << 9) | (t >>> 23);
    t = (((((x6 + 0x6ed9eba1) | 0) + c) | 0) + (d ^ a ^ b)) | 0;
    c = (t << 11) | (t >>> 21);
    t = (((((x14 + 0x6ed9eba1) | 0) + b) | 0) + (c ^ d ^ a)) | 0;
    b = (t << 15) | (t >>> 17);
    t = (((((x1 + 0x6ed9eba1) | 0) + a) | 0) + (b ^ c ^ d)) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x9 + 0x6ed9eba1) | 0) + d) | 0) + (a ^ b ^ c)) | 0;
    d = (t << 9) | (t >>> 23);
    t = (((((x5 + 0x6ed9eba1) | 0) + c) | 0) + (d ^ a ^ b)) | 0;
    c = (t << 11) | (t >>> 21);
    t = (((((x13 + 0x6ed9eba1) | 0) + b) | 0) + (c ^ d ^ a)) | 0;
    b = (t << 15) | (t >>> 17);
    t = (((((x3 + 0x6ed9eba1) | 0) + a) | 0) + (b ^ c ^ d)) | 0;
    a = (t << 3) | (t >>> 29);
    t = (((((x11 + 0x6ed9eba1) | 0) + d) | 0) + (a ^ b ^ c)) | 0;
    d = (t << 9) | (t >>> 23);
    t = (((((x7 + 0x6ed9eba1) | 0) + c) | 0) + (d ^ a ^ b)) | 0;
    c = (t << 11) | (t >>> 21);
    t = (((((x15 + 0x6ed9eba1) | 0) + b) | 0) + (c ^ d ^ a)) | 0;
    b = (t << 15) | (t >>> 17);
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
}

/** Inputs with at least this many bytes of whole blocks are hashed in place through a view. */
const VIEW_FROM = 1024;

/**
 * Copies `data[from .. from + count)` into `block` at `at`, whole
 * little-endian words where `at` is word-aligned, then byte by byte.
 */
function copyIntoBlock(
  block: Uint8Array,
  blockView: DataView,
  at: number,
  data: Uint8Array,
  from: number,
  count: number,
): void {
  let k = 0;
  if ((at & 3) === 0) {
    for (; k + 4 <= count; k += 4) {
      const p = from + k;
      const word = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
      blockView.setInt32(at + k, word, true);
    }
  }
  for (; k < count; k++) block[at + k] = data[from + k]!;
}

/**
 * Feeds `data[from .. end)` into a hash whose partial block holds `used`
 * bytes and returns the new number of buffered bytes (0–63).
 */
function absorb(
  s: Int32Array,
  block: Uint8Array,
  blockView: DataView,
  used: number,
  data: Uint8Array,
  from: number,
  end: number,
): number {
  let i = from;
  if (used > 0) {
    const take = end - i < 64 - used ? end - i : 64 - used;
    copyIntoBlock(block, blockView, used, data, i, take);
    i += take;
    used += take;
    if (used < 64) return used;
    compress(s, blockView, 0, 64);
    used = 0;
  }
  const left = end - i;
  const whole = left - (left % 64);
  if (whole >= VIEW_FROM) {
    const start = data.byteOffset + i;
    compress(s, new DataView(data.buffer), start, start + whole);
    i += whole;
  } else {
    for (const stop = i + whole; i < stop; i += 64) {
      copyIntoBlock(block, blockView, 0, data, i, 64);
      compress(s, blockView, 0, 64);
    }
  }
  copyIntoBlock(block, blockView, 0, data, i, end - i);
  return end - i;
}

/**
 * Pads per RFC 1320 §3.1–3.2 (a 1 bit, zeros, the bit length as a
 * little-endian 64-bit integer), compresses the last block(s) and writes A,
 * B, C, D little-endian (§3.5) to `out` at `offset`.
 */
function finish(
  s: Int32Array,
  block: Uint8Array,
  blockView: DataView,
  used: number,
  total: number,
  out: Uint8Array,
  offset: number,
): void {
  block[used++] = 0x80;
  if (used > 56) {
    while (used < 64) block[used++] = 0;
    compress(s, blockView, 0, 64);
    used = 0;
  }
  while (used < 56) block[used++] = 0;
  // total * 8 is exact below 2^53; ToUint32 (>>> 0) keeps the low word.
  blockView.setUint32(56, (total * 8) >>> 0, true);
  blockView.setUint32(60, Math.floor(total / 0x20000000) >>> 0, true);
  compress(s, blockView, 0, 64);
  for (let i = 0; i < 4; i++) {
    const word = s[i]!;
    const at = offset + 4 * i;
    out[at] = word;
    out[at + 1] = word >>> 8;
    out[at + 2] = word >>> 16;
    out[at + 3] = word >>> 24;
  }
}

// Scratch state for the synchronous one-shot md4().
const scratchState = new Int32Array(4);
const scratchBlock = new Uint8Array(64);
const scratchView = new DataView(scratchBlock.buffer);

/**
 * Computes the MD4 digest (RFC 1320) of `data` in one call.
 *
 * @param data The bytes to hash.
 * @param into Where to write the digest; a new 16-byte array when omitted.
 * @param offset Where in `into` the digest starts (default 0).
 * @returns The 16-byte digest, or `into` when given.
 * @throws {TypeError} If `data` or `into` is not a `Uint8Array`.
 * @throws {RangeError} If `offset` is not an integer or the digest would not fit in `into`.
 *
 * @example Usage
 * ```ts
 * import { md4 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * // RFC 1320 §A.5: MD4("abc") = a448017aaf21d8525fc10ae87aa6729d
 * const digest = md4(new TextEncoder().encode("abc"));
 * assert.equal(digest.length, 16);
 * assert.equal(digest[0], 0xa4);
 * ```
 */
export function md4(data: Uint8Array, into?: Uint8Array, offset: number = 0): Uint8Array {
  requireBytes(data, "MD4 input");
  let out: Uint8Array;
  if (into === undefined) out = new Uint8Array(16);
  else {
    requireOutput(into, offset, "MD4 digest");
    out = into;
  }
  initState(scratchState);
  const used = absorb(scratchState, scratchBlock, scratchView, 0, data, 0, data.length);
  finish(scratchState, scratchBlock, scratchView, used, data.length, out, offset);
  return out;
}

/**
 * An incremental MD4 hash (RFC 1320): feed input with
 * {@linkcode Md4.prototype.update}, then read the digest once with
 * {@linkcode Md4.prototype.digest}; {@linkcode Md4.prototype.reset} starts
 * over without allocating.
 *
 * @example Usage
 * ```ts
 * import { Md4, md4 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * const text = new TextEncoder();
 * const hash = new Md4().update(text.encode("message ")).update(text.encode("digest"));
 * assert.deepEqual(hash.digest(), md4(text.encode("message digest")));
 * ```
 */
export class Md4 {
  #state: Int32Array = new Int32Array(4);
  #block: Uint8Array = new Uint8Array(64);
  #view: DataView = new DataView(this.#block.buffer);
  #used = 0;
  #total = 0;
  #finished = false;

  /** Creates an empty hash, ready for {@linkcode Md4.prototype.update}. */
  constructor() {
    initState(this.#state);
  }

  /**
   * Appends `data` to the hashed message.
   *
   * @param data The next bytes of the message.
   * @param start Where in `data` to start (default 0).
   * @param end Where in `data` to stop, exclusive (default `data.length`).
   * @returns This hash, for chaining.
   * @throws {TypeError} If `data` is not a `Uint8Array`, or if `digest()` was already called.
   * @throws {RangeError} If the range is outside `data`.
   *
   * @example Usage
   * ```ts
   * import { Md4 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * // RFC 1320 §A.5: MD4("a") = bde52cb31de33e46245e05fbdbd6fb24
   * const digest = new Md4().update(new TextEncoder().encode("xay"), 1, 2).digest();
   * assert.equal(digest[0], 0xbd);
   * ```
   */
  update(data: Uint8Array, start?: number, end?: number): this {
    if (this.#finished) {
      throw new TypeError("Md4.update() called after digest(): call reset() to hash a new message");
    }
    requireBytes(data, "MD4 input");
    const from = start ?? 0;
    const to = end ?? data.length;
    if (!(from >= 0 && from <= to && to <= data.length)) {
      throw new RangeError(
        `Md4.update() range ${from}..${to} is outside the ${data.length}-byte input`,
      );
    }
    this.#used = absorb(this.#state, this.#block, this.#view, this.#used, data, from, to);
    this.#total += to - from;
    return this;
  }

  /**
   * Finishes the hash and returns its digest. Call it once; then
   * {@linkcode Md4.prototype.reset} to hash another message.
   *
   * @param into Where to write the digest; a new 16-byte array when omitted.
   * @param offset Where in `into` the digest starts (default 0).
   * @returns The 16-byte digest, or `into` when given.
   * @throws {TypeError} If `digest()` was already called since the last reset, or `into` is not a `Uint8Array`.
   * @throws {RangeError} If `offset` is not an integer or the digest would not fit in `into`.
   *
   * @example Usage
   * ```ts
   * import { Md4 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * // RFC 1320 §A.5: MD4("") = 31d6cfe0d16ae931b73c59d7e0c089c0
   * assert.equal(new Md4().digest()[0], 0x31);
   * ```
   */
  digest(into?: Uint8Array, offset: number = 0): Uint8Array {
    if (this.#finished) {
      throw new TypeError("Md4.digest() called twice: call reset() to hash a new message");
    }
    let out: Uint8Array;
    if (into === undefined) out = new Uint8Array(16);
    else {
      requireOutput(into, offset, "MD4 digest");
      out = into;
    }
    this.#finished = true;
    finish(this.#state, this.#block, this.#view, this.#used, this.#total, out, offset);
    return out;
  }

  /**
   * Empties the hash so it can hash a new message, without allocating.
   *
   * @returns This hash, for chaining.
   *
   * @example Usage
   * ```ts
   * import { Md4 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * const hash = new Md4();
   * const first = hash.update(new Uint8Array([1])).digest();
   * assert.deepEqual(hash.reset().update(new Uint8Array([1])).digest(), first);
   * ```
   */
  reset(): this {
    initState(this.#state);
    this.#used = 0;
    this.#total = 0;
    this.#finished = false;
    return this;
  }
}
