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
 * import { Client, type TimeoutAttempt, TimeoutError } from "@radkit/radius";
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
 *   if (error instanceof TimeoutError) attempts.push(...error.attempts);
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
 * `bad-authenticator`, a server that sends no Message-Authenticator as
 * `missing-message-authenticator`).
 *
 * @example Usage
 * ```ts
 * import { TimeoutError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new TimeoutError("Access-Request", [
 *   { server: "127.0.0.1:1812", transmissions: 4 },
 * ]);
 * assert.equal(error.code, "ERR_TIMEOUT");
 * assert.equal(
 *   error.message,
 *   "No reply to Access-Request after 4 transmissions to 127.0.0.1:1812",
 * );
 * ```
 */
export class TimeoutError extends RadiusError {
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
      if (dropped["missing-message-authenticator"]) {
        message += " (for a server that sends no Message-Authenticator, " +
          "set requireMessageAuthenticator: false)";
      } else if (dropped["bad-authenticator"]) {
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
