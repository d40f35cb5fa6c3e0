/**
 * The server's bounds on work: requests in flight, pending client lookups
 * and attributes per packet. Their defaults, and the checks of the values
 * given.
 *
 * @module
 */

/**
 * Default for `maxInFlight`: requests whose handler (or client lookup) has
 * not settled. By Little's law, 40,000 requests/s (about what one core
 * serves) with a 100 ms handler (a remote database) keep 4,000 in flight;
 * each costs some 2–3 KB (request, context, closures), so 4,096 hold about
 * 10 MB.
 */
export const DEFAULT_MAX_IN_FLIGHT = 4096;

/**
 * Default for `maxPendingLookups`: calls of a `clients` function not yet
 * settled. They run before any verification, for datagrams anyone can
 * send, so fewer than `maxInFlight`; 1,024 still allow a 25 ms lookup at
 * 40,000 requests/s, more at once than a database pool usually serves.
 */
export const DEFAULT_MAX_PENDING_LOOKUPS = 1024;

/** Default for `maxAttributes`: FreeRADIUS's `max_attributes` (radiusd.conf, 200). */
export const DEFAULT_MAX_ATTRIBUTES = 200;

/** The bounds given to the Server, before checking. */
export interface LimitOptions {
  readonly maxInFlight?: number | undefined;
  readonly maxPendingLookups?: number | undefined;
  readonly maxAttributes?: number | undefined;
}

/** The bounds the server applies. */
export interface Limits {
  readonly maxInFlight: number;
  readonly maxPendingLookups: number;
  readonly maxAttributes: number;
}

/**
 * Checks the bounds and fills in the defaults.
 *
 * @param options The Server's options.
 * @returns The bounds.
 * @throws {RangeError} for a bound that is not a positive integer.
 */
export function checkLimits(options: LimitOptions): Limits {
  return {
    maxInFlight: positive("maxInFlight", options.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT,
    maxPendingLookups: positive("maxPendingLookups", options.maxPendingLookups) ??
      DEFAULT_MAX_PENDING_LOOKUPS,
    maxAttributes: positive("maxAttributes", options.maxAttributes) ?? DEFAULT_MAX_ATTRIBUTES,
  };
}

/**
 * Checks a positive integer option.
 *
 * @param name The option's name, for the message.
 * @param value The value given.
 * @returns The value, or `undefined` when not given.
 * @throws {RangeError} when it is not an integer of at least 1.
 */
export function positive(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Invalid ${name} ${String(value)}: must be an integer of at least 1`);
  }
  return value;
}
