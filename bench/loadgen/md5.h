/*
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for radload, written from the
 * RFCs' descriptions. Not for new cryptographic designs: RADIUS needs MD5.
 * SPDX-License-Identifier: MIT
 */
#ifndef RADLOAD_MD5_H
#define RADLOAD_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t state[4];
  uint64_t length;       /* bytes hashed so far */
  uint8_t buffer[64];    /* a partial block */
} md5_ctx;

void md5_init(md5_ctx *ctx);
void md5_update(md5_ctx *ctx, const void *data, size_t size);
void md5_final(md5_ctx *ctx, uint8_t digest[16]);

/*
 * HMAC-MD5 with a key prepared once: the MD5 states after the first block
 * (key XOR ipad, key XOR opad), so each MAC costs the message's blocks plus
 * one block for the outer hash.
 */
typedef struct {
  md5_ctx inner;
  md5_ctx outer;
} hmac_md5_key;

void hmac_md5_prepare(hmac_md5_key *key, const uint8_t *secret, size_t size);
void hmac_md5(const hmac_md5_key *key, const void *data, size_t size, uint8_t mac[16]);

#endif
