/*
 * radload: a light RADIUS load generator for radkit's benchmarks, in plain C
 * (libc only over UDP; OpenSSL for TLS) so that it leaves the server as much
 * of the machine as it can.
 *
 * It sends PAP Access-Requests (User-Name, User-Password hidden as RFC 2865
 * section 5.2 says, NAS-IP-Address, and a Message-Authenticator first, RFC
 * 3579 section 3.2) and keeps --in-flight of them outstanding over --sockets
 * connected UDP sockets (Identifiers 0-255 per socket). Every reply is
 * verified before it counts: its Identifier must match a request in flight,
 * its Response Authenticator (RFC 2865 section 3) must verify, and so must
 * its Message-Authenticator when it has one. A request unanswered after
 * --timeout ms is sent again, unchanged (the server's duplicate cache may
 * answer it, RFC 5080 section 2.2.2), at most --retries times; then it is
 * lost and its slot starts a new request. A late reply to a request already
 * answered or lost is counted as a duplicate, not as bad.
 *
 * With --tcp (RFC 6613) or --tls (RadSec, RFC 6614) the requests go over
 * --connections stream connections instead (default 1; Identifiers 0-255 on
 * each), framed by their Length field, the same way verified. TLS is 1.3
 * unless --tls-version 1.2, with the client certificate --cert/--key and the
 * server's certificate checked against --ca (for the --host address, or
 * --servername); each request is a TLS record of its own (as NASes and
 * proxies send them), or with --coalesce the requests started in one turn
 * of the loop share one. A live connection never retransmits (RFC 6613 section
 * 2.6.1): a request unanswered after --timeout ms is lost. A connection the
 * server closes (or a reply whose Length cannot be framed) loses the
 * requests in flight on it; when none is left the run ends, the result is
 * printed and radload exits with status 3. A failed connect or handshake
 * exits with status 1 before the run.
 *
 * A warm-up of --warmup verified replies comes first; then the measured
 * window runs until --count verified replies (or --duration seconds). JSON
 * objects go to stdout, one a line: {"event":"measuring"} when the window
 * starts (after a warm-up), {"event":"progress"} every --progress MS, and
 * {"event":"result"} at the end with the window's counters.
 *
 * --storm RATE sends garbage to the same port at about RATE datagrams/s from
 * other sockets during the whole run (UDP only): random bytes, datagrams with
 * a bad Length (shorter than 20 bytes, or a Length field beyond the
 * datagram), well-formed Access-Requests under a wrong secret, and packets
 * with codes a RADIUS authentication port does not serve.
 *
 *   radload --port 1812 [--host 127.0.0.1] [--secret testing123]
 *           [--in-flight 100] [--sockets 16] [--count 200000] [--warmup 20000]
 *           [--duration 0] [--timeout 1000] [--retries 3] [--rate 0]
 *           [--storm 0] [--progress 0] [--no-message-authenticator]
 *   radload --tls --port 2083 --cert nas.pem --key nas.key --ca ca.pem
 *           [--secret radsec] [--connections 1] [--tls-version 1.3]
 *           [--servername NAME] [--handshake-timeout 10000] [--coalesce]
 *           [...as above]
 *   radload --tcp --port 1812 [--connections 1] [...as above]
 *   radload --self-test
 *
 * Build: gcc -O2 -o radload radload.c md5.c stream.c -lssl -lcrypto
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "md5.h"
#include "stream.h"

enum {
  ACCESS_REQUEST = 1,
  ACCESS_ACCEPT = 2,
  ACCESS_REJECT = 3,
  ACCESS_CHALLENGE = 11,
  USER_NAME = 1,
  USER_PASSWORD = 2,
  NAS_IP_ADDRESS = 4,
  MESSAGE_AUTHENTICATOR = 80,
  MAX_PACKET = 4096,
  MAX_REQUEST = 256,
  BATCH = 64,
  STORM_BATCH = 256,
  LATENCY_BUCKETS = 200000, /* 10 us each: up to 2 s */
  STREAM_READ = 65536,      /* bytes read from a stream connection at once */
};

/* ---- options ------------------------------------------------------------ */

static struct {
  const char *host;
  int port;
  const char *secret;
  const char *user;
  const char *password;
  int in_flight;
  int sockets;
  long count;
  long warmup;
  double warmup_max;
  double duration;
  double timeout;
  int retries;
  double rate;
  double storm;
  int storm_sockets;
  int progress_ms;
  int message_authenticator;
  int rcvbuf;
  int transport; /* UDP, TCP or TLS */
  int connections;
  const char *cert;
  const char *key;
  const char *ca;
  const char *servername;
  int tls_version;
  double handshake_timeout;
  int coalesce;
} opt = {
    .host = "127.0.0.1",
    .port = 0,
    .secret = "testing123",
    .user = "bob",
    .password = "hello",
    .in_flight = 100,
    .sockets = 16,
    .count = 200000,
    .warmup = 20000,
    .warmup_max = 60,
    .duration = 0,
    .timeout = 1.0,
    .retries = 3,
    .rate = 0,
    .storm = 0,
    .storm_sockets = 4,
    .progress_ms = 0,
    .message_authenticator = 1,
    .rcvbuf = 4 << 20,
    .transport = 0,
    .connections = 1,
    .cert = NULL,
    .key = NULL,
    .ca = NULL,
    .servername = NULL,
    .tls_version = 13,
    .handshake_timeout = 10,
    .coalesce = 0,
};

enum { UDP = 0, TCP = 1, TLS = 2 };
static const char *const TRANSPORT_NAMES[] = {"udp", "tcp", "tls"};

/* ---- small helpers ------------------------------------------------------ */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
         (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

/* xoshiro128** style generator, seeded from /dev/urandom: request authenticators and garbage. */
static uint32_t rng[4];

static uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static uint32_t next_random(void) {
  uint32_t result = rotl32(rng[1] * 5, 7) * 9;
  uint32_t t = rng[1] << 9;
  rng[2] ^= rng[0];
  rng[3] ^= rng[1];
  rng[1] ^= rng[2];
  rng[0] ^= rng[3];
  rng[2] ^= t;
  rng[3] = rotl32(rng[3], 11);
  return result;
}

static void random_bytes(uint8_t *out, size_t size) {
  for (size_t i = 0; i < size; i += 4) {
    uint32_t r = next_random();
    for (size_t j = 0; j < 4 && i + j < size; j++) out[i + j] = (uint8_t)(r >> (8 * j));
  }
}

static void seed_random(void) {
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd < 0 || read(fd, rng, sizeof rng) != (ssize_t)sizeof rng) {
    rng[0] = (uint32_t)time(NULL);
    rng[1] = (uint32_t)getpid();
    rng[2] = 0x9e3779b9;
    rng[3] = 0x7f4a7c15;
  }
  if (fd >= 0) close(fd);
  if ((rng[0] | rng[1] | rng[2] | rng[3]) == 0) rng[0] = 1;
}

