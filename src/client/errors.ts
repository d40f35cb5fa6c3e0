/**
 * Errors a {@linkcode Client} request can reject with, besides the
 * `AbortSignal`'s reason (see `Client.send`).
 *
 * @module
 */
import { RadiusError, type RadiusErrorOptions } from "../errors.ts";

/**
 * One server a request was sent to, and how many datagrams went there.
 *
 * @example Usage
 * ```ts
 * import { Client, RequestTimeoutError, type TimeoutAttempt } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client({
 *   transport: new MemoryTransport(), // nobody listens: every datagram is lost
 *   servers: ["192.0.2.1", "2001:db8::1"],
 *   secret: "s3cret",
 *   timeout: 10,
 *   retries: 1,
 * });
 * const attempts: TimeoutAttempt[] = [];
 * await client.statusServer().catch((error) => {
 *   if (error instanceof RequestTimeoutError) attempts.push(...error.attempts);
 * });
 * assert.deepEqual(attempts, [
 *   { server: "192.0.2.1:1812", transmissions: 2 },
 *   { server: "[2001:db8::1]:1812", transmissions: 2 },
 * ]);
 * await client.close();
 * ```
 */
export interface TimeoutAttempt {
  /** The destination as `host:port` (`[v6]:port` for IPv6). */
  readonly server: string;
  /** How many datagrams (first transmission and retransmissions) were sent to it. */
  readonly transmissions: number;
}

/**
 * No verified reply came back: every server tried was sent the request and
 * its retransmissions (see `ClientOptions.retries`) without an answer that
 * verifies. The message says how many datagrams went to whom, and why
 * replies were dropped if some were (a wrong secret shows up as
 * `bad-authenticator`). Named so as not to be confused with the
 * `DOMException` named `"TimeoutError"` that `AbortSignal.timeout()` aborts
 * with; its `code` is `"ERR_TIMEOUT"`.
 *
 * @example Usage
 * ```ts
 * import { RequestTimeoutError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new RequestTimeoutError("Access-Request", [
 *   { server: "127.0.0.1:1812", transmissions: 4 },
 * ]);
 * assert.equal(error.code, "ERR_TIMEOUT");
 * assert.equal(
 *   error.message,
 *   "No reply to Access-Request after 4 transmissions to 127.0.0.1:1812",
 * );
 * ```
 */
export class RequestTimeoutError extends RadiusError {
  /** The request's packet type name, e.g. `"Access-Request"`. */
  readonly request: string;
  /** The servers tried, in order, with the datagrams sent to each. */
  readonly attempts: readonly TimeoutAttempt[];
  /** Replies that arrived for this request but were dropped, by reason. */
  readonly dropped: Readonly<Record<string, number>>;

  /**
   * Creates a timeout error.
   *
   * @param request The request's packet type name.
   * @param attempts The servers tried and the datagrams sent to each.
   * @param dropped Replies dropped for this request, by reason.
   * @param options The underlying `cause` (such as the last send error), if any.
   */
  constructor(
    request: string,
    attempts: readonly TimeoutAttempt[],
    dropped: Readonly<Record<string, number>> = {},
    options?: RadiusErrorOptions,
  ) {
    const sent = attempts.map(({ server, transmissions }, i) =>
      `${transmissions}${
        i === 0 ? ` transmission${transmissions === 1 ? "" : "s"}` : ""
      } to ${server}`
    );
    const to = sent.length <= 1
      ? sent.join("")
      : `${sent.slice(0, -1).join(", ")} and ${sent.at(-1)}`;
    const reasons = Object.entries(dropped).filter(([, n]) => n > 0);
    let message = `No reply to ${request} after ${to}`;
    if (reasons.length > 0) {
      message += `; dropped ${reasons.map(([why, n]) => `${n} ${why}`).join(", ")}`;
      if (dropped["bad-authenticator"] || dropped["bad-message-authenticator"]) {
        message += " (check the shared secret)";
      }
    }
    super(message, options, "ERR_TIMEOUT");
    this.request = request;
    this.attempts = attempts;
    this.dropped = dropped;
  }
}

/**
 * A reply verified (its Response Authenticator proves the server knows the
 * secret) but is not a valid answer: its code does not answer the request
 * (an Accounting-Response to an Access-Request), or its attributes do not
 * decode. Replies that fail verification are never surfaced: they are
 * dropped and counted while the request keeps waiting, since anyone can
 * send them.
 *
 * @example Usage
 * ```ts
 * import { ResponseVerificationError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new ResponseVerificationError(
 *   "Access-Request",
 *   "Accounting-Response does not answer it",
 * );
 * assert.equal(error.code, "ERR_RESPONSE_VERIFICATION");
 * assert.match(error.message, /Accounting-Response does not answer it/);
 * ```
 */
export class ResponseVerificationError extends RadiusError {
  /**
   * Creates a response verification error.
   *
   * @param request The request's packet type name.
   * @param reason What is wrong with the reply.
   * @param options The underlying `cause`, if any.
   */
  constructor(request: string, reason: string, options?: RadiusErrorOptions) {
    super(
      `Invalid reply to ${request}: ${reason}`,
      options,
      "ERR_RESPONSE_VERIFICATION",
    );
  }
}

