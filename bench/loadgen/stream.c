/*
 * One RADIUS stream connection for radload: TCP (RFC 6613), or TLS (RFC
 * 6614) through OpenSSL with a client certificate (RFC 6614 section 2.3:
 * mutual authentication) and the server's certificate checked against
 * --ca, for its IP address or --servername.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct stream {
  int fd;
  SSL *ssl;
  /* TLS after the handshake: the records SSL_write makes, until they move to the queue. */
  BIO *records;
  /* Bytes for the socket (TLS records, or TCP payload) it has not taken yet. */
  uint8_t *queue;
  size_t queued, capacity;
  char error[512];
};

static SSL_CTX *context;

/* The reasons OpenSSL queued, oldest first, after what. */
static void tls_error(char *error, size_t size, const char *what) {
  size_t at = (size_t)snprintf(error, size, "%s", what);
  unsigned long code;
  const char *separator = ": ";
  while ((code = ERR_get_error()) != 0 && at < size) {
    const char *reason = ERR_reason_error_string(code);
    char fallback[256];
    if (reason == NULL) {
      ERR_error_string_n(code, fallback, sizeof fallback);
      reason = fallback;
    }
    at += (size_t)snprintf(error + at, size - at, "%s%s", separator, reason);
    separator = "; ";
  }
}

/* A file given on the command line that cannot be read: -1 with the reason. */
static int unreadable(const char *flag, const char *path, char *error, size_t error_size) {
  if (path == NULL || access(path, R_OK) == 0) return 0;
  snprintf(error, error_size, "--%s %s: %s", flag, path, strerror(errno));
  return -1;
}

int stream_setup(const stream_options_t *options, char *error, size_t error_size) {
  if (!options->tls) return 0;
  if (unreadable("cert", options->cert, error, error_size) < 0 ||
      unreadable("key", options->key, error, error_size) < 0 ||
      unreadable("ca", options->ca, error, error_size) < 0) {
    return -1;
  }
  context = SSL_CTX_new(TLS_client_method());
  if (context == NULL) {
    tls_error(error, error_size, "SSL_CTX_new");
    return -1;
  }
  int version = options->tls_version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  SSL_CTX_set_min_proto_version(context, version);
  SSL_CTX_set_max_proto_version(context, version);
  /* A server that closes without close_notify: "closed by the server", not a TLS error. */
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  /* Many replies a read: records read in 64 KiB chunks, not a header and a body at a time. */
  SSL_CTX_set_read_ahead(context, 1);
  SSL_CTX_set_default_read_buffer_len(context, 65536);
  if (options->cert != NULL) {
    if (SSL_CTX_use_certificate_chain_file(context, options->cert) != 1) {
      char what[300];
      snprintf(what, sizeof what, "--cert %s", options->cert);
      tls_error(error, error_size, what);
      return -1;
    }
    const char *key = options->key != NULL ? options->key : options->cert;
    if (SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(context) != 1) {
      char what[300];
      snprintf(what, sizeof what, "--key %s", key);
      tls_error(error, error_size, what);
      return -1;
    }
  }
  if (options->ca != NULL) {
    if (SSL_CTX_load_verify_locations(context, options->ca, NULL) != 1) {
      char what[300];
      snprintf(what, sizeof what, "--ca %s", options->ca);
      tls_error(error, error_size, what);
      return -1;
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
  }
  return 0;
}

static void set_timeout(int fd, double seconds) {
  struct timeval tv = {.tv_sec = (time_t)seconds,
                       .tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

stream_t *stream_open(const stream_options_t *options, const struct sockaddr *to,
                      socklen_t to_size, char *error, size_t error_size) {
  int fd = socket(to->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(error, error_size, "socket: %s", strerror(errno));
    return NULL;
  }
  int one = 1;
  /* Each batch of requests goes out at once: no Nagle delay behind a reply not yet read. */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_timeout(fd, options->handshake_timeout);
  if (connect(fd, to, to_size) < 0) {
    snprintf(error, error_size, "connect: %s",
             errno == EINPROGRESS || errno == EAGAIN ? "timed out" : strerror(errno));
    close(fd);
    return NULL;
  }
  stream_t *stream = calloc(1, sizeof *stream);
  if (stream == NULL) {
    snprintf(error, error_size, "calloc: %s", strerror(errno));
    close(fd);
    return NULL;
  }
  stream->fd = fd;
  if (options->tls) {
    SSL *ssl = SSL_new(context);
    stream->ssl = ssl;
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
      tls_error(error, error_size, "SSL_new");
      stream_close(stream);
      return NULL;
    }
    if (options->servername != NULL) {
      SSL_set_tlsext_host_name(ssl, options->servername);
      SSL_set1_host(ssl, options->servername);
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), options->host);
    }
    ERR_clear_error();
    errno = 0;
    if (SSL_connect(ssl) != 1) {
      long verify = SSL_get_verify_result(ssl);
      char what[300];
      if (verify != X509_V_OK) {
        snprintf(what, sizeof what, "TLS handshake: the server's certificate: %s",
                 X509_verify_cert_error_string(verify));
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        snprintf(what, sizeof what, "TLS handshake: timed out after %g s",
                 options->handshake_timeout);
      } else if (errno != 0) {
        snprintf(what, sizeof what, "TLS handshake: %s", strerror(errno));
      } else {
        snprintf(what, sizeof what, "TLS handshake");
      }
      tls_error(error, error_size, what);
      stream_close(stream);
      return NULL;
    }
  }
  set_timeout(fd, 0);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (stream->ssl != NULL) {
    /*
     * From now on records are written to memory and sent by stream_flush: one
     * record per stream_write, and one send() for all the records of a turn.
     */
    stream->records = BIO_new(BIO_s_mem());
    if (stream->records == NULL) {
      tls_error(error, error_size, "BIO_new");
      stream_close(stream);
      return NULL;
    }
    BIO_up_ref(stream->records);
    SSL_set0_wbio(stream->ssl, stream->records);
  }
  return stream;
}

