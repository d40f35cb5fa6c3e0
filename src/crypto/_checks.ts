// Argument checks shared by the hash functions: programmer errors get a
// TypeError or RangeError that says what to pass instead.

/** Throws a TypeError unless `value` is a Uint8Array. */
export function requireBytes(value: unknown, what: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(
      `${what} must be a Uint8Array; encode strings first, e.g. with new TextEncoder().encode(text)`,
    );
  }
}

/**
 * Throws unless a `size`-byte result (16 unless given) fits in `into` at
 * `offset`; `result` names it in the message.
 */
export function requireOutput(
  into: Uint8Array,
  offset: number,
  result: string,
  size: number = 16,
): void {
  requireBytes(into, "The output buffer");
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > into.length) {
    const fix = into.length < size
      ? `pass a buffer of at least ${size} bytes`
      : `pass an integer offset from 0 to ${into.length - size}`;
    throw new RangeError(
      `Cannot write a ${size}-byte ${result} at offset ${offset} of a ${into.length}-byte buffer: ${fix}`,
    );
  }
}

/** Throws a RangeError unless `value` is a Uint8Array of exactly `length` bytes. */
export function requireLength(value: unknown, length: number, what: string): void {
  requireBytes(value, what);
  const actual = (value as Uint8Array).length;
  if (actual !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${actual}`);
  }
}
