/**
 * SHA-1 (FIPS 180-4, RFC 3174) in portable TypeScript and synchronous, for
 * MS-CHAP v2's challenge hash and authenticator response (RFC 2759 §8.2,
 * §8.7) and MPPE key derivation (RFC 3079 §3.4). WebCrypto's SHA-1 is
 * asynchronous, which a per-packet codec path cannot wait for.
 *
 * SHA-1 is broken as a collision-resistant hash; MS-CHAP's uses of it do
 * not depend on collision resistance. Built like {@linkcode md5}: the 80
 * steps unrolled with the roles of the five working variables rotated
 * instead of the values moved, the message schedule kept in 16 locals,
 * every addition truncated with `| 0`, no allocation per block.
 *
 * @module
 */
import { requireBytes, requireOutput } from "./_checks.ts";

/** FIPS 180-4 §5.3.1: the initial hash value H(0), as signed 32-bit integers. */
function initState(s: Int32Array): void {
  s[0] = 0x67452301;
  s[1] = -0x10325477; // 0xefcdab89
  s[2] = -0x67452302; // 0x98badcfe
  s[3] = 0x10325476;
  s[4] = -0x3c2d1e10; // 0xc3d2e1f0
}

/**
 * Runs the FIPS 180-4 §6.1.2 hash computation over the 64-byte blocks of
 * `v` from byte `p` (inclusive) to byte `end` (exclusive), updating `s`.
 * Message words are read big-endian; `end - p` is a multiple of 64. The
 * constants K are written as signed 32-bit integers.
 */
