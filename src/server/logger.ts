/**
 * The server's pluggable logger: the {@linkcode Logger} of `src/logger.ts`,
 * shared with the client.
 *
 * @module
 */
import { consoleWarnings, type Logger } from "../logger.ts";

export type { Logger } from "../logger.ts";

/**
 * The default logger: warnings and errors to `console.warn` and
 * `console.error`; debug and info are dropped.
 */
export const consoleWarnLogger: Logger = consoleWarnings("radkit server");
