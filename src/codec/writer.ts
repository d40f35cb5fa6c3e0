/**
 * A growable byte buffer written front to back. Encoders share module-level
 * writers so that building a packet allocates only the final copy.
 *
 * @module
 */

/** A reusable output buffer with a write position. */
export class Writer {
  /** The backing bytes; valid up to {@linkcode Writer.pos}. */
  buf: Uint8Array;
  /** A DataView over {@linkcode Writer.buf}. */
  view: DataView;
  /** Number of bytes written. */
  pos = 0;

  /** @param capacity Initial size in bytes. */
  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes after {@linkcode Writer.pos}. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  /** Appends one byte. */
  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Appends a big-endian 16-bit number. */
  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, value);
    this.pos += 2;
  }

  /** Appends a big-endian 32-bit number. */
  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value);
    this.pos += 4;
  }

  /** Appends all of `data`. */
  bytes(data: Uint8Array): void {
    // No optional range here: JavaScriptCore runs a loop whose bounds come
    // from a missing or undefined argument several times slower (16 bytes:
    // ~130 ns against ~15 ns), so whole arrays and ranges are separate calls.
    const length = data.length;
    this.ensure(length);
    if (length <= 64) {
      // A loop beats set() for the short values RADIUS is made of.
      const buf = this.buf;
      const pos = this.pos;
      for (let i = 0; i < length; i++) buf[pos + i] = data[i]!;
    } else {
      this.buf.set(data, this.pos);
    }
    this.pos += length;
  }

  /** Appends `data[start..end)`. */
  range(data: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    if (length <= 64) {
      const buf = this.buf;
      const offset = this.pos - start;
      for (let i = start; i < end; i++) buf[offset + i] = data[i]!;
    } else {
      this.buf.set(data.subarray(start, end), this.pos);
    }
    this.pos += length;
  }

  /** Appends a string as UTF-8 (ASCII without a TextEncoder call). */
  utf8(text: string): void {
    this.ensure(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = pos;
        this.bytes(encoder.encode(text.slice(i)));
        return;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  /** A copy of the bytes written so far. */
  copy(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const encoder = new TextEncoder();