static void die(const char *what) {
  fprintf(stderr, "radload: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* ---- RADIUS ------------------------------------------------------------- */

typedef struct {
  const uint8_t *secret;
  size_t secret_size;
  hmac_md5_key hmac;
} secret_t;

static secret_t valid_secret, wrong_secret;

static void prepare_secret(secret_t *s, const char *text) {
  s->secret = (const uint8_t *)text;
  s->secret_size = strlen(text);
  hmac_md5_prepare(&s->hmac, s->secret, s->secret_size);
}

/*
 * User-Password hiding, RFC 2865 section 5.2: the password, padded with
 * NULs to a multiple of 16, XORed block by block with MD5(secret + previous),
 * previous being the Request Authenticator, then the last hidden block.
 */
static size_t hide_password(const secret_t *s, const uint8_t authenticator[16],
                            const char *password, uint8_t *out) {
  size_t size = strlen(password);
  size_t padded = size == 0 ? 16 : (size + 15) & ~(size_t)15;
  const uint8_t *previous = authenticator;
  for (size_t block = 0; block < padded; block += 16) {
    md5_ctx ctx;
    uint8_t b[16];
    md5_init(&ctx);
    md5_update(&ctx, s->secret, s->secret_size);
    md5_update(&ctx, previous, 16);
    md5_final(&ctx, b);
    for (size_t i = 0; i < 16; i++) {
      uint8_t p = block + i < size ? (uint8_t)password[block + i] : 0;
      out[block + i] = p ^ b[i];
    }
    previous = out + block;
  }
  return padded;
}

/*
 * An Access-Request with a fresh random Request Authenticator: Message-
 * Authenticator first (as the BlastRADIUS advisories recommend), User-Name,
 * User-Password, NAS-IP-Address 192.0.2.1. Returns its length.
 */
static size_t build_request(const secret_t *s, uint8_t *p, uint8_t id, int with_mac) {
  p[0] = ACCESS_REQUEST;
  p[1] = id;
  random_bytes(p + 4, 16);
  size_t at = 20;
  size_t mac_at = 0;
  if (with_mac) {
    p[at] = MESSAGE_AUTHENTICATOR;
    p[at + 1] = 18;
    memset(p + at + 2, 0, 16);
    mac_at = at + 2;
    at += 18;
  }
  size_t user = strlen(opt.user);
  p[at] = USER_NAME;
  p[at + 1] = (uint8_t)(2 + user);
  memcpy(p + at + 2, opt.user, user);
  at += 2 + user;
  size_t hidden = hide_password(s, p + 4, opt.password, p + at + 2);
  p[at] = USER_PASSWORD;
  p[at + 1] = (uint8_t)(2 + hidden);
  at += 2 + hidden;
  const uint8_t nas[6] = {NAS_IP_ADDRESS, 6, 192, 0, 2, 1};
  memcpy(p + at, nas, 6);
  at += 6;
  p[2] = (uint8_t)(at >> 8);
  p[3] = (uint8_t)at;
  /* HMAC-MD5 over the whole packet with the attribute's value zeroed (RFC 3579 section 3.2). */
  if (with_mac) hmac_md5(&s->hmac, p, at, p + mac_at);
  return at;
}

enum { BAD = 0, VERIFIED = 1, VERIFIED_WITH_MAC = 2 };

/*
 * Verifies a reply against the Request Authenticator of its request: the
 * Length, the Response Authenticator MD5(Code + Identifier + Length +
 * Request Authenticator + attributes + secret), RFC 2865 section 3, and a
 * Message-Authenticator if present, computed over the reply with the
 * Request Authenticator in place of the Response Authenticator.
 */
static int verify_reply(const uint8_t *r, size_t size, const uint8_t request_auth[16]) {
  if (size < 20) return BAD;
  size_t length = (size_t)r[2] << 8 | r[3];
  if (length < 20 || length > size || length > MAX_PACKET) return BAD;
  md5_ctx ctx;
  uint8_t expected[16];
  md5_init(&ctx);
  md5_update(&ctx, r, 4);
  md5_update(&ctx, request_auth, 16);
  md5_update(&ctx, r + 20, length - 20);
  md5_update(&ctx, valid_secret.secret, valid_secret.secret_size);
  md5_final(&ctx, expected);
  if (memcmp(expected, r + 4, 16) != 0) return BAD;
  for (size_t at = 20; at < length;) {
    if (at + 2 > length) return BAD;
    size_t attribute = r[at + 1];
    if (attribute < 2 || at + attribute > length) return BAD;
    if (r[at] == MESSAGE_AUTHENTICATOR) {
      if (attribute != 18) return BAD;
      uint8_t copy[MAX_PACKET], mac[16];
      memcpy(copy, r, length);
      memcpy(copy + 4, request_auth, 16);
      memset(copy + at + 2, 0, 16);
      hmac_md5(&valid_secret.hmac, copy, length, mac);
      return memcmp(mac, r + at + 2, 16) == 0 ? VERIFIED_WITH_MAC : BAD;
    }
    at += attribute;
  }
  return VERIFIED;
}

/* ---- state --------------------------------------------------------------- */

typedef struct {
  uint8_t packet[MAX_REQUEST];
  size_t length;
  int socket;
  int id;          /* -1 when the slot holds no request */
  int tries;       /* transmissions of this request */
  double first_at; /* first transmission, for the latency */
  double sent_at;  /* last transmission, for the timeout */
} slot_t;

typedef struct {
  int fd;
  slot_t *by_id[256];
  uint8_t previous[256][16]; /* authenticator of the last finished request with this id */
  uint8_t has_previous[256];
  uint8_t free_ids[256]; /* FIFO: a freed id is reused last, so late replies stay recognisable */
  int free_head, free_count;
  struct mmsghdr out[BATCH];
  struct iovec out_iov[BATCH];
  int out_count;
  /* --tcp and --tls: the connection, requests not yet written, bytes of a reply not yet whole. */
  stream_t *stream;
  uint8_t *pending;
  size_t pending_size, pending_capacity;
  uint8_t *partial;
  size_t partial_size;
  int closed;
} sock_t;

typedef struct {
  long sent, retransmitted, received, verified, accepted, rejected, challenged, bad, duplicate,
      lost, with_mac, send_errors, refused;
  long storm_sent, storm_errors, storm_replies;
} counters_t;

static counters_t c;
static slot_t *slots;
static sock_t *socks;
static int *storm_fds;
static int *waiting; /* rate mode: slots waiting for a token (a ring) */
static int waiting_head, waiting_count;
static double tokens, tokens_at;
static int stopping;
static int measuring;
static uint32_t *latency;
static double latency_max;
static struct sockaddr_storage target;
static socklen_t target_size;
static long connections_closed;
static int connections_open;
static stream_options_t stream_options;
static char tls_protocol[32], tls_cipher[64];

static void resolve_target(void) {
  struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST};
  struct addrinfo *info;
  char port[16];
  snprintf(port, sizeof port, "%d", opt.port);
  int error = getaddrinfo(opt.host, port, &hints, &info);
  if (error != 0) {
    fprintf(stderr, "radload: --host %s: %s (give an IP address)\n", opt.host, gai_strerror(error));
    exit(2);
  }
  memcpy(&target, info->ai_addr, info->ai_addrlen);
  target_size = info->ai_addrlen;
  freeaddrinfo(info);
}

static int open_socket(void) {
  int fd = socket(target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof opt.rcvbuf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.rcvbuf, sizeof opt.rcvbuf);
  /* Connected: only the target's datagrams arrive, and the kernel picks the source. */
  if (connect(fd, (struct sockaddr *)&target, target_size) < 0) die("connect");
  return fd;
}

static void close_connection(sock_t *s, const char *why);

/*
 * Sends the requests of this turn of the loop: over TLS one record each (as
 * NASes and proxies send them; FreeRADIUS 3.2's listener reads one packet per
 * record), or all in one with --coalesce; one send() for all. What the socket
 * does not take now goes with the next turn.
 */
static void flush_stream(sock_t *s) {
  int failed = 0;
  if (opt.transport == TCP || opt.coalesce) {
    failed = s->pending_size > 0 && stream_write(s->stream, s->pending, s->pending_size) < 0;
  } else {
    for (size_t at = 0; at < s->pending_size && !failed;) {
      size_t length = (size_t)s->pending[at + 2] << 8 | s->pending[at + 3];
      failed = stream_write(s->stream, s->pending + at, length) < 0;
      at += length;
    }
  }
  s->pending_size = 0;
  if (failed || stream_flush(s->stream) < 0) close_connection(s, stream_error(s->stream));
}

static void flush(sock_t *s) {
  if (opt.transport != UDP) {
    if (!s->closed) flush_stream(s);
    return;
  }
  int done = 0;
  while (done < s->out_count) {
    int n = sendmmsg(s->fd, s->out + done, (unsigned)(s->out_count - done), 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      /* A full send buffer: the requests left are retransmitted after their timeout. */
      c.send_errors += s->out_count - done;
      break;
    }
    done += n;
  }
  s->out_count = 0;
}

static void queue_send(sock_t *s, slot_t *slot) {
  if (opt.transport != UDP) {
    /* The requests of a turn of the loop go out together (flush_stream). */
    if (s->pending_size + slot->length > s->pending_capacity) flush(s);
    if (s->closed) return; /* its requests are lost */
    memcpy(s->pending + s->pending_size, slot->packet, slot->length);
    s->pending_size += slot->length;
    return;
  }
  if (s->out_count == BATCH) flush(s);
  struct iovec *iov = &s->out_iov[s->out_count];
  iov->iov_base = slot->packet;
  iov->iov_len = slot->length;
  memset(&s->out[s->out_count], 0, sizeof s->out[0]);
  s->out[s->out_count].msg_hdr.msg_iov = iov;
  s->out[s->out_count].msg_hdr.msg_iovlen = 1;
  s->out_count++;
}

static void start_request(slot_t *slot, double t) {
  sock_t *s = &socks[slot->socket];
  if (s->closed) return;
  int id = s->free_ids[s->free_head];
  s->free_head = (s->free_head + 1) & 255;
  s->free_count--;
  slot->id = id;
  slot->length = build_request(&valid_secret, slot->packet, (uint8_t)id, opt.message_authenticator);
  slot->tries = 1;
  slot->first_at = slot->sent_at = t;
  s->by_id[id] = slot;
  c.sent++;
  queue_send(s, slot);
}

/* Ends the slot's request (answered or lost) and starts the next one, or queues the slot for a token. */
static void finish_request(slot_t *slot, double t) {
  sock_t *s = &socks[slot->socket];
  int id = slot->id;
  memcpy(s->previous[id], slot->packet + 4, 16);
  s->has_previous[id] = 1;
  s->by_id[id] = NULL;
  s->free_ids[(s->free_head + s->free_count) & 255] = (uint8_t)id;
  s->free_count++;
  slot->id = -1;
  if (stopping || s->closed) return;
  if (opt.rate > 0) {
    waiting[(waiting_head + waiting_count) % opt.in_flight] = (int)(slot - slots);
    waiting_count++;
  } else {
    start_request(slot, t);
  }
}

static void on_reply(sock_t *s, const uint8_t *r, size_t size, double t) {
  c.received++;
  if (size < 20) {
    c.bad++;
    return;
  }
  int id = r[1];
  slot_t *slot = s->by_id[id];
  int ok = slot ? verify_reply(r, size, slot->packet + 4) : BAD;
  if (ok == BAD) {
    if (s->has_previous[id] && verify_reply(r, size, s->previous[id]) != BAD) c.duplicate++;
    else c.bad++;
    return;
  }
  c.verified++;
  if (ok == VERIFIED_WITH_MAC) c.with_mac++;
  if (r[0] == ACCESS_ACCEPT) c.accepted++;
  else if (r[0] == ACCESS_REJECT) c.rejected++;
  else if (r[0] == ACCESS_CHALLENGE) c.challenged++;
  if (measuring) {
    double elapsed = t - slot->first_at;
    long bucket = (long)(elapsed * 1e5);
    latency[bucket < LATENCY_BUCKETS ? bucket : LATENCY_BUCKETS - 1]++;
    if (elapsed > latency_max) latency_max = elapsed;
  }
  finish_request(slot, t);
}

static void receive(sock_t *s) {
  static uint8_t buffers[BATCH][MAX_PACKET];
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = buffers[i];
      iov[i].iov_len = MAX_PACKET;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* ICMP port unreachable (the server is not up yet, or gone). */
      if (errno == ECONNREFUSED) {
        c.refused++;
        continue;
      }
      return;
    }
    double t = now();
    for (int i = 0; i < n; i++) on_reply(s, buffers[i], msgs[i].msg_len, t);
    if (n < BATCH) return;
  }
}

