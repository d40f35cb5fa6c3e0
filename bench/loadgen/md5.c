/*
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), written from the RFCs'
 * descriptions for radload. `radload --self-test` checks them against the
 * test vectors of RFC 1321 (appendix A.5) and RFC 2104 (appendix).
 * SPDX-License-Identifier: MIT
 */
#include "md5.h"

#include <string.h>

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4. */
static const uint32_t T[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
};

/* Left-rotation amounts of the four rounds. */
static const uint8_t S[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

/* One 64-byte block into the state (RFC 1321 section 3.4). */
static void transform(uint32_t state[4], const uint8_t block[64]) {
  uint32_t x[16];
  for (int i = 0; i < 16; i++) {
    /* Words are little-endian. */
    x[i] = (uint32_t)block[4 * i] | (uint32_t)block[4 * i + 1] << 8 |
           (uint32_t)block[4 * i + 2] << 16 | (uint32_t)block[4 * i + 3] << 24;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (int i = 0; i < 64; i++) {
    uint32_t f;
    int k;
    switch (i >> 4) {
      case 0: /* F(X,Y,Z) = XY v not(X) Z */
        f = (b & c) | (~b & d);
        k = i;
        break;
      case 1: /* G(X,Y,Z) = XZ v Y not(Z) */
        f = (b & d) | (c & ~d);
        k = (5 * i + 1) & 15;
        break;
      case 2: /* H(X,Y,Z) = X xor Y xor Z */
        f = b ^ c ^ d;
        k = (3 * i + 5) & 15;
        break;
      default: /* I(X,Y,Z) = Y xor (X v not(Z)) */
        f = c ^ (b | ~d);
        k = (7 * i) & 15;
        break;
    }
    uint32_t next = b + rotl(a + f + x[k] + T[i], S[i >> 4][i & 3]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

void md5_init(md5_ctx *ctx) {
  ctx->state[0] = 0x67452301;
  ctx->state[1] = 0xefcdab89;
  ctx->state[2] = 0x98badcfe;
  ctx->state[3] = 0x10325476;
  ctx->length = 0;
}

void md5_update(md5_ctx *ctx, const void *data, size_t size) {
  const uint8_t *in = data;
  size_t used = (size_t)(ctx->length & 63);
  ctx->length += size;
  if (used > 0) {
    size_t room = 64 - used;
    if (size < room) {
      memcpy(ctx->buffer + used, in, size);
      return;
    }
    memcpy(ctx->buffer + used, in, room);
    transform(ctx->state, ctx->buffer);
    in += room;
    size -= room;
  }
  for (; size >= 64; in += 64, size -= 64) transform(ctx->state, in);
  memcpy(ctx->buffer, in, size);
}

void md5_final(md5_ctx *ctx, uint8_t digest[16]) {
  /* Padding: one 1 bit, zeros to 56 mod 64 bytes, then the bit length (RFC 1321 3.1, 3.2). */
  uint64_t bits = ctx->length * 8;
  size_t used = (size_t)(ctx->length & 63);
  uint8_t pad[72] = {0x80};
  size_t padding = (used < 56 ? 56 : 120) - used;
  for (int i = 0; i < 8; i++) pad[padding + i] = (uint8_t)(bits >> (8 * i));
  md5_update(ctx, pad, padding + 8);
  for (int i = 0; i < 4; i++) {
    digest[4 * i] = (uint8_t)ctx->state[i];
    digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 8);
    digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 16);
    digest[4 * i + 3] = (uint8_t)(ctx->state[i] >> 24);
  }
}

void hmac_md5_prepare(hmac_md5_key *key, const uint8_t *secret, size_t size) {
  uint8_t k[64] = {0};
  if (size > 64) {
    /* Keys longer than the block are hashed first (RFC 2104 section 2). */
    md5_ctx ctx;
    md5_init(&ctx);
    md5_update(&ctx, secret, size);
    md5_final(&ctx, k);
  } else {
    memcpy(k, secret, size);
  }
  uint8_t ipad[64], opad[64];
  for (int i = 0; i < 64; i++) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  md5_init(&key->inner);
  md5_update(&key->inner, ipad, 64);
  md5_init(&key->outer);
  md5_update(&key->outer, opad, 64);
}

void hmac_md5(const hmac_md5_key *key, const void *data, size_t size, uint8_t mac[16]) {
  md5_ctx ctx = key->inner;
  uint8_t inner[16];
  md5_update(&ctx, data, size);
  md5_final(&ctx, inner);
  ctx = key->outer;
  md5_update(&ctx, inner, 16);
  md5_final(&ctx, mac);
}
