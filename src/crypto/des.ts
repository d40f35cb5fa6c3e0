/**
 * DES (FIPS 46-3) single-block encryption, for MS-CHAP: the NT response is
 * three DES encryptions of the 8-byte challenge under keys cut from the NT
 * password hash (RFC 2433 §A.5, RFC 2759 §8.5). WebCrypto has no DES,
 * OpenSSL 3 (Node's `node:crypto`) refuses single DES without its legacy
 * provider, and Deno has none.
 *
 * Single DES has a 56-bit key and is broken by exhaustive search; it is
 * here only because MS-CHAP requires it. Only encryption of one block (ECB)
 * is provided: that is all MS-CHAP uses.
 *
 * How: the S-boxes and the P permutation are folded into eight 64-entry
 * tables (built once, on first use), the initial and final permutations are
 * done with the usual five masked swaps, and both halves are kept rotated
 * left by one bit so that each S-box's six input bits sit together in one
 * byte (FIPS 46-3's E expansion then costs one rotation per round).
 *
 * @module
 */
import { requireBytes, requireOutput } from "./_checks.ts";

/** FIPS 46-3: the S-boxes S1..S8, each 4 rows of 16, as written in the standard. */
const S_BOXES: readonly (readonly number[])[] = [
  [
    ...[14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7],
    ...[0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8],
    ...[4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0],
    ...[15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  ],
  [
    ...[15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10],
    ...[3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5],
    ...[0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15],
    ...[13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  ],
  [
    ...[10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8],
    ...[13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1],
    ...[13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7],
    ...[1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  ],
  [
    ...[7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15],
    ...[13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9],
    ...[10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4],
    ...[3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  ],
  [
    ...[2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9],
    ...[14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6],
    ...[4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14],
    ...[11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  ],
  [
    ...[12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11],
    ...[10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8],
    ...[9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6],
    ...[4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  ],
  [
    ...[4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1],
    ...[13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6],
    ...[1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2],
    ...[6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  ],
  [
    ...[13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7],
    ...[1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2],
    ...[7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8],
    ...[2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
  ],
];

/** FIPS 46-3: the permutation P applied to the S-box outputs (bit 1 is the most significant). */
const P = [
  16,
  7,
  20,
  21,
  29,
  12,
  28,
  17,
  1,
  15,
  23,
  26,
  5,
  18,
  31,
  10,
  2,
  8,
  24,
  14,
  32,
  27,
  3,
  9,
  19,
  13,
  30,
  6,
  22,
  11,
  4,
  25,
];

/** FIPS 46-3: Permuted Choice 1, the 56 key bits (of 64; every 8th is parity) into C and D. */
const PC1 = [
  57,
  49,
  41,
  33,
  25,
  17,
  9,
  1,
  58,
  50,
  42,
  34,
  26,
  18,
  10,
  2,
  59,
  51,
  43,
  35,
  27,
  19,
  11,
  3,
  60,
  52,
  44,
  36,
  63,
  55,
  47,
  39,
  31,
  23,
  15,
  7,
  62,
  54,
  46,
  38,
  30,
  22,
  14,
  6,
  61,
  53,
  45,
  37,
  29,
  21,
  13,
  5,
  28,
  20,
  12,
  4,
];

/** FIPS 46-3: Permuted Choice 2, the 48 bits of C D that form a round's subkey. */
const PC2 = [
  14,
  17,
  11,
  24,
  1,
  5,
  3,
  28,
  15,
  6,
  21,
  10,
  23,
  19,
  12,
  4,
  26,
  8,
  16,
  7,
  27,
  20,
  13,
  2,
  41,
  52,
  31,
  37,
  47,
  55,
  30,
  40,
  51,
  45,
  33,
  48,
  44,
  49,
  39,
  56,
  34,
  53,
  46,
  42,
  50,
  36,
  29,
  32,
];

/** FIPS 46-3: how far C and D rotate left before each of the 16 rounds. */
const ROTATIONS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/**
 * The tables, built on first use:
 * - `sp[i][x]`: P(Si(x)) for the six-bit input x of S-box i+1, rotated left
 *   by one bit like the halves it is XORed into;
 * - `pc1C`/`pc1D`: for key byte j and value v (index 256j + v), the bits
 *   that byte puts in C and D through Permuted Choice 1;
 * - `pc2Even`/`pc2Odd`: for 7-bit chunk k of C D (C's top seven bits are
 *   chunk 0, D's low seven chunk 7) and value v (index 128k + v), the bits
 *   that chunk puts in a round's two subkey words through Permuted Choice 2.
 * With them a key schedule is table lookups instead of 824 single bits.
 */
interface Tables {
  readonly sp: Int32Array[];
  readonly pc1C: Int32Array;
  readonly pc1D: Int32Array;
  readonly pc2Even: Int32Array;
  readonly pc2Odd: Int32Array;
}
let tables: Tables | undefined;

function buildTables(): Tables {
  const sp: Int32Array[] = [];
  for (let box = 0; box < 8; box++) {
    const table = new Int32Array(64);
    for (let x = 0; x < 64; x++) {
      // FIPS 46-3: the outer bits pick the row, the middle four the column.
      const row = ((x >> 4) & 2) | (x & 1);
      const column = (x >> 1) & 15;
      const out = S_BOXES[box]![row * 16 + column]! << (28 - 4 * box);
      let permuted = 0;
      for (let bit = 0; bit < 32; bit++) {
        if ((out >>> (32 - P[bit]!)) & 1) permuted |= 1 << (31 - bit);
      }
      table[x] = (permuted << 1) | (permuted >>> 31);
    }
    sp.push(table);
  }
  const pc1C = new Int32Array(8 * 256);
  const pc1D = new Int32Array(8 * 256);
  for (let i = 0; i < 56; i++) {
    const position = PC1[i]! - 1;
    const byte = position >> 3;
    const mask = 0x80 >> (position & 7);
    for (let v = 0; v < 256; v++) {
      if ((v & mask) === 0) continue;
      if (i < 28) pc1C[256 * byte + v] = pc1C[256 * byte + v]! | (1 << (27 - i));
      else pc1D[256 * byte + v] = pc1D[256 * byte + v]! | (1 << (55 - i));
    }
  }
  // Where each of the 56 bits of C D (0 = C's top bit) goes in a round's
  // two subkey words: the first holds S-boxes 2, 4, 6, 8 and the second
  // 1, 3, 5, 7, each six-bit chunk in its own byte, lined up with how
  // encryptWords() cuts the right half.
  const toEven = new Int32Array(56);
  const toOdd = new Int32Array(56);
  for (let i = 0; i < 48; i++) {
    const position = PC2[i]! - 1;
    const chunk = (i / 6) | 0; // S-box number - 1
    const at = ((3 - (chunk >> 1)) << 3) + 5 - (i % 6);
    if (chunk & 1) toEven[position] = 1 << at;
    else toOdd[position] = 1 << at;
  }
  const pc2Even = new Int32Array(8 * 128);
  const pc2Odd = new Int32Array(8 * 128);
  for (let chunk = 0; chunk < 8; chunk++) {
    for (let v = 0; v < 128; v++) {
      let even = 0;
      let odd = 0;
      for (let bit = 0; bit < 7; bit++) {
        if ((v >> (6 - bit)) & 1) {
          even |= toEven[7 * chunk + bit]!;
          odd |= toOdd[7 * chunk + bit]!;
        }
      }
      pc2Even[128 * chunk + v] = even;
      pc2Odd[128 * chunk + v] = odd;
    }
  }
  return { sp, pc1C, pc1D, pc2Even, pc2Odd };
}

/**
 * Writes the 16 round subkeys of the 8-byte key at `key[keyOffset]` into
 * `subkeys`, two words a round (see {@linkcode buildTables}): FIPS 46-3's
 * PC-1, the left rotations of C and D, and PC-2.
 */
function keySchedule(
  key: Uint8Array,
  keyOffset: number,
  subkeys: Int32Array,
  t: Tables,
): void {
  const { pc1C, pc1D, pc2Even, pc2Odd } = t;
  let c = 0;
  let d = 0;
  for (let j = 0; j < 8; j++) {
    const v = key[keyOffset + j]! + 256 * j;
    c |= pc1C[v]!;
    d |= pc1D[v]!;
  }
  for (let round = 0; round < 16; round++) {
    const shift = ROTATIONS[round]!;
    c = ((c << shift) | (c >>> (28 - shift))) & 0x0fffffff;
    d = ((d << shift) | (d >>> (28 - shift))) & 0x0fffffff;
    const c0 = c >>> 21, c1 = 128 + ((c >>> 14) & 127), c2 = 256 + ((c >>> 7) & 127);
    const c3 = 384 + (c & 127), d0 = 512 + (d >>> 21), d1 = 640 + ((d >>> 14) & 127);
    const d2 = 768 + ((d >>> 7) & 127), d3 = 896 + (d & 127);
    subkeys[2 * round] = pc2Even[c0]! | pc2Even[c1]! | pc2Even[c2]! | pc2Even[c3]! |
      pc2Even[d0]! | pc2Even[d1]! | pc2Even[d2]! | pc2Even[d3]!;
    subkeys[2 * round + 1] = pc2Odd[c0]! | pc2Odd[c1]! | pc2Odd[c2]! | pc2Odd[c3]! |
      pc2Odd[d0]! | pc2Odd[d1]! | pc2Odd[d2]! | pc2Odd[d3]!;
  }
}

/**
 * Encrypts the block in `io[0]` (bytes 0–3, big-endian) and `io[1]` (bytes
 * 4–7) in place under `subkeys`: FIPS 46-3's IP, 16 rounds and IP⁻¹.
 */
function encryptWords(io: Int32Array, subkeys: Int32Array, sp: Int32Array[]): void {
  const sp1 = sp[0]!, sp2 = sp[1]!, sp3 = sp[2]!, sp4 = sp[3]!;
  const sp5 = sp[4]!, sp6 = sp[5]!, sp7 = sp[6]!, sp8 = sp[7]!;
  let left = io[0]!;
  let right = io[1]!;
  let t = 0;
  // IP as five masked swaps; both halves end rotated left by one bit.
  t = ((left >>> 4) ^ right) & 0x0f0f0f0f;
  right ^= t;
  left ^= t << 4;
  t = ((left >>> 16) ^ right) & 0x0000ffff;
  right ^= t;
  left ^= t << 16;
  t = ((right >>> 2) ^ left) & 0x33333333;
  left ^= t;
  right ^= t << 2;
  t = ((right >>> 8) ^ left) & 0x00ff00ff;
  left ^= t;
  right ^= t << 8;
  right = (right << 1) | (right >>> 31);
  t = (left ^ right) & 0xaaaaaaaa;
  left ^= t;
  right ^= t;
  left = (left << 1) | (left >>> 31);
  // 16 rounds: L' = R, R' = L ^ f(R, K) (FIPS 46-3), two rounds per step.
  for (let k = 0; k < 32; k += 4) {
    let x = right ^ subkeys[k]!;
    let y = ((right >>> 4) | (right << 28)) ^ subkeys[k + 1]!;
    left ^= sp2[(x >>> 24) & 63]! | sp4[(x >>> 16) & 63]! | sp6[(x >>> 8) & 63]! |
      sp8[x & 63]! | sp1[(y >>> 24) & 63]! | sp3[(y >>> 16) & 63]! |
      sp5[(y >>> 8) & 63]! | sp7[y & 63]!;
    x = left ^ subkeys[k + 2]!;
    y = ((left >>> 4) | (left << 28)) ^ subkeys[k + 3]!;
    right ^= sp2[(x >>> 24) & 63]! | sp4[(x >>> 16) & 63]! | sp6[(x >>> 8) & 63]! |
      sp8[x & 63]! | sp1[(y >>> 24) & 63]! | sp3[(y >>> 16) & 63]! |
      sp5[(y >>> 8) & 63]! | sp7[y & 63]!;
  }
  // IP⁻¹ of R16 L16: the swaps of IP undone in reverse order, with the
  // halves' roles exchanged (the output is right, then left).
  right = (right >>> 1) | (right << 31);
  t = (left ^ right) & 0xaaaaaaaa;
  left ^= t;
  right ^= t;
  left = (left >>> 1) | (left << 31);
  t = ((left >>> 8) ^ right) & 0x00ff00ff;
  right ^= t;
  left ^= t << 8;
  t = ((left >>> 2) ^ right) & 0x33333333;
  right ^= t;
  left ^= t << 2;
  t = ((right >>> 16) ^ left) & 0x0000ffff;
  left ^= t;
  right ^= t << 16;
  t = ((right >>> 4) ^ left) & 0x0f0f0f0f;
  left ^= t;
  right ^= t << 4;
  io[0] = right;
  io[1] = left;
}

/**
 * Spreads 7 bytes (56 key bits) over 8 bytes, 7 bits each followed by an
 * odd-parity bit: the form DES takes its key in. MS-CHAP cuts its DES keys
 * as 7-byte pieces of the password hash and inserts the parity bits this
 * way (RFC 2433 §A.6, RFC 2759 §8.6 DesEncrypt()).
 */
export function expandDesKey(
  key7: Uint8Array,
  from: number,
  into: Uint8Array,
  offset: number,
): void {
  let bits = 0;
  let count = 0;
  let next = from;
  for (let i = 0; i < 8; i++) {
    if (count < 7) {
      bits = (bits << 8) | key7[next++]!;
      count += 8;
    }
    count -= 7;
    const seven = (bits >>> count) & 0x7f;
    bits &= (1 << count) - 1;
    // Odd parity in the low bit (DES ignores it; FIPS 46-3 asks for it).
    let ones = seven;
    ones ^= ones >> 4;
    ones ^= ones >> 2;
    ones ^= ones >> 1;
    into[offset + i] = (seven << 1) | ((ones & 1) ^ 1);
  }
}

// Scratch state for the synchronous functions below.
const scratchSubkeys = new Int32Array(32);
const scratchWords = new Int32Array(2);
const scratchKey = new Uint8Array(8);

/**
 * Encrypts one 8-byte block with DES (FIPS 46-3) in ECB mode.
 *
 * The key is either the usual 8 bytes, whose low bit of each byte (parity)
 * is ignored, or 7 bytes: the 56 key bits as MS-CHAP cuts them from a
 * password hash, which are spread over 8 bytes first (RFC 2433 §A.6,
 * RFC 2759 §8.6 `DesEncrypt()`).
 *
 * @param key The 8-byte key, or the 7-byte MS-CHAP form.
 * @param block The 8-byte plaintext block.
 * @param into Where to write the ciphertext; a new 8-byte array when omitted. May be `block`.
 * @param offset Where in `into` the ciphertext starts (default 0).
 * @returns The 8-byte ciphertext, or `into` when given.
 * @throws {TypeError} If `key`, `block` or `into` is not a `Uint8Array`.
 * @throws {RangeError} If the key is not 7 or 8 bytes, the block not 8, or the result would not fit in `into`.
 *
 * @example Usage
 * ```ts
 * import { desEncryptBlock } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * // The classic FIPS 81 example: "Now is t" under 0123456789abcdef.
 * const key = new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
 * const cipher = desEncryptBlock(key, new TextEncoder().encode("Now is t"));
 * assert.deepEqual(cipher, new Uint8Array([0x3f, 0xa4, 0x0e, 0x8a, 0x98, 0x4d, 0x48, 0x15]));
 * ```
 */
export function desEncryptBlock(
  key: Uint8Array,
  block: Uint8Array,
  into?: Uint8Array,
  offset: number = 0,
): Uint8Array {
  requireBytes(key, "The DES key");
  requireBytes(block, "The DES block");
  if (key.length !== 8 && key.length !== 7) {
    throw new RangeError(
      `A DES key is 8 bytes (or the 7-byte MS-CHAP form), got ${key.length}`,
    );
  }
  if (block.length !== 8) {
    throw new RangeError(`DES encrypts one 8-byte block, got ${block.length} bytes`);
  }
  let out: Uint8Array;
  if (into === undefined) out = new Uint8Array(8);
  else {
    requireOutput(into, offset, "DES block", 8);
    out = into;
  }
  if (key.length === 7) encryptWithKey7(key, 0, block, out, offset);
  else encrypt(key, 0, block, out, offset);
  return out;
}

/**
 * Encrypts `block` under the 7-byte MS-CHAP key at `key[keyOffset]` into
 * `out[offset]`, without checks or allocation: MS-CHAP's three encryptions
 * of one challenge (RFC 2433 §A.5) go through it.
 */
export function encryptWithKey7(
  key: Uint8Array,
  keyOffset: number,
  block: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  expandDesKey(key, keyOffset, scratchKey, 0);
  encrypt(scratchKey, 0, block, out, offset);
  scratchKey.fill(0);
}

/** Encrypts `block` under the 8-byte key at `key[keyOffset]` into `out[offset]`. */
function encrypt(
  key: Uint8Array,
  keyOffset: number,
  block: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  const t = tables ??= buildTables();
  keySchedule(key, keyOffset, scratchSubkeys, t);
  const words = scratchWords;
  words[0] = (block[0]! << 24) | (block[1]! << 16) | (block[2]! << 8) | block[3]!;
  words[1] = (block[4]! << 24) | (block[5]! << 16) | (block[6]! << 8) | block[7]!;
  encryptWords(words, scratchSubkeys, t.sp);
  scratchSubkeys.fill(0); // no key material left in module memory
  const l = words[0]!;
  const r = words[1]!;
  out[offset] = l >>> 24;
  out[offset + 1] = l >>> 16;
  out[offset + 2] = l >>> 8;
  out[offset + 3] = l;
  out[offset + 4] = r >>> 24;
  out[offset + 5] = r >>> 16;
  out[offset + 6] = r >>> 8;
  out[offset + 7] = r;
  words[0] = 0;
  words[1] = 0;
}
