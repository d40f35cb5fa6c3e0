/**
 * The CLI's own error: a command line that cannot be understood. `main`
 * prints its message on one line and exits with status 2.
 *
 * @module
 */

/**
 * A usage error: an unknown option, a missing `--secret`, an `ATTR=VALUE`
 * that does not parse or names no attribute. The message says what to do.
 *
 * @example Usage
 * ```ts
 * import { UsageError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new UsageError('Missing --secret: the shared secret, e.g. --secret testing123');
 * assert.equal(error.name, "UsageError");
 * assert.equal(error.exitCode, 2);
 * ```
 */
export class UsageError extends Error {
  /** The exit status for usage errors. */
  readonly exitCode: 2 = 2;

  /**
   * Creates a usage error.
   *
   * @param message What is wrong and what to do, in one line.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
  }
}