/*
 * Ends a stream connection: the requests in flight on it are lost (RFC 6613
 * section 2.6.1 would resend them on a new connection; the run does not
 * reconnect), and its slots stay idle.
 */
static void close_connection(sock_t *s, const char *why) {
  if (s->closed) return;
  s->closed = 1;
  connections_closed++;
  connections_open--;
  long lost = 0;
  for (int id = 0; id < 256; id++) {
    slot_t *slot = s->by_id[id];
    if (slot == NULL) continue;
    slot->id = -1;
    s->by_id[id] = NULL;
    lost++;
  }
  c.lost += lost;
  if (!stopping) {
    fprintf(stderr,
            "radload: connection %d to %s port %d closed: %s (%ld verified replies so far, %ld "
            "requests in flight on it lost)%s\n",
            (int)(s - socks) + 1, opt.host, opt.port, why, c.verified, lost,
            c.verified > 0 ? ""
            : opt.transport == TLS
                ? ": no reply verified, so maybe the server does not share --secret, or refused "
                  "this client's certificate (--cert)"
                : ": no reply verified, so maybe the server does not share --secret");
  }
  stream_close(s->stream);
  s->stream = NULL;
}

/* Reads what the connection has and frames it into replies by their Length field. */
static void receive_stream(sock_t *s) {
  while (!s->closed) {
    ssize_t n = stream_read(s->stream, s->partial + s->partial_size,
                            STREAM_READ + MAX_PACKET - s->partial_size);
    if (n < 0) {
      close_connection(s, stream_error(s->stream));
      return;
    }
    if (n == 0) return;
    s->partial_size += (size_t)n;
    double t = now();
    size_t at = 0;
    while (s->partial_size - at >= 4) {
      size_t length = (size_t)s->partial[at + 2] << 8 | s->partial[at + 3];
      if (length < 20 || length > MAX_PACKET) {
        /* The framing is lost: nothing after this can be trusted (RFC 6613 section 2.6.4). */
        c.received++;
        c.bad++;
        char why[64];
        snprintf(why, sizeof why, "a reply with Length %zu cannot be framed", length);
        close_connection(s, why);
        return;
      }
      if (s->partial_size - at < length) break;
      on_reply(s, s->partial + at, length, t);
      at += length;
      if (s->closed) return; /* a write of the next requests failed */
    }
    memmove(s->partial, s->partial + at, s->partial_size - at);
    s->partial_size -= at;
  }
}