/**
 * A reply whose Response Authenticator verifies carries no
 * Message-Authenticator, though the client requires one
 * (`requireMessageAuthenticator`, on by default for Access-Request and
 * Status-Server: the BlastRADIUS defence, CVE-2024-3596). The server has the
 * shared secret but does not sign its replies (FreeRADIUS before 3.2.5, for
 * example), or the reply is forged; either way no later reply to the same
 * request would differ, so the request rejects at once instead of waiting
 * out its retransmissions.
 *
 * @example Usage
 * ```ts
 * import { MissingMessageAuthenticatorError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new MissingMessageAuthenticatorError("Access-Request", "Access-Accept", "127.0.0.1:1812");
 * assert.equal(error.code, "ERR_MISSING_MESSAGE_AUTHENTICATOR");
 * assert.match(error.message, /requireMessageAuthenticator: false/);
 * ```
 */
export class MissingMessageAuthenticatorError extends RadiusError {
  /** The request's packet type name, e.g. `"Access-Request"`. */
  readonly request: string;
  /** The reply's packet type name, e.g. `"Access-Accept"`. */
  readonly reply: string;
  /** The server that sent it, as `host:port`. */
  readonly server: string;

  /**
   * Creates a missing-Message-Authenticator error.
   *
   * @param request The request's packet type name.
   * @param reply The reply's packet type name.
   * @param server The server that sent it, as `host:port`.
   * @param options The underlying `cause`, if any.
   */
  constructor(request: string, reply: string, server: string, options?: RadiusErrorOptions) {
    super(
      `The ${reply} from ${server} answering ${request} has no Message-Authenticator ` +
        "(BlastRADIUS, CVE-2024-3596): make the server send one (FreeRADIUS 3.2.5 and later do), " +
        "or set requireMessageAuthenticator: false for a server that cannot",
      options,
      "ERR_MISSING_MESSAGE_AUTHENTICATOR",
    );
    this.request = request;
    this.reply = reply;
    this.server = server;
  }
}

/**
 * A server given by host name (`server: "radius.example.org"`) did not
 * resolve: the request rejects with this error once no other server is left
 * to try. The message names the option and the host; `cause` holds the
 * transport's error.
 *
 * @example Usage
 * ```ts
 * import { NameResolutionError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new NameResolutionError("servers[1]", "radius.invalid", "ENOTFOUND");
 * assert.equal(error.code, "ERR_NAME_RESOLUTION");
 * assert.equal(error.message, 'Cannot resolve servers[1] "radius.invalid": ENOTFOUND');
 * ```
 */
export class NameResolutionError extends RadiusError {
  /** The option that gave the host: `"server"`, `"servers[1]"`. */
  readonly option: string;
  /** The host name. */
  readonly hostname: string;

  /**
   * Creates a name-resolution error.
   *
   * @param option The option that gave the host.
   * @param hostname The host name.
   * @param reason Why it did not resolve.
   * @param options The underlying `cause`, if any.
   */
  constructor(option: string, hostname: string, reason: string, options?: RadiusErrorOptions) {
    super(`Cannot resolve ${option} "${hostname}": ${reason}`, options, "ERR_NAME_RESOLUTION");
    this.option = option;
    this.hostname = hostname;
  }
}

/**
 * A TCP or TLS connection to a server could not be used: it could not be
 * opened (refused, unreachable, timed out), its TLS handshake failed (a
 * server certificate that does not verify, a name that does not match, a
 * fingerprint that is not pinned), or the server closed it before answering
 * anything (a TLS server that refuses the client's certificate, for one).
 * The server is marked down and the request moves on to the next server;
 * the request rejects with this error when the last one tried failed so.
 * `cause` holds the transport's error.
 *
 * @example Usage
 * ```ts
 * import { ServerConnectionError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new ServerConnectionError("127.0.0.1:2083", "TLS", "connection refused");
 * assert.equal(error.code, "ERR_SERVER_CONNECTION");
 * assert.equal(error.message, "Cannot use the TLS connection to 127.0.0.1:2083: connection refused");
 * ```
 */
export class ServerConnectionError extends RadiusError {
  /** The server, as `host:port`. */
  readonly server: string;
  /** What happened, as the message says after the server. */
  readonly reason: string;

  /**
   * Creates a server-connection error.
   *
   * @param server The server, as `host:port`.
   * @param protocol `"TCP"` or `"TLS"`.
   * @param reason What happened.
   * @param options The transport's error as `cause`, if any.
   */
  constructor(server: string, protocol: string, reason: string, options?: RadiusErrorOptions) {
    super(
      `Cannot use the ${protocol} connection to ${server}: ${reason}`,
      options,
      "ERR_SERVER_CONNECTION",
    );
    this.server = server;
    this.reason = reason;
  }
}

/**
 * The client was closed: requests still waiting reject with this error, and
 * so do requests made afterwards.
 *
 * @example Usage
 * ```ts
 * import { ClientClosedError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new ClientClosedError();
 * assert.equal(error.code, "ERR_CLIENT_CLOSED");
 * ```
 */
export class ClientClosedError extends RadiusError {
  /**
   * Creates a client-closed error.
   *
   * @param options The underlying `cause`, if any.
   */
  constructor(options?: RadiusErrorOptions) {
    super("The RADIUS client is closed", options, "ERR_CLIENT_CLOSED");
  }
}
