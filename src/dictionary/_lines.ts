// Splits dictionary text into lines of whitespace-separated fields, the way
// FreeRADIUS's `str2argv` does: fields end at space, tab or CR, and a "#"
// anywhere starts a comment. One pass over the text, no per-line copies.

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** Reads the non-empty lines of a dictionary file, one at a time. */
export class Lines {
  readonly #text: string;
  #pos: number;
  #hash = -1;
  /** The 1-based number of the line {@linkcode Lines.next} returned last. */
  line = 0;

  /**
   * Starts reading a file's text.
   *
   * @param text The whole file; a leading byte-order mark is skipped.
   */
  constructor(text: string) {
    this.#text = text;
    this.#pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /**
   * Reads the next line that has any field.
   *
   * @returns Its fields (the keyword first), or `undefined` at the end.
   */
  next(): string[] | undefined {
    const text = this.#text;
    const length = text.length;
    while (this.#pos < length) {
      const start = this.#pos;
      let end = text.indexOf("\n", start);
      if (end < 0) end = length;
      this.#pos = end + 1;
      this.line++;
      if (this.#hash < start) {
        this.#hash = text.indexOf("#", start);
        if (this.#hash < 0) this.#hash = length;
      }
      const stop = this.#hash < end ? this.#hash : end;
      let fields: string[] | undefined;
      let i = start;
      while (i < stop) {
        let c = text.charCodeAt(i);
        if (c === SPACE || c === TAB || c === CR || c === LF) {
          i++;
          continue;
        }
        const from = i;
        do c = text.charCodeAt(++i); while (
          i < stop && c !== SPACE && c !== TAB && c !== CR && c !== LF
        );
        (fields ??= []).push(text.slice(from, i));
      }
      if (fields !== undefined) return fields;
    }
    return undefined;
  }
}