/*
 * Retransmits requests unanswered for --timeout; after --retries, counts them
 * lost. On a stream a request is never sent twice (RFC 6613 section 2.6.1):
 * after --timeout it is lost.
 */
static void sweep(double t) {
  for (int i = 0; i < opt.in_flight; i++) {
    slot_t *slot = &slots[i];
    if (slot->id < 0 || t - slot->sent_at < opt.timeout) continue;
    if (opt.transport != UDP || slot->tries > opt.retries) {
      c.lost++;
      finish_request(slot, t);
      continue;
    }
    slot->tries++;
    slot->sent_at = t;
    c.retransmitted++;
    queue_send(&socks[slot->socket], slot);
  }
}

/* Rate mode: a token bucket (at most 10 ms of tokens) starts waiting slots. */
static void spend_tokens(double t) {
  tokens += (t - tokens_at) * opt.rate;
  tokens_at = t;
  double cap = opt.rate / 100 > 1 ? opt.rate / 100 : 1;
  if (tokens > cap) tokens = cap;
  while (tokens >= 1 && waiting_count > 0 && !stopping) {
    slot_t *slot = &slots[waiting[waiting_head]];
    waiting_head = (waiting_head + 1) % opt.in_flight;
    waiting_count--;
    tokens -= 1;
    start_request(slot, t);
  }
}

/* ---- storm ---------------------------------------------------------------- */

enum { STORM_POOL = 64 };
static uint8_t storm_random[STORM_POOL][MAX_PACKET];
static size_t storm_random_size[STORM_POOL];
static uint8_t storm_short[STORM_POOL][20];
static size_t storm_short_size[STORM_POOL];
static uint8_t storm_overlong[STORM_POOL][64];
static uint8_t storm_unknown[STORM_POOL][64];
static uint8_t storm_fresh[STORM_BATCH][MAX_REQUEST];
static double storm_start;
static long storm_index;

static void prepare_storm(void) {
  /*
   * Codes an authentication port does not serve: undefined ones (0, 52, 200, 250, 255),
   * replies (Access-Accept 2, Accounting-Response 5, ...), Accounting-Request (4, for the
   * accounting port), Status-Client (13), CoA and Disconnect (40, 43: port 3799). Not
   * Access-Request (1) nor Status-Server (12), which it serves.
   */
  static const uint8_t unknown[] = {0, 2, 3, 4, 5, 11, 13, 40, 41, 43, 44, 52, 200, 250, 255};
  for (int i = 0; i < STORM_POOL; i++) {
    storm_random_size[i] = 1 + next_random() % MAX_PACKET;
    random_bytes(storm_random[i], storm_random_size[i]);
    storm_short_size[i] = 1 + next_random() % 19;
    random_bytes(storm_short[i], storm_short_size[i]);
    storm_short[i][0] = ACCESS_REQUEST;
    /* An Access-Request whose Length says more than the 64 bytes sent (or less than 20). */
    random_bytes(storm_overlong[i], 64);
    storm_overlong[i][0] = ACCESS_REQUEST;
    uint16_t length = i % 4 == 0 ? (uint16_t)(next_random() % 20) : (uint16_t)(65 + next_random() % 4000);
    storm_overlong[i][2] = (uint8_t)(length >> 8);
    storm_overlong[i][3] = (uint8_t)length;
    random_bytes(storm_unknown[i], 64);
    storm_unknown[i][0] = unknown[i % sizeof unknown];
    storm_unknown[i][2] = 0;
    storm_unknown[i][3] = 64;
    /* Well-formed attributes after the header: Message-Authenticator of random bytes. */
    storm_unknown[i][20] = MESSAGE_AUTHENTICATOR;
    storm_unknown[i][21] = 18;
    storm_unknown[i][38] = USER_NAME;
    storm_unknown[i][39] = 26;
  }
}

