/**
 * Value codecs: one entry per dictionary data type, turning JavaScript values
 * into the bytes of an attribute's Value field and back (RFC 2865 §5,
 * RFC 8044 for the type names and layouts).
 *
 * @module
 */
import { ValueError } from "../errors.ts";
import type { AttributeDef, AttributeType } from "../dictionary/model.ts";
import { isSecretAttribute } from "../secrets.ts";
import { abinaryCodec } from "./abinary.ts";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip.ts";
import type { Writer } from "./writer.ts";

/**
 * A nested TLV value: child attribute name → value, or several values.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type TlvValue } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.parse(`
 * ATTRIBUTE Config       192   tlv
 * ATTRIBUTE Config-Len   192.1 byte
 * ATTRIBUTE Config-Name  192.2 string
 * `);
 * const config: TlvValue = { "Config-Len": 8, "Config-Name": ["a", "b"] };
 * const packet = Packet.create(Code.AccountingRequest, dictionary, { "Config": config });
 * const decoded = Packet.decode(packet.encode("s3cret"), { dictionary });
 * assert.deepEqual(decoded.get("Config"), { "Config-Len": 8, "Config-Name": ["a", "b"] });
 * ```
 */
export interface TlvValue {
  /** A child attribute's value, or its values in order when repeated. */
  [name: string]: AttributeValue | AttributeValue[];
}

/**
 * A decoded attribute value. `string` for text, addresses and prefixes,
 * `number` (or a VALUE name) for integers, `bigint` for integer64, `boolean`
 * for bool, `Date` for date, `Uint8Array` for octets and for anything that did not decode as its
 * type, and {@linkcode TlvValue} for TLVs.
 *
 * @example Usage
 * ```ts
 * import { type AttributeValue, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * function show(value: AttributeValue): string {
 *   if (value instanceof Uint8Array) return `${value.length} bytes`;
 *   if (value instanceof Date) return value.toISOString();
 *   return typeof value === "object" ? "a TLV" : String(value);
 * }
 * const dictionary = Dictionary.default();
 * const datagram = Packet.create(Code.AccountingRequest, dictionary, {
 *   "Acct-Status-Type": 1,
 *   "Event-Timestamp": new Date(0),
 *   "Class": new Uint8Array(2),
 * }).encode("s3cret");
 * const shown = [...Packet.decode(datagram, { dictionary })].map(([, value]) => show(value));
 * assert.deepEqual(shown, ["Start", "1970-01-01T00:00:00.000Z", "2 bytes"]);
 * ```
 */
export type AttributeValue = string | number | bigint | boolean | Uint8Array | Date | TlvValue;

