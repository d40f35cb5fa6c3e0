/**
 * The pluggable logger of the server and the client.
 *
 * @module
 */

/**
 * Where the server or the client writes what happens. Each method gets a
 * message and, optionally, structured fields (address, reason, code,
 * error). Fields never hold a shared secret or a secret attribute value
 * (`isSecretAttribute`: User-Password, CHAP, MS-CHAP and EAP material, …):
 * errors that quote one (a handler's message, say) are logged with it
 * replaced by `<hidden, N bytes>`.
 * `console` fits, and so do most structured loggers (pino, winston, …).
 *
 * The server logs dropped datagrams (debug), listening and closing (info),
 * likely misconfiguration such as a client's first packet with a wrong
 * secret (warn), and handler failures (error). The client logs
 * retransmissions and dropped replies (debug), servers coming back (info),
 * servers marked down, failovers and a server's first reply that fails
 * verification (warn).
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type Logger, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const logger: Logger = {
 *   debug: (message) => lines.push(`debug: ${message}`),
 *   info: (message) => lines.push(`info: ${message}`),
 *   warn: (message) => lines.push(`warn: ${message}`),
 *   error: (message) => lines.push(`error: ${message}`),
 * };
 * const transport = new MemoryTransport();
 * const server = new Server({ transport, dictionary: Dictionary.default(), clients: [], logger });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * await server.close();
 * assert.deepEqual(lines, ["info: listening", "info: closed"]);
 * ```
 */
export interface Logger {
  /** Detail: every dropped datagram, once, with its reason; retransmissions. Silent by default. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Lifecycle: listening, closed, a server back up. Silent by default. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Likely misconfiguration or an outage: a wrong secret, a server down. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Handlers that threw, replies that could not be built. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger that writes warnings and errors to `console.warn` and
 * `console.error`, each message prefixed, and drops debug and info: the
 * server's and the client's default.
 *
 * @param prefix What each line starts with, such as `"radkit server"`.
 * @returns The logger.
 */
export function consoleWarnings(prefix: string): Logger {
  const write = (
    sink: (...args: unknown[]) => void,
    message: string,
    fields?: Record<string, unknown>,
  ): void => {
    if (fields === undefined) sink(`${prefix}: ${message}`);
    else sink(`${prefix}: ${message}`, fields);
  };
  return {
    debug() {},
    info() {},
    warn: (message, fields) => write(console.warn, message, fields),
    error: (message, fields) => write(console.error, message, fields),
  };
}