static void storm_send(double t) {
  long due = (long)((t - storm_start) * opt.storm) - c.storm_sent - c.storm_errors;
  if (due <= 0) return;
  /* Behind by more than 50 ms of datagrams: let it go rather than burst (the achieved rate is reported). */
  if (due > opt.storm / 20 && due > STORM_BATCH) {
    storm_start += (double)(due - STORM_BATCH) / opt.storm;
    due = STORM_BATCH;
  }
  while (due > 0) {
    int batch = due < STORM_BATCH ? (int)due : STORM_BATCH;
    static struct mmsghdr msgs[STORM_BATCH];
    static struct iovec iov[STORM_BATCH];
    int fresh = 0;
    for (int i = 0; i < batch; i++, storm_index++) {
      int pick = (int)(storm_index / 4 % STORM_POOL);
      switch (storm_index % 4) {
        case 0:
          iov[i].iov_base = storm_random[pick];
          iov[i].iov_len = storm_random_size[pick];
          break;
        case 1:
          if (storm_index / 4 % 2 == 0) {
            iov[i].iov_base = storm_short[pick];
            iov[i].iov_len = storm_short_size[pick];
          } else {
            iov[i].iov_base = storm_overlong[pick];
            iov[i].iov_len = 64;
          }
          break;
        case 2: {
          /* A fresh Request Authenticator each time: no duplicate cache can short-cut it. */
          uint8_t *p = storm_fresh[fresh++];
          iov[i].iov_base = p;
          iov[i].iov_len = build_request(&wrong_secret, p, (uint8_t)next_random(), 1);
          break;
        }
        default:
          iov[i].iov_base = storm_unknown[pick];
          iov[i].iov_len = 64;
          break;
      }
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int fd = storm_fds[storm_index % opt.storm_sockets];
    int n = sendmmsg(fd, msgs, (unsigned)batch, 0);
    if (n < 0) n = 0;
    c.storm_sent += n;
    c.storm_errors += batch - n;
    due -= batch;
  }
}

static void drain_storm(int fd) {
  uint8_t buffer[MAX_PACKET];
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n >= 0) c.storm_replies++;
    else if (errno != EINTR && errno != ECONNREFUSED) return;
  }
}

/* ---- self-test ------------------------------------------------------------ */

static int hex_equal(const uint8_t *bytes, const char *hex) {
  char text[33];
  for (int i = 0; i < 16; i++) snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  return strcmp(text, hex) == 0;
}

