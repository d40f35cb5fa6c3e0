import { readFileSync } from "node:fs";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

/** Bytes from hex text; spaces are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Hex text of bytes. */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** ASCII bytes. */
export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The codec test dictionary (tests/codec/fixtures/dictionary.test). */
export const testDictionary: Dictionary = Dictionary.parse(
  readFileSync(new URL("./fixtures/dictionary.test", import.meta.url), "utf8"),
  { filename: "dictionary.test" },
);