/** Encodes and decodes the Value field of one data type. */
export interface ValueCodec {
  /** Wire size of one value when fixed (used by `array`), else `undefined`. */
  readonly size: number | undefined;
  /** Appends the encoding of `value` to `out`; throws {@linkcode ValueError} if it does not fit. */
  write(value: unknown, def: AttributeDef, out: Writer): void;
  /**
   * Decodes `bytes[start..end)`; `undefined` when the bytes are not a valid
   * value of the type. Byte values are copies, or views into `bytes` when
   * `owned` (the decoder was handed the datagram). Which is cheaper differs:
   * Deno allocates every typed array with malloc, while JavaScriptCore pays
   * to give a fresh array its ArrayBuffer on its first `subarray()`.
   */
  read(
    bytes: Uint8Array,
    start: number,
    end: number,
    def: AttributeDef,
    owned: boolean,
  ): AttributeValue | undefined;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const scratch16 = new Uint8Array(16);

function fail(def: AttributeDef, value: unknown, reason: string): never {
  throw new ValueError(def.name, typeLabel(def), value, reason, {
    secret: isSecretAttribute(def),
  });
}

function typeLabel(def: AttributeDef): string {
  return def.size !== undefined ? `${def.type}[${def.size}]` : def.type;
}

/**
 * VALUE names as the dictionary spells them → numbers, per attribute: names
 * given as spelled are found without lowercasing (a new string to hash) first.
 */
const spelledValues = new WeakMap<AttributeDef, ReadonlyMap<string, number | bigint>>();
function spelledValueNumbers(def: AttributeDef): ReadonlyMap<string, number | bigint> {
  let map = spelledValues.get(def);
  if (map === undefined) {
    const built = new Map<string, number | bigint>();
    for (const [number, name] of def.valueNames) {
      // Only where the case-insensitive lookup agrees, so both ways give one answer.
      if (def.valueNumbers.get(name.toLowerCase()) === number) built.set(name, number);
    }
    spelledValues.set(def, built);
    map = built;
  }
  return map;
}

/** Integer-like input: a number, or a VALUE name of the attribute (case-insensitive). */
function toInteger(value: unknown, def: AttributeDef, min: number, max: number): number {
  let n: unknown = value;
  if (typeof value === "string") {
    n = spelledValueNumbers(def).get(value) ?? def.valueNumbers.get(value.toLowerCase());
    if (n === undefined) {
      if (/^(0x[0-9a-f]+|\d+)$/i.test(value)) n = Number(value);
      else {
        const known = [...def.valueNames.values()].slice(0, 8).map((v) => `"${v}"`).join(", ");
        fail(def, value, known ? `not a VALUE of ${def.name}; known: ${known}` : "not a number");
      }
    }
  }
  if (typeof n === "bigint") n = Number(n);
  if (typeof n !== "number" || !Number.isInteger(n)) fail(def, value, "expected an integer");
  if (n < min || n > max) fail(def, value, `must be ${min}..${max}`);
  return n;
}

function named(def: AttributeDef, n: number): number | string {
  return def.valueNames.size === 0 ? n : (def.valueNames.get(n) ?? n);
}

function unsigned(size: 1 | 2 | 4): ValueCodec {
  const max = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  return {
    size,
    write(value, def, out) {
      // A tagged integer keeps its tag in the first octet (RFC 2868 §3.1).
      const n = toInteger(value, def, 0, def.flags.hasTag && size === 4 ? 0xffffff : max);
      if (size === 4) out.u32(n);
      else if (size === 2) out.u16(n);
      else out.u8(n);
    },
    read(bytes, start, end, def) {
      if (end - start !== size) return undefined;
      let n = 0;
      for (let i = start; i < end; i++) n = n * 256 + bytes[i]!;
      return named(def, n);
    },
  };
}

const signed: ValueCodec = {
  size: 4,
  write(value, def, out) {
    out.u32(toInteger(value, def, -0x80000000, 0x7fffffff) >>> 0);
  },
  read(bytes, start, end, def) {
    if (end - start !== 4) return undefined;
    const n = ((bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) |
      bytes[start + 3]!) | 0;
    return named(def, n);
  },
};

const integer64: ValueCodec = {
  size: 8,
  write(value, def, out) {
    let n: bigint;
    if (typeof value === "bigint") n = value;
    else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === "string" && /^\d+$/.test(value)) n = BigInt(value);
    else if (typeof value === "string" && def.valueNumbers.has(value.toLowerCase())) {
      n = BigInt(def.valueNumbers.get(value.toLowerCase())!);
    } else fail(def, value, "expected a bigint or a safe integer");
    if (n < 0n || n > 0xffffffffffffffffn) fail(def, value, "must be 0..2^64-1");
    out.ensure(8);
    out.view.setBigUint64(out.pos, n);
    out.pos += 8;
  },
  read(bytes, start, end) {
    if (end - start !== 8) return undefined;
    return new DataView(bytes.buffer, bytes.byteOffset + start, 8).getBigUint64(0);
  },
};

/** Text FreeRADIUS accepts for a bool (`yes`/`no` is what it prints). */
const BOOL_WORDS: ReadonlyMap<string, boolean> = new Map([
  ["yes", true],
  ["true", true],
  ["1", true],
  ["no", false],
  ["false", false],
  ["0", false],
]);

const bool: ValueCodec = {
  size: 1,
  write(value, def, out) {
    // FreeRADIUS 3.2.9+ `bool`: one octet, 1 or 0 (src/lib/radius.c encodes `vp_byte & 1`).
    let truth: boolean | undefined;
    if (typeof value === "boolean") truth = value;
    else if (value === 0 || value === 1) truth = value === 1;
    else if (typeof value === "string") {
      truth = BOOL_WORDS.get(value.toLowerCase());
      if (truth === undefined) {
        const number = def.valueNumbers.get(value.toLowerCase());
        if (number !== undefined) truth = Number(number) !== 0;
      }
    }
    if (truth === undefined) fail(def, value, 'expected a boolean, 0 or 1, or "yes"/"no"');
    out.u8(truth ? 1 : 0);
  },
  read(bytes, start, end) {
    // Any non-zero octet is true, as FreeRADIUS decodes it.
    return end - start === 1 ? bytes[start] !== 0 : undefined;
  },
};

const date: ValueCodec = {
  size: 4,
  write(value, def, out) {
    // RFC 2865 §5: seconds since 1970-01-01 00:00 UTC, unsigned 32 bits.
    const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
    out.u32(toInteger(seconds, def, 0, 0xffffffff));
  },
  read(bytes, start, end) {
    if (end - start !== 4) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, 4);
    return new Date(view.getUint32(0) * 1000);
  },
};