static void from_hex(const char *hex, uint8_t *out) {
  for (size_t i = 0; hex[2 * i]; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

/* RFC 1321 appendix A.5, RFC 2104's test vectors, and RFC 2865 section 7.1's packets. */
static int self_test(void) {
  static const struct {
    const char *in, *out;
  } md5_vectors[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof md5_vectors / sizeof md5_vectors[0]; i++) {
    md5_ctx ctx;
    uint8_t digest[16];
    md5_init(&ctx);
    /* Byte by byte as well as at once: the partial-block path. */
    const char *in = md5_vectors[i].in;
    if (i % 2) {
      for (size_t j = 0; in[j]; j++) md5_update(&ctx, in + j, 1);
    } else {
      md5_update(&ctx, in, strlen(in));
    }
    md5_final(&ctx, digest);
    if (!hex_equal(digest, md5_vectors[i].out)) {
      fprintf(stderr, "radload: MD5(\"%s\") is wrong\n", in);
      failures++;
    }
  }
  uint8_t key[80], data[50], mac[16];
  hmac_md5_key prepared;
  memset(key, 0x0b, 16);
  hmac_md5_prepare(&prepared, key, 16);
  hmac_md5(&prepared, "Hi There", 8, mac);
  failures += !hex_equal(mac, "9294727a3638bb1c13f48ef8158bfc9d");
  hmac_md5_prepare(&prepared, (const uint8_t *)"Jefe", 4);
  hmac_md5(&prepared, "what do ya want for nothing?", 28, mac);
  failures += !hex_equal(mac, "750c783e6ab0b503eaa86e310a5db738");
  memset(key, 0xaa, 16);
  memset(data, 0xdd, 50);
  hmac_md5_prepare(&prepared, key, 16);
  hmac_md5(&prepared, data, 50, mac);
  failures += !hex_equal(mac, "56be34521d144c88dbb8c733f0e8b3f6");
  /* RFC 2202 section 2, test case 6: an 80-byte key is hashed first. */
  memset(key, 0xaa, 80);
  hmac_md5_prepare(&prepared, key, 80);
  hmac_md5(&prepared, "Test Using Larger Than Block-Size Key - Hash Key First", 54, mac);
  failures += !hex_equal(mac, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");

  /* RFC 2865 section 7.1: nemo / arctangent under secret xyzzy5461, and the Access-Accept. */
  secret_t rfc;
  prepare_secret(&rfc, "xyzzy5461");
  uint8_t authenticator[16], hidden[16], reply[38];
  from_hex("0f403f9473978057bd83d5cb98f4227a", authenticator);
  hide_password(&rfc, authenticator, "arctangent", hidden);
  failures += !hex_equal(hidden, "0dbe708d93d413ce3196e43f782a0aee");
  from_hex("0200002686fe220e7624ba2a1005f6bf9b55e0b2060600000001"
           "0f06000000000e06c0a80103",
           reply);
  secret_t saved = valid_secret;
  valid_secret = rfc;
  failures += verify_reply(reply, sizeof reply, authenticator) != VERIFIED;
  reply[37] ^= 1;
  failures += verify_reply(reply, sizeof reply, authenticator) != BAD;
  valid_secret = saved;

  if (failures > 0) {
    fprintf(stderr, "radload: self-test: %d failure(s)\n", failures);
    return 1;
  }
  printf("{\"selfTest\":\"ok\"}\n");
  return 0;
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *to) {
  fprintf(to,
          "usage: radload --port PORT [--host 127.0.0.1] [--secret testing123]\n"
          "  [--user bob] [--password hello] [--in-flight 100] [--sockets 16]\n"
          "  [--count 200000] [--warmup 20000] [--warmup-max 60] [--duration 0]\n"
          "  [--timeout 1000 (ms)] [--retries 3] [--rate 0 (requests/s, 0: closed loop)]\n"
          "  [--storm 0 (garbage datagrams/s)] [--storm-sockets 4] [--progress 0 (ms)]\n"
          "  [--rcvbuf 4194304] [--no-message-authenticator]\n"
          "  radload --tls --port PORT --cert FILE --key FILE --ca FILE [--secret radsec]\n"
          "  [--connections 1] [--tls-version 1.3 (or 1.2)] [--servername NAME]\n"
          "  [--handshake-timeout 10000 (ms)] [--coalesce (a turn's requests in one record)]\n"
          "  [options above but --sockets, --retries, --storm]\n"
          "  radload --tcp --port PORT [--connections 1] [same]\n"
          "  radload --self-test\n");
}

static double number(const char *name, const char *text, double min, double max) {
  char *end;
  double value = strtod(text, &end);
  if (*text == 0 || *end != 0 || value < min || value > max) {
    fprintf(stderr, "radload: --%s %s: expected a number from %g to %g\n", name, text, min, max);
    exit(2);
  }
  return value;
}

static void parse(int argc, char **argv) {
  static const struct option options[] = {
      {"host", required_argument, 0, 'h'},
      {"port", required_argument, 0, 'p'},
      {"secret", required_argument, 0, 's'},
      {"user", required_argument, 0, 'u'},
      {"password", required_argument, 0, 'P'},
      {"in-flight", required_argument, 0, 'n'},
      {"sockets", required_argument, 0, 'k'},
      {"count", required_argument, 0, 'c'},
      {"warmup", required_argument, 0, 'w'},
      {"warmup-max", required_argument, 0, 'W'},
      {"duration", required_argument, 0, 'd'},
      {"timeout", required_argument, 0, 't'},
      {"retries", required_argument, 0, 'r'},
      {"rate", required_argument, 0, 'R'},
      {"storm", required_argument, 0, 'S'},
      {"storm-sockets", required_argument, 0, 'K'},
      {"progress", required_argument, 0, 'g'},
      {"rcvbuf", required_argument, 0, 'b'},
      {"no-message-authenticator", no_argument, 0, 'M'},
      {"tcp", no_argument, 0, 'C'},
      {"tls", no_argument, 0, 'L'},
      {"connections", required_argument, 0, 'N'},
      {"cert", required_argument, 0, 'e'},
      {"key", required_argument, 0, 'y'},
      {"ca", required_argument, 0, 'a'},
      {"servername", required_argument, 0, 'v'},
      {"tls-version", required_argument, 0, 'V'},
      {"handshake-timeout", required_argument, 0, 'x'},
      {"coalesce", no_argument, 0, 'G'},
      {"self-test", no_argument, 0, 'T'},
      {"help", no_argument, 0, 'H'},
      {0, 0, 0, 0},
  };
  int o;
  while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (o) {
      case 'h': opt.host = optarg; break;
      case 'p': opt.port = (int)number("port", optarg, 1, 65535); break;
      case 's': opt.secret = optarg; break;
      case 'u': opt.user = optarg; break;
      case 'P': opt.password = optarg; break;
      case 'n': opt.in_flight = (int)number("in-flight", optarg, 1, 65536); break;
      case 'k': opt.sockets = (int)number("sockets", optarg, 1, 1024); break;
      case 'c': opt.count = (long)number("count", optarg, 0, 1e12); break;
      case 'w': opt.warmup = (long)number("warmup", optarg, 0, 1e12); break;
      case 'W': opt.warmup_max = number("warmup-max", optarg, 0, 1e6); break;
      case 'd': opt.duration = number("duration", optarg, 0, 1e7); break;
      case 't': opt.timeout = number("timeout", optarg, 1, 1e7) / 1000; break;
      case 'r': opt.retries = (int)number("retries", optarg, 0, 1000); break;
      case 'R': opt.rate = number("rate", optarg, 0, 1e8); break;
      case 'S': opt.storm = number("storm", optarg, 0, 1e8); break;
      case 'K': opt.storm_sockets = (int)number("storm-sockets", optarg, 1, 1024); break;
      case 'g': opt.progress_ms = (int)number("progress", optarg, 0, 1e7); break;
      case 'b': opt.rcvbuf = (int)number("rcvbuf", optarg, 4096, 1 << 30); break;
      case 'M': opt.message_authenticator = 0; break;
      /* -1: both given (refused below). */
      case 'C': opt.transport = opt.transport == UDP || opt.transport == TCP ? TCP : -1; break;
      case 'L': opt.transport = opt.transport == UDP || opt.transport == TLS ? TLS : -1; break;
      case 'N': opt.connections = (int)number("connections", optarg, 1, 1024); break;
      case 'e': opt.cert = optarg; break;
      case 'y': opt.key = optarg; break;
      case 'a': opt.ca = optarg; break;
      case 'v': opt.servername = optarg; break;
      case 'V':
        if (strcmp(optarg, "1.2") == 0) opt.tls_version = 12;
        else if (strcmp(optarg, "1.3") == 0) opt.tls_version = 13;
        else {
          fprintf(stderr, "radload: --tls-version %s: expected 1.2 or 1.3\n", optarg);
          exit(2);
        }
        break;
      case 'G': opt.coalesce = 1; break;
      case 'x': opt.handshake_timeout = number("handshake-timeout", optarg, 1, 1e7) / 1000; break;
      case 'T': exit(self_test());
      case 'H': usage(stdout); exit(0);
      default: usage(stderr); exit(2);
    }
  }
  if (optind < argc) {
    fprintf(stderr, "radload: unexpected argument \"%s\"\n", argv[optind]);
    exit(2);
  }
  if (opt.port == 0) {
    fprintf(stderr, "radload: --port is required\n");
    usage(stderr);
    exit(2);
  }
  if (opt.count == 0 && opt.duration == 0) {
    fprintf(stderr, "radload: give --count or --duration (or both)\n");
    exit(2);
  }
  if (strlen(opt.user) > 64 || strlen(opt.password) > 128 || strlen(opt.secret) == 0) {
    fprintf(stderr, "radload: --user at most 64 bytes, --password at most 128, --secret not empty\n");
    exit(2);
  }
  if (opt.transport < 0) {
    fprintf(stderr, "radload: --tcp or --tls, not both\n");
    exit(2);
  }
  if (opt.transport == UDP && (opt.cert || opt.key || opt.ca || opt.servername ||
                               opt.tls_version != 13 || opt.coalesce)) {
    fprintf(stderr, "radload: --cert, --key, --ca, --servername, --tls-version and --coalesce "
                    "go with --tls\n");
    exit(2);
  }
  if (opt.transport == TCP && (opt.cert || opt.key || opt.ca || opt.servername || opt.coalesce)) {
    fprintf(stderr,
            "radload: --cert, --key, --ca, --servername and --coalesce go with --tls, not --tcp\n");
    exit(2);
  }
  if (opt.transport != UDP && opt.storm > 0) {
    fprintf(stderr, "radload: --storm sends datagrams: UDP only\n");
    exit(2);
  }
  if (opt.transport == TLS && opt.key != NULL && opt.cert == NULL) {
    fprintf(stderr, "radload: --key goes with --cert\n");
    exit(2);
  }
  /* On streams the connections take the sockets' place: Identifiers 0-255 on each. */
  if (opt.transport != UDP) opt.sockets = opt.connections;
  if (opt.sockets > opt.in_flight) opt.sockets = opt.in_flight;
  if ((opt.in_flight + opt.sockets - 1) / opt.sockets > 255) {
    fprintf(stderr, opt.transport == UDP
                        ? "radload: more than 255 in flight per socket: raise --sockets\n"
                        : "radload: more than 255 in flight per connection: raise --connections\n");
    exit(2);
  }
}

static double percentile(double q, long total) {
  if (total == 0) return 0;
  long rank = (long)(q * (double)(total - 1)), seen = 0;
  for (long i = 0; i < LATENCY_BUCKETS; i++) {
    seen += latency[i];
    if (seen > rank) return (double)(i + 1) / 100; /* ms: the bucket's upper edge */
  }
  return latency_max * 1000;
}

int main(int argc, char **argv) {
  seed_random();
  parse(argc, argv);
  prepare_secret(&valid_secret, opt.secret);
  prepare_secret(&wrong_secret, "not-the-secret");
  resolve_target();

  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  socks = calloc((size_t)opt.sockets, sizeof *socks);
  slots = calloc((size_t)opt.in_flight, sizeof *slots);
  waiting = calloc((size_t)opt.in_flight, sizeof *waiting);
  latency = calloc(LATENCY_BUCKETS, sizeof *latency);
  storm_fds = calloc((size_t)opt.storm_sockets, sizeof *storm_fds);
  if (!socks || !slots || !waiting || !latency || !storm_fds) die("calloc");
  double handshake_max = 0;
  if (opt.transport != UDP) {
    int per_connection = (opt.in_flight + opt.sockets - 1) / opt.sockets;
    char error[1024];
    stream_options = (stream_options_t){
        .tls = opt.transport == TLS,
        .tls_version = opt.tls_version,
        .cert = opt.cert,
        .key = opt.key,
        .ca = opt.ca,
        .servername = opt.servername,
        .host = opt.host,
        .handshake_timeout = opt.handshake_timeout,
    };
    if (stream_setup(&stream_options, error, sizeof error) < 0) {
      fprintf(stderr, "radload: %s\n", error);
      return 1;
    }
    /* A write to a connection the server closed fails with EPIPE instead of killing radload. */
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < opt.sockets; i++) {
      double before = now();
      socks[i].stream = stream_open(&stream_options, (struct sockaddr *)&target, target_size,
                                    error, sizeof error);
      if (socks[i].stream == NULL) {
        fprintf(stderr, "radload: connection %d to %s port %d (%s): %s\n", i + 1, opt.host,
                opt.port, TRANSPORT_NAMES[opt.transport], error);
        return 1;
      }
      if (now() - before > handshake_max) handshake_max = now() - before;
      if (i == 0) {
        snprintf(tls_protocol, sizeof tls_protocol, "%s", stream_protocol(socks[i].stream));
        snprintf(tls_cipher, sizeof tls_cipher, "%s", stream_cipher(socks[i].stream));
      }
      socks[i].fd = stream_fd(socks[i].stream);
      socks[i].pending_capacity = (size_t)per_connection * MAX_REQUEST;
      socks[i].pending = malloc(socks[i].pending_capacity);
      socks[i].partial = malloc(STREAM_READ + MAX_PACKET);
      if (!socks[i].pending || !socks[i].partial) die("malloc");
      connections_open++;
    }
  }
  for (int i = 0; i < opt.sockets; i++) {
    if (opt.transport == UDP) socks[i].fd = open_socket();
    for (int id = 0; id < 256; id++) socks[i].free_ids[id] = (uint8_t)id;
    socks[i].free_count = 256;
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, socks[i].fd, &event) < 0) die("epoll_ctl");
  }
  if (opt.storm > 0) {
    prepare_storm();
    for (int i = 0; i < opt.storm_sockets; i++) {
      storm_fds[i] = open_socket();
      struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)(opt.sockets + i)};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, storm_fds[i], &event) < 0) die("epoll_ctl");
    }
  }

  double start = now(), measure_start = 0, cpu_start = 0;
  counters_t at_start = {0};
  long in_flight_start = 0;
  double next_sweep = start, next_progress = 0;
  long progress_verified = 0;
  storm_start = start;
  tokens_at = start;
  for (int i = 0; i < opt.in_flight; i++) {
    slots[i].socket = i % opt.sockets;
    slots[i].id = -1;
  }
  if (opt.warmup == 0) {
    measuring = 1;
    measure_start = start;
    cpu_start = cpu_seconds();
    next_progress = start + opt.progress_ms / 1000.0;
    printf("{\"event\":\"measuring\",\"warmup\":0,\"seconds\":0}\n");
    fflush(stdout);
  }
  for (int i = 0; i < opt.in_flight; i++) {
    if (opt.rate > 0) waiting[waiting_count++] = i;
    else start_request(&slots[i], start);
  }
  if (opt.rate > 0) spend_tokens(start);
  for (int i = 0; i < opt.sockets; i++) flush(&socks[i]);

  struct epoll_event events[64];
  int timeout_ms = opt.storm > 0 || opt.rate > 0 ? 1 : 5;
  double warmup_end = 0;
  for (;;) {
    int n = epoll_wait(ep, events, 64, timeout_ms);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      uint32_t index = events[i].data.u32;
      if ((int)index >= opt.sockets) drain_storm(storm_fds[index - (uint32_t)opt.sockets]);
      else if (opt.transport != UDP) receive_stream(&socks[index]);
      else receive(&socks[index]);
    }
    double t = now();
    if (t >= next_sweep) {
      sweep(t);
      next_sweep = t + 0.005;
    }
    if (opt.rate > 0) spend_tokens(t);
    for (int i = 0; i < opt.sockets; i++) flush(&socks[i]);
    if (opt.storm > 0) storm_send(t);
    if (opt.transport != UDP && connections_open == 0) {
      /* Every connection is gone: the result covers the whole run if no window had started. */
      if (!measuring) {
        measure_start = start;
        cpu_start = 0;
      }
      break;
    }

    if (!measuring) {
      if (c.verified >= opt.warmup || t - start >= opt.warmup_max) {
        measuring = 1;
        measure_start = t;
        warmup_end = t;
        cpu_start = cpu_seconds();
        at_start = c;
        for (int i = 0; i < opt.in_flight; i++) in_flight_start += slots[i].id >= 0;
        next_progress = t + opt.progress_ms / 1000.0;
        /* The window starts: a caller can sample the server's CPU time now. */
        printf("{\"event\":\"measuring\",\"warmup\":%ld,\"seconds\":%.3f}\n", c.verified, t - start);
        fflush(stdout);
      }
      continue;
    }
    long verified = c.verified - at_start.verified;
    if (opt.progress_ms > 0 && t >= next_progress) {
      printf("{\"event\":\"progress\",\"t\":%.3f,\"verified\":%ld,\"perSecond\":%.1f,\"lost\":%ld,"
             "\"retransmitted\":%ld,\"bad\":%ld}\n",
             t - measure_start, verified,
             (double)(verified - progress_verified) / (opt.progress_ms / 1000.0),
             c.lost - at_start.lost, c.retransmitted - at_start.retransmitted,
             c.bad - at_start.bad);
      fflush(stdout);
      progress_verified = verified;
      next_progress += opt.progress_ms / 1000.0;
    }
    if ((opt.count > 0 && verified >= opt.count) ||
        (opt.duration > 0 && t - measure_start >= opt.duration)) {
      break;
    }
  }
  double end = now();
  double cpu = cpu_seconds() - cpu_start;
  int all_closed = opt.transport != UDP && connections_open == 0;
  stopping = 1;
  long in_flight_end = 0;
  for (int i = 0; i < opt.in_flight; i++) in_flight_end += slots[i].id >= 0;

  double wall = end - measure_start;
  counters_t w = c;