int stream_fd(const stream_t *stream) { return stream->fd; }

/* Records why the connection is over; -1. */
static ssize_t closed(stream_t *stream, int ssl_error, int system_error) {
  if (stream->ssl == NULL || ssl_error == SSL_ERROR_ZERO_RETURN ||
      (ssl_error == SSL_ERROR_SYSCALL && system_error == 0 && ERR_peek_error() == 0)) {
    snprintf(stream->error, sizeof stream->error, "%s",
             system_error == 0 ? "closed by the server" : strerror(system_error));
  } else if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    snprintf(stream->error, sizeof stream->error, "%s", strerror(system_error));
  } else {
    tls_error(stream->error, sizeof stream->error, "TLS");
  }
  return -1;
}

ssize_t stream_read(stream_t *stream, uint8_t *buffer, size_t size) {
  if (stream->ssl == NULL) {
    ssize_t n = recv(stream->fd, buffer, size, 0);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return closed(stream, 0, n == 0 ? 0 : errno);
  }
  ERR_clear_error();
  int n = SSL_read(stream->ssl, buffer, (int)(size > 1 << 30 ? 1 << 30 : size));
  if (n > 0) return n;
  int error = SSL_get_error(stream->ssl, n);
  /* WANT_WRITE: a key update waits for the socket; the next write or read goes on with it. */
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return 0;
  return closed(stream, error, errno);
}

/* Makes room for size more bytes in the queue; -1 when out of memory. */
static int reserve(stream_t *stream, size_t size) {
  if (stream->queued + size <= stream->capacity) return 0;
  size_t capacity = stream->capacity == 0 ? 65536 : stream->capacity;
  while (capacity < stream->queued + size) capacity *= 2;
  uint8_t *queue = realloc(stream->queue, capacity);
  if (queue == NULL) {
    snprintf(stream->error, sizeof stream->error, "out of memory for the send queue");
    return -1;
  }
  stream->queue = queue;
  stream->capacity = capacity;
  return 0;
}

/* Moves the records TLS wrote (by SSL_write, or SSL_read answering the server) to the queue. */
static int take_records(stream_t *stream) {
  if (stream->records == NULL) return 0;
  for (;;) {
    size_t size = (size_t)BIO_ctrl_pending(stream->records);
    if (size == 0) return 0;
    if (reserve(stream, size) < 0) return -1;
    int n = BIO_read(stream->records, stream->queue + stream->queued, (int)size);
    if (n <= 0) return 0;
    stream->queued += (size_t)n;
  }
}

int stream_write(stream_t *stream, const uint8_t *data, size_t size) {
  if (stream->ssl == NULL) {
    if (reserve(stream, size) < 0) return -1;
    memcpy(stream->queue + stream->queued, data, size);
    stream->queued += size;
    return 0;
  }
  ERR_clear_error();
  /* Into memory: it never waits for the socket. */
  int n = SSL_write(stream->ssl, data, (int)size);
  if (n <= 0) return (int)closed(stream, SSL_get_error(stream->ssl, n), errno);
  return take_records(stream);
}

int stream_flush(stream_t *stream) {
  if (take_records(stream) < 0) return -1;
  size_t done = 0;
  while (done < stream->queued) {
    ssize_t n = send(stream->fd, stream->queue + done, stream->queued - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return (int)closed(stream, 0, errno);
    }
    done += (size_t)n;
  }
  memmove(stream->queue, stream->queue + done, stream->queued - done);
  stream->queued -= done;
  return 0;
}

const char *stream_error(const stream_t *stream) { return stream->error; }

const char *stream_protocol(const stream_t *stream) {
  return stream->ssl == NULL ? "" : SSL_get_version(stream->ssl);
}

const char *stream_cipher(const stream_t *stream) {
  return stream->ssl == NULL ? "" : SSL_get_cipher_name(stream->ssl);
}

void stream_close(stream_t *stream) {
  if (stream->ssl != NULL) {
    /* close_notify, sent if the socket takes it now, without waiting for the server's. */
    if (stream->records != NULL) {
      SSL_shutdown(stream->ssl);
      stream_flush(stream);
      BIO_free(stream->records);
    }
    SSL_free(stream->ssl);
  }
  close(stream->fd);
  free(stream->queue);
  free(stream);
}