function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const string: ValueCodec = {
  size: undefined,
  write(value, def, out) {
    if (typeof value === "string") out.utf8(value);
    else if (value instanceof Uint8Array) out.bytes(value);
    else fail(def, value, "expected a string (or a Uint8Array of raw bytes)");
  },
  read(bytes, start, end) {
    // Bytes that are not UTF-8 (for example a password revealed with the
    // wrong secret) stay bytes rather than becoming replacement characters.
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let text = "";
      for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
      return text;
    }
    try {
      return decoder.decode(bytes.subarray(start, end));
    } catch {
      return bytes.slice(start, end);
    }
  },
};

/**
 * The bytes an octets value given as text stands for: `0x`-prefixed hex, as
 * FreeRADIUS writes octets, or else the text's UTF-8 bytes.
 *
 * @throws {ValueError} for `0x` followed by anything but an even number of hex digits.
 */
export function octetsFromText(def: AttributeDef, text: string): Uint8Array {
  const hex = text.length >= 2 && text.charCodeAt(0) === 0x30 &&
    (text.charCodeAt(1) | 0x20) === 0x78;
  if (!hex) return utf8Bytes(text);
  const bytes = hexToBytes(text.slice(2));
  if (bytes === undefined) fail(def, text, "0x must be followed by an even number of hex digits");
  return bytes;
}

const textEncoder = new TextEncoder();

/** UTF-8 bytes of `text`; ASCII without a call into the runtime's TextEncoder. */
function utf8Bytes(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return textEncoder.encode(text);
    out[i] = c;
  }
  return out;
}

function octets(fixed: boolean): ValueCodec {
  return {
    size: undefined,
    write(value, def, out) {
      const start = out.pos;
      if (value instanceof Uint8Array) out.bytes(value);
      else if (typeof value === "string") out.bytes(octetsFromText(def, value));
      else fail(def, value, "expected a Uint8Array or a 0x-prefixed hex string");
      if (fixed && def.size !== undefined && out.pos - start !== def.size) {
        const length = out.pos - start;
        out.pos = start;
        fail(def, value, `must be exactly ${def.size} bytes, got ${length}`);
      }
    },
    read(bytes, start, end, def, owned) {
      if (fixed && def.size !== undefined && end - start !== def.size) return undefined;
      return owned ? bytes.subarray(start, end) : bytes.slice(start, end);
    },
  };
}

const ipaddr: ValueCodec = {
  size: 4,
  write(value, def, out) {
    out.ensure(4);
    if (typeof value !== "string" || !parseIPv4(value, out.buf, out.pos)) {
      fail(def, value, 'expected dotted-quad IPv4 text such as "192.0.2.1"');
    }
    out.pos += 4;
  },
  read(bytes, start, end) {
    return end - start === 4 ? formatIPv4(bytes, start) : undefined;
  },
};

const ipv6addr: ValueCodec = {
  size: 16,
  write(value, def, out) {
    out.ensure(16);
    if (typeof value !== "string" || !parseIPv6(value, out.buf, out.pos)) {
      fail(def, value, 'expected IPv6 text such as "2001:db8::1"');
    }
    out.pos += 16;
  },
  read(bytes, start, end) {
    return end - start === 16 ? formatIPv6(bytes, start) : undefined;
  },
};

const comboIp: ValueCodec = {
  size: undefined,
  write(value, def, out) {
    out.ensure(16);
    if (typeof value === "string" && parseIPv4(value, out.buf, out.pos)) out.pos += 4;
    else if (typeof value === "string" && parseIPv6(value, out.buf, out.pos)) out.pos += 16;
    else fail(def, value, "expected IPv4 or IPv6 address text");
  },
  read(bytes, start, end) {
    if (end - start === 4) return formatIPv4(bytes, start);
    if (end - start === 16) return formatIPv6(bytes, start);
    return undefined;
  },
};

function splitPrefix(value: unknown, def: AttributeDef, maxBits: number): [string, number] {
  if (typeof value !== "string") fail(def, value, 'expected "address/length" text');
  const slash = value.lastIndexOf("/");
  const address = slash === -1 ? value : value.slice(0, slash);
  const bits = slash === -1 ? maxBits : Number(value.slice(slash + 1));
  if (
    !Number.isInteger(bits) || bits < 0 || bits > maxBits ||
    (slash !== -1 && !/^\d+$/.test(value.slice(slash + 1)))
  ) {
    fail(def, value, `prefix length must be 0..${maxBits}`);
  }
  return [address, bits];
}

/** Zeroes the bits after the prefix length, as a prefix carries none (RFC 3162 §2.3). */
function maskBits(bytes: Uint8Array, start: number, totalBytes: number, bits: number): void {
  for (let i = 0; i < totalBytes; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    bytes[start + i]! &= (0xff00 >> keep) & 0xff;
  }
}