#define WINDOW(field) (w.field - at_start.field)
  long verified = WINDOW(verified);
  printf("{\"event\":\"result\",\"repliesPerSecond\":%.1f,\"sent\":%ld,\"received\":%ld,"
         "\"verified\":%ld,\"accepted\":%ld,\"rejected\":%ld,\"challenged\":%ld,\"bad\":%ld,"
         "\"duplicate\":%ld,\"retransmitted\":%ld,\"lost\":%ld,\"withMessageAuthenticator\":%ld,"
         "\"inFlightStart\":%ld,\"inFlightEnd\":%ld,\"sendErrors\":%ld,\"refused\":%ld,"
         "\"wallSeconds\":%.4f,\"cpuSeconds\":%.4f,\"cpuMicrosPerReply\":%.2f,"
         "\"latencyMs\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
         "\"warmup\":{\"verified\":%ld,\"seconds\":%.3f},",
         wall > 0 ? (double)verified / wall : 0, WINDOW(sent), WINDOW(received), verified,
         WINDOW(accepted), WINDOW(rejected), WINDOW(challenged), WINDOW(bad), WINDOW(duplicate),
         WINDOW(retransmitted), WINDOW(lost), WINDOW(with_mac), in_flight_start, in_flight_end,
         WINDOW(send_errors), WINDOW(refused), wall, cpu,
         verified > 0 ? cpu * 1e6 / (double)verified : 0, percentile(0.5, verified),
         percentile(0.99, verified), latency_max * 1000, at_start.verified,
         warmup_end > 0 ? warmup_end - start : 0);
  printf("\"storm\":{\"rate\":%.0f,\"sent\":%ld,\"perSecond\":%.1f,\"errors\":%ld,\"replies\":%ld},",
         opt.storm, WINDOW(storm_sent), wall > 0 ? (double)WINDOW(storm_sent) / wall : 0,
         WINDOW(storm_errors), WINDOW(storm_replies));
  printf("\"transport\":\"%s\",\"connectionsClosed\":%ld,", TRANSPORT_NAMES[opt.transport],
         connections_closed);
  if (opt.transport == TLS) {
    printf("\"tls\":{\"protocol\":\"%s\",\"cipher\":\"%s\",\"handshakeMsMax\":%.2f},",
           tls_protocol, tls_cipher, handshake_max * 1000);
  } else {
    printf("\"tls\":null,");
  }
  printf("\"options\":{\"transport\":\"%s\",\"host\":\"%s\",\"port\":%d,\"inFlight\":%d,"
         "\"sockets\":%d,\"connections\":%d,\"count\":%ld,\"warmup\":%ld,\"duration\":%g,"
         "\"timeoutMs\":%g,\"retries\":%d,\"rate\":%g,\"messageAuthenticator\":%s,\"coalesce\":%s}}\n",
         TRANSPORT_NAMES[opt.transport], opt.host, opt.port, opt.in_flight,
         opt.transport == UDP ? opt.sockets : 0, opt.transport == UDP ? 0 : opt.sockets,
         opt.count, opt.warmup, opt.duration, opt.timeout * 1000,
         opt.transport == UDP ? opt.retries : 0, opt.rate,
         opt.message_authenticator ? "true" : "false", opt.coalesce ? "true" : "false");
#undef WINDOW
  fflush(stdout);
  for (int i = 0; i < opt.sockets; i++) {
    if (socks[i].stream != NULL) stream_close(socks[i].stream);
  }
  if (all_closed) {
    fprintf(stderr, "radload: every connection was closed before the end of the run\n");
    return 3;
  }
  return 0;
}
