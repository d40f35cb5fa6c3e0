// Shared plumbing of the secret scans: distinctive secret values, bad inputs
// built from them, and a check that no captured text carries one, as text or
// as hex.
import { inspect } from "node:util";
import type { AttributeDef } from "../../src/dictionary/model.ts";

/** A marker no radkit message contains by chance; every secret value below repeats it. */
export const MARK = "Zq7-S3cr3t!";
/** A number for secret attributes given a number: its digits must not show either. */
export const NUMBER_MARK = 7357913579;

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const MARK_BYTES = new TextEncoder().encode(MARK);
const MARK_HEX = hex(MARK_BYTES);

/** `MARK` repeated to `n` characters (cut on the last copy). */
export function secretText(n: number): string {
  return MARK.repeat(Math.ceil(n / MARK.length)).slice(0, n);
}

/** `MARK`'s bytes repeated to `n` bytes. */
export function secretBytes(n: number): Uint8Array {
  return new TextEncoder().encode(secretText(n));
}

/**
 * Where `text` carries a secret: the marker as text (also JSON-escaped: it
 * holds no character JSON escapes), its hex in either case, or the number
 * marker; `undefined` when it carries none.
 */
export function leak(text: string): string | undefined {
  if (text.includes(MARK.slice(0, 8))) return "the secret text";
  if (text.toLowerCase().includes(MARK_HEX.slice(0, 16))) return "the secret as hex";
  if (text.includes(String(NUMBER_MARK))) return "the secret number";
  return undefined;
}

/** Everything an error shows: message, String(), stack, inspect (with its cause) and JSON. */
export function errorTexts(error: unknown): string[] {
  const texts = [String(error), inspect(error, { depth: 6 })];
  if (error instanceof Error) {
    texts.push(error.message, error.stack ?? "");
    let cause: unknown = error.cause;
    for (let i = 0; i < 5 && cause !== undefined; i++) {
      texts.push(String(cause), inspect(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    try {
      texts.push(JSON.stringify(error) ?? "");
    } catch {
      // not serializable: the other forms cover it
    }
  }
  return texts;
}

/** Collects captured texts with what produced them, and reports the leaking ones. */
export class Capture {
  readonly texts: { where: string; text: string }[] = [];

  add(where: string, ...texts: string[]): void {
    for (const text of texts) this.texts.push({ where, text });
  }

  addError(where: string, error: unknown): void {
    this.add(where, ...errorTexts(error));
  }

  /** The captured texts that carry a secret, described (empty when none). */
  leaks(): string[] {
    const found: string[] = [];
    for (const { where, text } of this.texts) {
      const what = leak(text);
      if (what !== undefined) found.push(`${where}: ${what} in ${text.slice(0, 400)}`);
    }
    return found;
  }
}

/**
 * Bad inputs for a secret attribute, all built from the marker: too long
 * text and bytes, wrong types, bad hex, objects, arrays, bad tags, numbers.
 */
export function badValues(def: AttributeDef): unknown[] {
  const values: unknown[] = [
    secretText(MARK.length * 12 + 1), // 133: over User-Password's 128
    secretText(254),
    secretText(300),
    secretText(5000),
    secretBytes(300),
    secretBytes(5000),
    `0x${MARK_HEX}z`, // not hex
    `0x${MARK_HEX}1`, // odd number of digits
    `0x${MARK_HEX.repeat(30)}`, // too long as bytes
    NUMBER_MARK,
    BigInt(NUMBER_MARK),
    -NUMBER_MARK,
    { secret: secretText(20) },
    { [MARK]: 1 },
    [[secretText(20)]],
    [secretText(20), { nested: secretText(20) }],
    { tag: 99, value: secretText(20) },
    { tag: 1, valu: secretText(20) },
    { tag: 1, value: secretText(300) },
    { tag: 1, value: { x: secretText(20) } },
    new Date(NUMBER_MARK * 1000),
    true,
    null,
  ];
  if (def.size !== undefined) values.push(secretBytes(def.size + 1), secretText(def.size - 1));
  return values;
}
