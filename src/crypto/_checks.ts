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

/** Throws unless a 16-byte result fits in `into` at `offset`; `result` names it in the message. */
export function requireOutput(into: Uint8Array, offset: number, result: string): void {
  requireBytes(into, "The output buffer");
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + 16 > into.length) {
    const fix = into.length < 16
      ? "pass a buffer of at least 16 bytes"
      : `pass an integer offset from 0 to ${into.length - 16}`;
    throw new RangeError(
      `Cannot write a 16-byte ${result} at offset ${offset} of a ${into.length}-byte buffer: ${fix}`,
    );
  }
}