function compress(s: Int32Array, v: DataView, p: number, end: number): void {
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  let e = s[4]!;
  let t = 0;
  let w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0;
  let w8 = 0, w9 = 0, w10 = 0, w11 = 0, w12 = 0, w13 = 0, w14 = 0, w15 = 0;
  for (; p < end; p += 64) {
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const e0 = e;
    // Rounds 0-19 (FIPS 180-4 §4.1.1): Ch(b, c, d), computed as d ^ (b & (c ^ d)).
    e =
      ((((((((w0 = v.getInt32(p + 0)) + 0x5a827999) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) +
        (d ^ (b & (c ^ d)))) | 0;
    b = (b << 30) | (b >>> 2);
    d =
      ((((((((w1 = v.getInt32(p + 4)) + 0x5a827999) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
        (c ^ (a & (b ^ c)))) | 0;
    a = (a << 30) | (a >>> 2);
    c =
      ((((((((w2 = v.getInt32(p + 8)) + 0x5a827999) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
        (b ^ (e & (a ^ b)))) | 0;
    e = (e << 30) | (e >>> 2);
    b = ((((((((w3 = v.getInt32(p + 12)) + 0x5a827999) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) |
      0) + (a ^ (d & (e ^ a)))) | 0;
    d = (d << 30) | (d >>> 2);
    a = ((((((((w4 = v.getInt32(p + 16)) + 0x5a827999) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) |
      0) + (e ^ (c & (d ^ e)))) | 0;
    c = (c << 30) | (c >>> 2);
    e = ((((((((w5 = v.getInt32(p + 20)) + 0x5a827999) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) |
      0) + (d ^ (b & (c ^ d)))) | 0;
    b = (b << 30) | (b >>> 2);
    d = ((((((((w6 = v.getInt32(p + 24)) + 0x5a827999) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) |
      0) + (c ^ (a & (b ^ c)))) | 0;
    a = (a << 30) | (a >>> 2);
    c = ((((((((w7 = v.getInt32(p + 28)) + 0x5a827999) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) |
      0) + (b ^ (e & (a ^ b)))) | 0;
    e = (e << 30) | (e >>> 2);
    b = ((((((((w8 = v.getInt32(p + 32)) + 0x5a827999) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) |
      0) + (a ^ (d & (e ^ a)))) | 0;
    d = (d << 30) | (d >>> 2);
    a = ((((((((w9 = v.getInt32(p + 36)) + 0x5a827999) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) |
      0) + (e ^ (c & (d ^ e)))) | 0;
    c = (c << 30) | (c >>> 2);
    e = ((((((((w10 = v.getInt32(p + 40)) + 0x5a827999) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) |
      0) + (d ^ (b & (c ^ d)))) | 0;
    b = (b << 30) | (b >>> 2);
    d = ((((((((w11 = v.getInt32(p + 44)) + 0x5a827999) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) |
      0) + (c ^ (a & (b ^ c)))) | 0;
    a = (a << 30) | (a >>> 2);
    c = ((((((((w12 = v.getInt32(p + 48)) + 0x5a827999) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) |
      0) + (b ^ (e & (a ^ b)))) | 0;
    e = (e << 30) | (e >>> 2);
    b = ((((((((w13 = v.getInt32(p + 52)) + 0x5a827999) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) |
      0) + (a ^ (d & (e ^ a)))) | 0;
    d = (d << 30) | (d >>> 2);
    a = ((((((((w14 = v.getInt32(p + 56)) + 0x5a827999) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) |
      0) + (e ^ (c & (d ^ e)))) | 0;
    c = (c << 30) | (c >>> 2);
    e = ((((((((w15 = v.getInt32(p + 60)) + 0x5a827999) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) |
      0) + (d ^ (b & (c ^ d)))) | 0;
    b = (b << 30) | (b >>> 2);
    t = w13 ^ w8 ^ w2 ^ w0;
    w0 = (t << 1) | (t >>> 31);
    d = (((((((w0 + 0x5a827999) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
      (c ^ (a & (b ^ c)))) | 0;
    a = (a << 30) | (a >>> 2);
    t = w14 ^ w9 ^ w3 ^ w1;
    w1 = (t << 1) | (t >>> 31);
    c = (((((((w1 + 0x5a827999) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
      (b ^ (e & (a ^ b)))) | 0;
    e = (e << 30) | (e >>> 2);
    t = w15 ^ w10 ^ w4 ^ w2;
    w2 = (t << 1) | (t >>> 31);
    b = (((((((w2 + 0x5a827999) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) +
      (a ^ (d & (e ^ a)))) | 0;
    d = (d << 30) | (d >>> 2);
    t = w0 ^ w11 ^ w5 ^ w3;
    w3 = (t << 1) | (t >>> 31);
    a = (((((((w3 + 0x5a827999) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) +
      (e ^ (c & (d ^ e)))) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 20-39: Parity(b, c, d) = b ^ c ^ d.
    t = w1 ^ w12 ^ w6 ^ w4;
    w4 = (t << 1) | (t >>> 31);
    e = (((((((w4 + 0x6ed9eba1) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w2 ^ w13 ^ w7 ^ w5;
    w5 = (t << 1) | (t >>> 31);
    d = (((((((w5 + 0x6ed9eba1) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w3 ^ w14 ^ w8 ^ w6;
    w6 = (t << 1) | (t >>> 31);
    c = (((((((w6 + 0x6ed9eba1) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w4 ^ w15 ^ w9 ^ w7;
    w7 = (t << 1) | (t >>> 31);
    b = (((((((w7 + 0x6ed9eba1) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w5 ^ w0 ^ w10 ^ w8;
    w8 = (t << 1) | (t >>> 31);
    a = (((((((w8 + 0x6ed9eba1) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w6 ^ w1 ^ w11 ^ w9;
    w9 = (t << 1) | (t >>> 31);
    e = (((((((w9 + 0x6ed9eba1) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w7 ^ w2 ^ w12 ^ w10;
    w10 = (t << 1) | (t >>> 31);
    d = (((((((w10 + 0x6ed9eba1) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w8 ^ w3 ^ w13 ^ w11;
    w11 = (t << 1) | (t >>> 31);
    c = (((((((w11 + 0x6ed9eba1) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w9 ^ w4 ^ w14 ^ w12;
    w12 = (t << 1) | (t >>> 31);
    b = (((((((w12 + 0x6ed9eba1) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w10 ^ w5 ^ w15 ^ w13;
    w13 = (t << 1) | (t >>> 31);
    a = (((((((w13 + 0x6ed9eba1) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w11 ^ w6 ^ w0 ^ w14;
    w14 = (t << 1) | (t >>> 31);
    e = (((((((w14 + 0x6ed9eba1) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w12 ^ w7 ^ w1 ^ w15;
    w15 = (t << 1) | (t >>> 31);
    d = (((((((w15 + 0x6ed9eba1) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w13 ^ w8 ^ w2 ^ w0;
    w0 = (t << 1) | (t >>> 31);
    c = (((((((w0 + 0x6ed9eba1) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w14 ^ w9 ^ w3 ^ w1;
    w1 = (t << 1) | (t >>> 31);
    b = (((((((w1 + 0x6ed9eba1) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w15 ^ w10 ^ w4 ^ w2;
    w2 = (t << 1) | (t >>> 31);
    a = (((((((w2 + 0x6ed9eba1) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w0 ^ w11 ^ w5 ^ w3;
    w3 = (t << 1) | (t >>> 31);
    e = (((((((w3 + 0x6ed9eba1) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w1 ^ w12 ^ w6 ^ w4;
    w4 = (t << 1) | (t >>> 31);
    d = (((((((w4 + 0x6ed9eba1) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w2 ^ w13 ^ w7 ^ w5;
    w5 = (t << 1) | (t >>> 31);
    c = (((((((w5 + 0x6ed9eba1) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w3 ^ w14 ^ w8 ^ w6;
    w6 = (t << 1) | (t >>> 31);
    b = (((((((w6 + 0x6ed9eba1) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w4 ^ w15 ^ w9 ^ w7;
    w7 = (t << 1) | (t >>> 31);
    a = (((((((w7 + 0x6ed9eba1) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 40-59: Maj(b, c, d), computed as (b & c) | (d & (b | c)).
    t = w5 ^ w0 ^ w10 ^ w8;
    w8 = (t << 1) | (t >>> 31);
    e = (((((((w8 + -0x70e44324) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) +
      ((b & c) | (d & (b | c)))) | 0;
    b = (b << 30) | (b >>> 2);
    t = w6 ^ w1 ^ w11 ^ w9;
    w9 = (t << 1) | (t >>> 31);
    d = (((((((w9 + -0x70e44324) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
      ((a & b) | (c & (a | b)))) | 0;
    a = (a << 30) | (a >>> 2);
    t = w7 ^ w2 ^ w12 ^ w10;
    w10 = (t << 1) | (t >>> 31);
    c = (((((((w10 + -0x70e44324) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
      ((e & a) | (b & (e | a)))) | 0;
    e = (e << 30) | (e >>> 2);
    t = w8 ^ w3 ^ w13 ^ w11;
    w11 = (t << 1) | (t >>> 31);
    b = (((((((w11 + -0x70e44324) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) +
      ((d & e) | (a & (d | e)))) | 0;
    d = (d << 30) | (d >>> 2);
    t = w9 ^ w4 ^ w14 ^ w12;
    w12 = (t << 1) | (t >>> 31);
    a = (((((((w12 + -0x70e44324) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) +
      ((c & d) | (e & (c | d)))) | 0;
    c = (c << 30) | (c >>> 2);
    t = w10 ^ w5 ^ w15 ^ w13;
    w13 = (t << 1) | (t >>> 31);
    e = (((((((w13 + -0x70e44324) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) +
      ((b & c) | (d & (b | c)))) | 0;
    b = (b << 30) | (b >>> 2);
    t = w11 ^ w6 ^ w0 ^ w14;
    w14 = (t << 1) | (t >>> 31);
    d = (((((((w14 + -0x70e44324) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
      ((a & b) | (c & (a | b)))) | 0;
    a = (a << 30) | (a >>> 2);
    t = w12 ^ w7 ^ w1 ^ w15;
    w15 = (t << 1) | (t >>> 31);
    c = (((((((w15 + -0x70e44324) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
      ((e & a) | (b & (e | a)))) | 0;
    e = (e << 30) | (e >>> 2);
    t = w13 ^ w8 ^ w2 ^ w0;
    w0 = (t << 1) | (t >>> 31);
    b = (((((((w0 + -0x70e44324) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) +
      ((d & e) | (a & (d | e)))) | 0;
    d = (d << 30) | (d >>> 2);
    t = w14 ^ w9 ^ w3 ^ w1;
    w1 = (t << 1) | (t >>> 31);
    a = (((((((w1 + -0x70e44324) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) +
      ((c & d) | (e & (c | d)))) | 0;
    c = (c << 30) | (c >>> 2);
    t = w15 ^ w10 ^ w4 ^ w2;
    w2 = (t << 1) | (t >>> 31);
    e = (((((((w2 + -0x70e44324) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) +
      ((b & c) | (d & (b | c)))) | 0;
    b = (b << 30) | (b >>> 2);
    t = w0 ^ w11 ^ w5 ^ w3;
    w3 = (t << 1) | (t >>> 31);
    d = (((((((w3 + -0x70e44324) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
      ((a & b) | (c & (a | b)))) | 0;
    a = (a << 30) | (a >>> 2);
    t = w1 ^ w12 ^ w6 ^ w4;
    w4 = (t << 1) | (t >>> 31);
    c = (((((((w4 + -0x70e44324) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
      ((e & a) | (b & (e | a)))) | 0;
    e = (e << 30) | (e >>> 2);
    t = w2 ^ w13 ^ w7 ^ w5;
    w5 = (t << 1) | (t >>> 31);
    b = (((((((w5 + -0x70e44324) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) +
      ((d & e) | (a & (d | e)))) | 0;
    d = (d << 30) | (d >>> 2);
    t = w3 ^ w14 ^ w8 ^ w6;
    w6 = (t << 1) | (t >>> 31);
    a = (((((((w6 + -0x70e44324) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) +
      ((c & d) | (e & (c | d)))) | 0;
    c = (c << 30) | (c >>> 2);
    t = w4 ^ w15 ^ w9 ^ w7;
    w7 = (t << 1) | (t >>> 31);
    e = (((((((w7 + -0x70e44324) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) +
      ((b & c) | (d & (b | c)))) | 0;
    b = (b << 30) | (b >>> 2);
    t = w5 ^ w0 ^ w10 ^ w8;
    w8 = (t << 1) | (t >>> 31);
    d = (((((((w8 + -0x70e44324) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) +
      ((a & b) | (c & (a | b)))) | 0;
    a = (a << 30) | (a >>> 2);
    t = w6 ^ w1 ^ w11 ^ w9;
    w9 = (t << 1) | (t >>> 31);
    c = (((((((w9 + -0x70e44324) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) +
      ((e & a) | (b & (e | a)))) | 0;
    e = (e << 30) | (e >>> 2);
    t = w7 ^ w2 ^ w12 ^ w10;
    w10 = (t << 1) | (t >>> 31);
    b = (((((((w10 + -0x70e44324) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) +
      ((d & e) | (a & (d | e)))) | 0;
    d = (d << 30) | (d >>> 2);
    t = w8 ^ w3 ^ w13 ^ w11;
    w11 = (t << 1) | (t >>> 31);
    a = (((((((w11 + -0x70e44324) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) +
      ((c & d) | (e & (c | d)))) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 60-79: Parity(b, c, d).
    t = w9 ^ w4 ^ w14 ^ w12;
    w12 = (t << 1) | (t >>> 31);
    e = (((((((w12 + -0x359d3e2a) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w10 ^ w5 ^ w15 ^ w13;
    w13 = (t << 1) | (t >>> 31);
    d = (((((((w13 + -0x359d3e2a) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w11 ^ w6 ^ w0 ^ w14;
    w14 = (t << 1) | (t >>> 31);
    c = (((((((w14 + -0x359d3e2a) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w12 ^ w7 ^ w1 ^ w15;
    w15 = (t << 1) | (t >>> 31);
    b = (((((((w15 + -0x359d3e2a) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w13 ^ w8 ^ w2 ^ w0;
    w0 = (t << 1) | (t >>> 31);
    a = (((((((w0 + -0x359d3e2a) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w14 ^ w9 ^ w3 ^ w1;
    w1 = (t << 1) | (t >>> 31);
    e = (((((((w1 + -0x359d3e2a) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w15 ^ w10 ^ w4 ^ w2;
    w2 = (t << 1) | (t >>> 31);
    d = (((((((w2 + -0x359d3e2a) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w0 ^ w11 ^ w5 ^ w3;
    w3 = (t << 1) | (t >>> 31);
    c = (((((((w3 + -0x359d3e2a) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w1 ^ w12 ^ w6 ^ w4;
    w4 = (t << 1) | (t >>> 31);
    b = (((((((w4 + -0x359d3e2a) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w2 ^ w13 ^ w7 ^ w5;
    w5 = (t << 1) | (t >>> 31);
    a = (((((((w5 + -0x359d3e2a) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w3 ^ w14 ^ w8 ^ w6;
    w6 = (t << 1) | (t >>> 31);
    e = (((((((w6 + -0x359d3e2a) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w4 ^ w15 ^ w9 ^ w7;
    w7 = (t << 1) | (t >>> 31);
    d = (((((((w7 + -0x359d3e2a) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w5 ^ w0 ^ w10 ^ w8;
    w8 = (t << 1) | (t >>> 31);
    c = (((((((w8 + -0x359d3e2a) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w6 ^ w1 ^ w11 ^ w9;
    w9 = (t << 1) | (t >>> 31);
    b = (((((((w9 + -0x359d3e2a) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w7 ^ w2 ^ w12 ^ w10;
    w10 = (t << 1) | (t >>> 31);
    a = (((((((w10 + -0x359d3e2a) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    t = w8 ^ w3 ^ w13 ^ w11;
    w11 = (t << 1) | (t >>> 31);
    e = (((((((w11 + -0x359d3e2a) | 0) + e) | 0) + ((a << 5) | (a >>> 27))) | 0) + (b ^ c ^ d)) | 0;
    b = (b << 30) | (b >>> 2);
    t = w9 ^ w4 ^ w14 ^ w12;
    w12 = (t << 1) | (t >>> 31);
    d = (((((((w12 + -0x359d3e2a) | 0) + d) | 0) + ((e << 5) | (e >>> 27))) | 0) + (a ^ b ^ c)) | 0;
    a = (a << 30) | (a >>> 2);
    t = w10 ^ w5 ^ w15 ^ w13;
    w13 = (t << 1) | (t >>> 31);
    c = (((((((w13 + -0x359d3e2a) | 0) + c) | 0) + ((d << 5) | (d >>> 27))) | 0) + (e ^ a ^ b)) | 0;
    e = (e << 30) | (e >>> 2);
    t = w11 ^ w6 ^ w0 ^ w14;
    w14 = (t << 1) | (t >>> 31);
    b = (((((((w14 + -0x359d3e2a) | 0) + b) | 0) + ((c << 5) | (c >>> 27))) | 0) + (d ^ e ^ a)) | 0;
    d = (d << 30) | (d >>> 2);
    t = w12 ^ w7 ^ w1 ^ w15;
    w15 = (t << 1) | (t >>> 31);
    a = (((((((w15 + -0x359d3e2a) | 0) + a) | 0) + ((b << 5) | (b >>> 27))) | 0) + (c ^ d ^ e)) | 0;
    c = (c << 30) | (c >>> 2);
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
    e = (e + e0) | 0;
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  s[4] = e;
}

/** Inputs with at least this many bytes of whole blocks are hashed in place through a view. */
const VIEW_FROM = 1024;

/**
 * Copies `data[from .. from + count)` into `block` at `at`, whole
 * big-endian words where `at` is word-aligned, then byte by byte.
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
      const word = (data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
      blockView.setInt32(at + k, word);
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
 * Pads per FIPS 180-4 §5.1.1 (a 1 bit, zeros, the bit length as a
 * big-endian 64-bit integer), compresses the last block(s) and writes
 * H0..H4 big-endian to `out` at `offset`.
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
  blockView.setUint32(56, Math.floor(total / 0x20000000) >>> 0);
  blockView.setUint32(60, (total * 8) >>> 0);
  compress(s, blockView, 0, 64);
  for (let i = 0; i < 5; i++) {
    const word = s[i]!;
    const at = offset + 4 * i;
    out[at] = word >>> 24;
    out[at + 1] = word >>> 16;
    out[at + 2] = word >>> 8;
    out[at + 3] = word;
  }
}

// Scratch state for the synchronous one-shot sha1().
const scratchState = new Int32Array(5);
const scratchBlock = new Uint8Array(64);
const scratchView = new DataView(scratchBlock.buffer);

/**
 * Computes the SHA-1 digest (FIPS 180-4, RFC 3174) of `data` in one call,
 * synchronously.
 *
 * @param data The bytes to hash.
 * @param into Where to write the digest; a new 20-byte array when omitted.
 * @param offset Where in `into` the digest starts (default 0).
 * @returns The 20-byte digest, or `into` when given.
 * @throws {TypeError} If `data` or `into` is not a `Uint8Array`.
 * @throws {RangeError} If `offset` is not an integer or the digest would not fit in `into`.
 *
 * @example Usage
 * ```ts
 * import { sha1 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * // RFC 3174 §7.3, TEST1: SHA1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d
 * const digest = sha1(new TextEncoder().encode("abc"));
 * assert.equal(digest.length, 20);
 * assert.equal(digest[0], 0xa9);
 * ```
 */
export function sha1(data: Uint8Array, into?: Uint8Array, offset: number = 0): Uint8Array {
  requireBytes(data, "SHA-1 input");
  let out: Uint8Array;
  if (into === undefined) out = new Uint8Array(20);
  else {
    requireOutput(into, offset, "SHA-1 digest", 20);
    out = into;
  }
  initState(scratchState);
  const used = absorb(scratchState, scratchBlock, scratchView, 0, data, 0, data.length);
  finish(scratchState, scratchBlock, scratchView, used, data.length, out, offset);
  return out;
}

/**
 * An incremental SHA-1 hash (FIPS 180-4, RFC 3174): feed input with
 * {@linkcode Sha1.prototype.update}, then read the digest once with
 * {@linkcode Sha1.prototype.digest}; {@linkcode Sha1.prototype.reset}
 * starts over without allocating.
 *
 * @example Usage
 * ```ts
 * import { Sha1, sha1 } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * const text = new TextEncoder();
 * const hash = new Sha1().update(text.encode("ab")).update(text.encode("c"));
 * assert.deepEqual(hash.digest(), sha1(text.encode("abc")));
 * ```
 */
export class Sha1 {
  #state: Int32Array = new Int32Array(5);
  #block: Uint8Array = new Uint8Array(64);
  #view: DataView = new DataView(this.#block.buffer);
  #used = 0;
  #total = 0;
  #finished = false;

  /** Creates an empty hash, ready for {@linkcode Sha1.prototype.update}. */
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
   * import { Sha1, sha1 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * const packet = new Uint8Array([0, 1, 2, 3, 4]);
   * assert.deepEqual(new Sha1().update(packet, 1, 4).digest(), sha1(packet.subarray(1, 4)));
   * ```
   */
  update(data: Uint8Array, start?: number, end?: number): this {
    if (this.#finished) {
      throw new TypeError(
        "Sha1.update() called after digest(): call reset() to hash a new message",
      );
    }
    requireBytes(data, "SHA-1 input");
    const from = start ?? 0;
    const to = end ?? data.length;
    if (!(from >= 0 && from <= to && to <= data.length)) {
      throw new RangeError(
        `Sha1.update() range ${from}..${to} is outside the ${data.length}-byte input`,
      );
    }
    this.#used = absorb(this.#state, this.#block, this.#view, this.#used, data, from, to);
    this.#total += to - from;
    return this;
  }

  /**
   * Finishes the hash and returns its digest. Call it once; then
   * {@linkcode Sha1.prototype.reset} to hash another message.
   *
   * @param into Where to write the digest; a new 20-byte array when omitted.
   * @param offset Where in `into` the digest starts (default 0).
   * @returns The 20-byte digest, or `into` when given.
   * @throws {TypeError} If `digest()` was already called since the last reset, or `into` is not a `Uint8Array`.
   * @throws {RangeError} If `offset` is not an integer or the digest would not fit in `into`.
   *
   * @example Usage
   * ```ts
   * import { Sha1 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * // SHA1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709
   * const out = new Uint8Array(24);
   * new Sha1().digest(out, 4);
   * assert.equal(out[4], 0xda);
   * ```
   */
  digest(into?: Uint8Array, offset: number = 0): Uint8Array {
    if (this.#finished) {
      throw new TypeError("Sha1.digest() called twice: call reset() to hash a new message");
    }
    let out: Uint8Array;
    if (into === undefined) out = new Uint8Array(20);
    else {
      requireOutput(into, offset, "SHA-1 digest", 20);
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
   * import { Sha1 } from "@radkit/radius/crypto";
   * import assert from "node:assert/strict";
   *
   * const hash = new Sha1();
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
