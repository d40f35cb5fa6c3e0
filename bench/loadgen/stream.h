/*
 * One RADIUS stream connection for radload: plain TCP (RFC 6613) or TLS
 * (RadSec, RFC 6614) through OpenSSL. The connection and its handshake are
 * made blocking, with a time limit; after that the socket is non-blocking
 * and reads and writes never wait: what the socket does not take yet waits
 * in the connection's queue. Framing by the RADIUS Length field is the
 * caller's.
 * SPDX-License-Identifier: MIT
 */
#ifndef RADLOAD_STREAM_H
#define RADLOAD_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef struct stream stream_t;

typedef struct {
  /* 0: plain TCP. */
  int tls;
  /* 12 or 13: the one TLS version offered (minimum and maximum). */
  int tls_version;
  /* PEM files: this client's certificate (chain) and key, the CA(s) the server's must chain to. */
  const char *cert;
  const char *key;
  const char *ca;
  /* The name to send as SNI and to check the server's certificate for; NULL: the IP address. */
  const char *servername;
  /* The address as given, for the IP check and for messages. */
  const char *host;
  /* Seconds the connect and the handshake may take. */
  double handshake_timeout;
} stream_options_t;

/* Prepares TLS once (the context, certificates); 0, or -1 with the reason in error. */
int stream_setup(const stream_options_t *options, char *error, size_t error_size);

/* Connects (and shakes hands); NULL with the reason in error. */
stream_t *stream_open(const stream_options_t *options, const struct sockaddr *to,
                      socklen_t to_size, char *error, size_t error_size);

int stream_fd(const stream_t *stream);

/* Bytes read (> 0), 0 when nothing more is there now, -1 when closed (see stream_error). */
ssize_t stream_read(stream_t *stream, uint8_t *buffer, size_t size);

/*
 * Queues data to send: over TLS one record (RFC 6614 leaves the split to the
 * sender; FreeRADIUS 3.2 wants one packet per record), over TCP the bytes.
 * Nothing is sent before stream_flush. 0, or -1 when closed.
 */
int stream_write(stream_t *stream, const uint8_t *data, size_t size);

/* Sends what is queued, as far as the socket takes it now. 0, or -1 when closed. */
int stream_flush(stream_t *stream);

/* Why the connection closed: "closed by the server" or the system's or TLS library's error. */
const char *stream_error(const stream_t *stream);

/* The TLS version and cipher suite negotiated ("" for TCP). */
const char *stream_protocol(const stream_t *stream);
const char *stream_cipher(const stream_t *stream);

void stream_close(stream_t *stream);

#endif
