/**
 * The server's pluggable logger.
 *
 * @module
 */

/**
 * Where the server writes what happens. Each method gets a message and,
 * optionally, structured fields (source address, reason, code, error).
 * Fields never hold a shared secret or a secret attribute value
 * (`isSecretAttribute`: User-Password, CHAP, MS-CHAP and EAP material, …):
 * errors that quote one (a handler's message, say) are logged with it
 * replaced by `<hidden, N bytes>`.
 * `console` fits, and so do most structured loggers (pino, winston, …).
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
  /** Every dropped datagram, once, with its reason. Silent by default. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Lifecycle: listening, closed. Silent by default. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Likely misconfiguration, e.g. the first wrong-secret packet from a client. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Handlers that threw, replies that could not be built. */
  error(message: string, fields?: Record<string, unknown>): void;
}

function write(
  sink: (...args: unknown[]) => void,
  message: string,
  fields?: Record<string, unknown>,
): void {
  if (fields === undefined) sink(`radkit server: ${message}`);
  else sink(`radkit server: ${message}`, fields);
}

/**
 * The default logger: warnings and errors to `console.warn` and
 * `console.error`; debug and info are dropped.
 */
export const consoleWarnLogger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => write(console.warn, message, fields),
  error: (message, fields) => write(console.error, message, fields),
};