const ipv6prefix: ValueCodec = {
  size: undefined,
  write(value, def, out) {
    // RFC 3162 §2.3: Reserved, Prefix-Length, then only the octets the prefix needs.
    const [address, bits] = splitPrefix(value, def, 128);
    if (!parseIPv6(address, scratch16, 0)) {
      fail(def, value, 'expected IPv6 prefix text such as "2001:db8::/32"');
    }
    maskBits(scratch16, 0, 16, bits);
    out.u8(0);
    out.u8(bits);
    out.range(scratch16, 0, Math.ceil(bits / 8));
  },
  read(bytes, start, end) {
    // As FreeRADIUS 3.2 reads it (data2vp): 2..18 octets, a length of at most
    // 128; the Reserved octet is not checked, missing octets are zero and
    // bits past the length are shown as sent (RFC 3162 §2.3 has senders zero them).
    const length = end - start;
    if (length < 2 || length > 18) return undefined;
    const bits = bytes[start + 1]!;
    if (bits > 128) return undefined;
    scratch16.fill(0);
    scratch16.set(bytes.subarray(start + 2, end));
    return `${formatIPv6(scratch16)}/${bits}`;
  },
};

const ipv4prefix: ValueCodec = {
  size: undefined,
  write(value, def, out) {
    // RFC 6572 §3.5 layout: Reserved, Prefix-Length, 4 octets of prefix.
    const [address, bits] = splitPrefix(value, def, 32);
    if (!parseIPv4(address, scratch16, 0)) {
      fail(def, value, 'expected IPv4 prefix text such as "192.0.2.0/24"');
    }
    maskBits(scratch16, 0, 4, bits);
    out.u8(0);
    out.u8(bits);
    out.range(scratch16, 0, 4);
  },
  read(bytes, start, end) {
    // As FreeRADIUS 3.2 reads it (data2vp): all 6 octets (RFC 8044 §3.11), a
    // length of at most 32; the Reserved octet is not checked, and bits past
    // the length are shown as sent. (The shorter form pyrad sends, only the
    // octets the length needs, stays raw bytes, as in FreeRADIUS.)
    if (end - start !== 6) return undefined;
    const bits = bytes[start + 1]!;
    if (bits > 32) return undefined;
    return `${formatIPv4(bytes, start + 2)}/${bits}`;
  },
};

function hexGroups(
  size: number,
  group: number,
  separator: string,
  pattern: RegExp,
  example: string,
): ValueCodec {
  return {
    size,
    write(value, def, out) {
      const hex = typeof value === "string" && pattern.test(value)
        ? value.replace(/[^0-9a-fA-F]/g, "")
        : undefined;
      const bytes = hex === undefined ? undefined : hexToBytes(hex);
      if (bytes === undefined || bytes.length !== size) {
        fail(def, value, `expected text such as "${example}"`);
      }
      out.bytes(bytes);
    },
    read(bytes, start, end) {
      if (end - start !== size) return undefined;
      let text = "";
      for (let i = start; i < end; i++) {
        if (i > start && (i - start) % group === 0) text += separator;
        text += bytes[i]!.toString(16).padStart(2, "0");
      }
      return text;
    },
  };
}

/**
 * RFC 3162 §2.2 Framed-Interface-Id: 8 octets, written as FreeRADIUS writes
 * it, four 16-bit groups in hex without leading zeros (`%x:%x:%x:%x`), and
 * read from groups of 1 to 4 hex digits (or 16 digits in a row).
 */
const ifid: ValueCodec = {
  size: 8,
  write(value, def, out) {
    const groups = typeof value !== "string"
      ? undefined
      : /^[0-9a-fA-F]{16}$/.test(value)
      ? value.match(/..../g)!
      : /^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3}$/.test(value)
      ? value.split(":")
      : undefined;
    if (groups === undefined) fail(def, value, 'expected text such as "11:2233:4455:6677"');
    for (const group of groups) out.u16(parseInt(group, 16));
  },
  read(bytes, start, end) {
    if (end - start !== 8) return undefined;
    let text = "";
    for (let i = start; i < end; i += 2) {
      if (i > start) text += ":";
      text += ((bytes[i]! << 8) | bytes[i + 1]!).toString(16);
    }
    return text;
  },
};

/**
 * The codec of every leaf data type. Structural types (`tlv`, `vsa`,
 * `extended`, `long-extended`, `evs`) are framed by the attribute layer.
 */
export const valueCodecs: Readonly<Partial<Record<AttributeType, ValueCodec>>> = {
  string,
  octets: octets(true),
  abinary: abinaryCodec,
  ipaddr,
  ipv6addr,
  "combo-ip": comboIp,
  ipv4prefix,
  ipv6prefix,
  ifid,
  ether: hexGroups(6, 1, ":", /^[0-9a-fA-F]{2}([:-]?[0-9a-fA-F]{2}){5}$/, "00:11:22:33:44:55"),
  integer: unsigned(4),
  short: unsigned(2),
  byte: unsigned(1),
  signed,
  integer64,
  bool,
  date,
};
