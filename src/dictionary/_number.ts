// Number syntax of FreeRADIUS dictionary files.
//
// FreeRADIUS 3.2 reads numbers with `sscanf_i()` (src/lib/dict.c): decimal, or
// hexadecimal after `0x`/`0X`. A leading zero does NOT mean octal there
// (`010` is ten), so radkit keeps that reading for compatibility and offers
// octal only with the explicit `0o` prefix, which no FreeRADIUS file uses.

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCTAL = /^0[oO][0-7]+$/;

/**
 * Parses a non-negative dictionary number (decimal, `0x` hex or `0o` octal).
 *
 * @param text The column as written.
 * @returns The value, or `undefined` when the text is not a number or is above
 * `Number.MAX_SAFE_INTEGER`.
 */
export function parseNumber(text: string): number | undefined {
  let value: number;
  if (DECIMAL.test(text)) value = Number.parseInt(text, 10);
  else if (HEX.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (OCTAL.test(text)) value = Number.parseInt(text.slice(2), 8);
  else return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parses a dictionary number of any size, with an optional leading `-`
 * (used for VALUEs of `signed` attributes).
 *
 * @param text The column as written.
 * @returns The value, or `undefined` when the text is not a number.
 */
export function parseBigNumber(text: string): bigint | undefined {
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  let value: bigint;
  if (DECIMAL.test(digits)) value = BigInt(digits);
  else if (HEX.test(digits) || OCTAL.test(digits)) value = BigInt(digits.toLowerCase());
  else return undefined;
  return negative ? -value : value;
}
