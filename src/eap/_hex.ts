/**
 * Bytes as lowercase hex and back, for conversation state kept as JSON.
 *
 * @module
 */

const DIGITS = "0123456789abcdef";

/** The bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += DIGITS[byte >> 4]! + DIGITS[byte & 15]!;
  return text;
}

/** Hex (either case) as bytes; `undefined` for anything else. */
export function fromHex(text: string): Uint8Array | undefined {
  if (typeof text !== "string" || text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = DIGITS.indexOf(text[2 * i]!.toLowerCase());
    const low = DIGITS.indexOf(text[2 * i + 1]!.toLowerCase());
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}
