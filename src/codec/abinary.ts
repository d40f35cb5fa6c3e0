/**
 * Ascend binary filters (dictionary type `abinary`: Ascend-Data-Filter,
 * Ascend-Call-Filter): the filter text FreeRADIUS reads and prints, and the
 * 32-octet (`ip`, `generic`) or 48-octet (`ipv6`) form Ascend NASes take.
 *
 * Written from FreeRADIUS 3.2's `src/lib/filters.c` (`ascend_parse_filter`
 * compiles, `print_abinary` prints). Where 3.2 cannot print what it compiles
 * — a generic filter prints as only `generic in forward` (its length check is
 * off by one), and the IPv6 type has no name in its type table and is
 * printed with the IPv4 port fields — the text is the one FreeRADIUS 4's
 * `src/protocols/radius/abinary.c` prints, so that it compiles back.
 *
 * Layout (all numbers in network order):
 *
 * ```text
 * every filter   0 type (0 generic, 1 ip, 2 ipx, 3 ipv6)  1 forward (1) / drop (0)
 *                2 in (1) / out (0)  3 fill
 * ip (32)        4 srcip[4]  8 dstip[4]  12 srcmask  13 dstmask  14 proto
 *                15 established  16 srcport[2]  18 dstport[2]
 *                20 srcport comparison  21 dstport comparison  22..31 zero
 * ipv6 (48)      4 srcip[16]  20 dstip[16]  36 srcprefix  37 dstprefix  38 proto
 *                39 established  40 srcport[2]  42 dstport[2]
 *                44 srcport comparison  45 dstport comparison  46..47 zero
 * generic (32)   4 offset[2]  6 length[2] (always 6)  8 more[2] (0 or 1)
 *                10 mask[6]  16 value[6]  22 "!=" (1) / "==" (0)  23..31 zero
 * ```
 *
 * Port comparisons: 0 none, 1 `<`, 2 `=`, 3 `>`, 4 `!=`.
 *
 * @module
 */
import { ValueError } from "../errors.ts";
import type { AttributeDef } from "../dictionary/model.ts";
import { formatIPv4, formatIPv6, parseIPv6 } from "./ip.ts";
import type { ValueCodec } from "./values.ts";

const GENERIC = 0;
const IP = 1;
const IPV6 = 3;

const TYPE_NAMES = ["generic", "ip", "ipx", "ipv6"];

/** filters.c `filterProtoName`: the protocol names it reads and prints. */
const PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ["tcp", 6],
  ["udp", 17],
  ["ospf", 89],
  ["icmp", 1],
  ["0", 0],
]);
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map(
  [...PROTOCOLS].map(([name, number]) => [number, name]),
);

/** filters.c `filterPortType`: port names it reads (it prints numbers). */
const PORTS: ReadonlyMap<string, number> = new Map([
  ["ftp-data", 20],
  ["ftp", 21],
  ["telnet", 23],
  ["smtp", 25],
  ["nameserver", 42],
  ["domain", 53],
  ["tftp", 69],
  ["gopher", 70],
  ["finger", 79],
  ["www", 80],
  ["kerberos", 88],
  ["hostname", 101],
  ["nntp", 119],
  ["ntp", 123],
  ["exec", 512],
  ["login", 513],
  ["cmd", 514],
  ["talk", 517],
]);

/** filters.c `filterCompare`, indexed by the number on the wire. */
const COMPARISONS = ["", "<", "=", ">", "!="];

const DIGITS = /^\d+$/;

/** Thrown by {@linkcode compileFilter} with what is wrong in the text. */
export class FilterSyntaxError extends SyntaxError {
  override name = "FilterSyntaxError";
}

function fail(reason: string): never {
  throw new FilterSyntaxError(reason);
}

/**
 * Compiles Ascend filter text to its binary form, reading what FreeRADIUS
 * 3.2's `ascend_parse_filter` reads: words separated by spaces, tabs or line
 * ends, keywords in any case, fields after the first three in any order.
 *
 * ```text
 * ip   in|out forward|drop [srcip A.B.C.D[/len]] [dstip A.B.C.D[/len]] [proto]
 *      [srcport <|=|>|!= port] [dstport <|=|>|!= port] [est]
 * ipv6 in|out forward|drop [srcip IPV6[/len]] [dstip IPV6[/len]] ...as ip
 * generic in|out forward|drop offset mask value [==|!=] [more]
 * ```
 *
 * Stricter than FreeRADIUS where it silently reads something else: an IPv4
 * address of fewer than four parts without `/len` (FreeRADIUS drops its last
 * part), more than four parts, and a protocol number over 255 (FreeRADIUS
 * keeps its low byte) are refused. IPX filters are not supported.
 *
 * @throws {FilterSyntaxError} saying what does not compile.
 */
export function compileFilter(text: string): Uint8Array {
  const words = text.split(/[ \t\r\n]+/).filter((word) => word !== "");
  if (words.length < 3) {
    fail('expected "ip|ipv6|generic in|out forward|drop …"');
  }
  const typeWord = words[0]!.toLowerCase();
  const type = typeWord === "ip"
    ? IP
    : typeWord === "ipv6"
    ? IPV6
    : typeWord === "generic"
    ? GENERIC
    : typeWord === "ipx"
    ? fail("IPX filters are not supported")
    : fail(`unknown filter type "${words[0]}"; expected ip, ipv6 or generic`);
  const out = new Uint8Array(type === IPV6 ? 48 : 32);
  out[0] = type;
  const direction = words[1]!.toLowerCase();
  if (direction !== "in" && direction !== "out") {
    fail(`unknown direction "${words[1]}"; expected in or out`);
  }
  out[2] = direction === "in" ? 1 : 0;
  const action = words[2]!.toLowerCase();
  if (action !== "forward" && action !== "drop") {
    fail(`unknown action "${words[2]}"; expected forward or drop`);
  }
  out[1] = action === "forward" ? 1 : 0;
  if (type === GENERIC) compileGeneric(words.slice(3), out);
  else compileIp(words.slice(3), out, type === IPV6);
  return out;
}

/** `ascend_parse_ip` and `ascend_parse_ipv6`: the fields after the action. */
function compileIp(words: readonly string[], out: Uint8Array, v6: boolean): void {
  const size = v6 ? 16 : 4;
  const maskAt = 4 + 2 * size; // srcmask; dstmask follows, then proto, established, ports
  const seen = new Set<string>();
  const once = (field: string) => {
    if (seen.has(field)) fail(`"${field}" given twice`);
    seen.add(field);
  };
  for (let i = 0; i < words.length;) {
    const word = words[i]!;
    const keyword = word.toLowerCase();
    if (keyword === "srcip" || keyword === "dstip") {
      once(keyword);
      const address = words[i + 1];
      if (address === undefined) fail(`"${keyword}" needs an address`);
      const src = keyword === "srcip";
      const at = src ? 4 : 4 + size;
      out[maskAt + (src ? 0 : 1)] = v6
        ? parseFilterIPv6(address, out, at)
        : parseFilterIPv4(address, out, at);
      i += 2;
    } else if (keyword === "srcport" || keyword === "dstport") {
      once(keyword);
      if (i + 2 >= words.length) fail(`"${keyword}" needs a comparison and a port`);
      const src = keyword === "srcport";
      const comparison = COMPARISONS.indexOf(words[i + 1]!);
      if (comparison < 1) {
        fail(`unknown comparison "${words[i + 1]}" after ${keyword}; expected <, =, > or !=`);
      }
      const port = words[i + 2]!;
      const number = DIGITS.test(port) ? Number(port) : PORTS.get(port.toLowerCase());
      if (number === undefined || number > 0xffff) {
        fail(`bad port "${port}" after ${keyword}; expected 0..65535 or a name such as www`);
      }
      const portAt = maskAt + 4 + (src ? 0 : 2);
      out[portAt] = number >> 8;
      out[portAt + 1] = number & 0xff;
      out[maskAt + 8 + (src ? 0 : 1)] = comparison;
      i += 3;
    } else if (keyword === "est") {
      once(keyword);
      out[maskAt + 3] = 1;
      i++;
    } else {
      if (seen.has("protocol")) {
        fail(`unexpected "${word}" (the protocol is already given)`);
      }
      seen.add("protocol");
      const number = DIGITS.test(word) ? Number(word) : PROTOCOLS.get(keyword);
      if (number === undefined || number > 255) {
        fail(`unknown protocol "${word}"; expected tcp, udp, icmp, ospf or a number 0..255`);
      }
      out[maskAt + 2] = number;
      i++;
    }
  }
}

/**
 * `ascend_parse_ipaddr`: writes the address and returns the mask length.
 * Missing parts are zero ("10/8" is 10.0.0.0/8); without `/len` (or with
 * `/0`) the mask is the address's class mask, 0 for 0.0.0.0.
 */
function parseFilterIPv4(text: string, out: Uint8Array, at: number): number {
  const bad = (why: string): never =>
    fail(`bad IPv4 address "${text}": ${why}; expected A.B.C.D or A.B.C.D/len`);
  const slash = text.indexOf("/");
  const parts = (slash === -1 ? text : text.slice(0, slash)).split(".");
  if (parts.length > 4) bad("more than four parts");
  if (slash === -1 && parts.length < 4) bad("fewer than four parts and no /len");
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    // An empty part is 0, as FreeRADIUS reads it.
    if (part !== "" && !DIGITS.test(part)) bad(`"${part}" is not a number`);
    const value = part === "" ? 0 : Number(part);
    if (value > 255) bad(`${part} is over 255`);
    out[at + k] = value;
  }
  let mask = 0;
  if (slash !== -1) {
    const length = text.slice(slash + 1);
    if (length !== "" && !DIGITS.test(length)) bad(`"/${length}" is not a mask length`);
    mask = length === "" ? 0 : Number(length);
    if (mask > 32) bad("the mask length is over 32");
  }
  if (mask !== 0) return mask;
  // filters.c: the classful default mask.
  const first = out[at]!;
  if ((first | out[at + 1]! | out[at + 2]! | out[at + 3]!) === 0) return 0;
  return first < 0x80 ? 8 : first < 0xc0 ? 16 : first < 0xe0 ? 24 : 32;
}

/**
 * `fr_pton6` as the ipv6 filter calls it: the address (`*` is `::/128`),
 * masked to the prefix length, which is 128 without `/len`.
 */
function parseFilterIPv6(text: string, out: Uint8Array, at: number): number {
  const bad = (why: string): never =>
    fail(`bad IPv6 address "${text}": ${why}; expected an IPv6 address or prefix`);
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  if (address === "*" && slash === -1) return 128; // the address stays zero
  if (!parseIPv6(address, out, at)) bad("not an IPv6 address");
  if (slash === -1) return 128;
  const length = text.slice(slash + 1);
  if (length !== "" && !DIGITS.test(length)) bad(`"/${length}" is not a prefix length`);
  const prefix = length === "" ? 0 : Number(length);
  if (prefix > 128) bad("the prefix length is over 128");
  for (let k = 0; k < 16; k++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * k));
    out[at + k]! &= (0xff00 >> keep) & 0xff;
  }
  return prefix;
}

/** `ascend_parse_generic`: offset, mask, value, then `==`/`!=` and `more`. */
function compileGeneric(words: readonly string[], out: Uint8Array): void {
  // "generic in forward" alone compiles to an all-zero filter, as in FreeRADIUS.
  if (words.length === 0) return;
  if (words.length < 3) fail("a generic filter needs an offset, a mask and a value");
  if (words.length > 5) fail(`unexpected "${words[5]}" after the generic filter`);
  const offset = words[0]!;
  if (!DIGITS.test(offset) || Number(offset) > 0xffff) {
    fail(`bad offset "${offset}"; expected 0..65535`);
  }
  out[4] = Number(offset) >> 8;
  out[5] = Number(offset) & 0xff;
  sixHexBytes(words[1]!, "mask", out, 10);
  sixHexBytes(words[2]!, "value", out, 16);
  out[7] = 6; // the length: the mask and value are always 6 octets
  let comparison = false;
  let more = false;
  for (const word of words.slice(3)) {
    const keyword = word.toLowerCase();
    if (keyword === "==" || keyword === "!=") {
      if (comparison) fail(`"${word}": the comparison is already given`);
      comparison = true;
      out[22] = keyword === "!=" ? 1 : 0;
    } else if (keyword === "more") {
      if (more) fail('"more" given twice');
      more = true;
      out[9] = 1;
    } else fail(`unexpected "${word}"; expected ==, != or more`);
  }
}

/**
 * `fr_hex2bin` into a 6-octet field: the first 12 characters must be hex
 * digits; FreeRADIUS ignores anything after them, and so does this.
 */
function sixHexBytes(text: string, field: string, out: Uint8Array, at: number): void {
  if (!/^[0-9a-f]{12}/i.test(text)) {
    fail(`bad ${field} "${text}"; expected 6 octets as 12 hex digits`);
  }
  for (let k = 0; k < 6; k++) out[at + k] = parseInt(text.slice(2 * k, 2 * k + 2), 16);
}

/**
 * The text FreeRADIUS prints for a binary filter (see the module notes for
 * generic and ipv6), or `undefined` where it prints the octets instead: a
 * wrong length, an unknown type, IPX, or a generic length over 6.
 */
export function printFilter(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): string | undefined {
  const type = bytes[start];
  const length = end - start;
  if (!((type === IP || type === GENERIC) && length === 32) && !(type === IPV6 && length === 48)) {
    return undefined;
  }
  let text = `${TYPE_NAMES[type]} ${bytes[start + 2]! & 1 ? "in" : "out"} ${
    bytes[start + 1]! & 1 ? "forward" : "drop"
  }`;
  if (type === GENERIC) {
    const u16 = (at: number) => (bytes[start + at]! << 8) | bytes[start + at + 1]!;
    const n = u16(6);
    if (n > 6) return undefined;
    text += ` ${u16(4)} ${hex(bytes, start + 10, n)} ${hex(bytes, start + 16, n)}`;
    text += bytes[start + 22] ? " !=" : " ==";
    if (u16(8) !== 0) text += " more";
    return text;
  }
  const size = type === IPV6 ? 16 : 4;
  const maskAt = start + 4 + 2 * size;
  text += printAddress("srcip", bytes, start + 4, size, bytes[maskAt]!);
  text += printAddress("dstip", bytes, start + 4 + size, size, bytes[maskAt + 1]!);
  text += ` ${PROTOCOL_NAMES.get(bytes[maskAt + 2]!) ?? "??"}`;
  text += printPort("srcport", bytes, maskAt + 4, bytes[maskAt + 8]!);
  text += printPort("dstport", bytes, maskAt + 6, bytes[maskAt + 9]!);
  if (bytes[maskAt + 3] !== 0) text += " est";
  return text;
}

/** ` srcip A/len`, or nothing for the zero address (print_abinary). */
function printAddress(
  name: string,
  bytes: Uint8Array,
  at: number,
  size: number,
  mask: number,
): string {
  let zero = true;
  for (let k = 0; k < size; k++) if (bytes[at + k] !== 0) zero = false;
  if (zero) return "";
  const address = size === 4 ? formatIPv4(bytes, at) : formatFilterIPv6(bytes, at);
  return ` ${name} ${address}/${mask}`;
}

/** ` dstport > N`, or nothing without a comparison (print_abinary). */
function printPort(name: string, bytes: Uint8Array, at: number, comparison: number): string {
  if (comparison === 0) return "";
  return ` ${name} ${COMPARISONS[comparison] ?? "??"} ${(bytes[at]! << 8) | bytes[at + 1]!}`;
}

/**
 * The filter text of a received value when it stands for exactly these
 * bytes — its printed text compiles back to them — else `undefined`, so that
 * the caller keeps (and re-sends) the bytes as they came.
 */
export function decodeFilter(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): string | undefined {
  const text = printFilter(bytes, start, end);
  if (text === undefined) return undefined;
  let compiled: Uint8Array;
  try {
    compiled = compileFilter(text);
  } catch {
    return undefined; // printed with "??", or a field the text cannot carry
  }
  if (compiled.length !== end - start) return undefined;
  for (let k = 0; k < compiled.length; k++) if (compiled[k] !== bytes[start + k]) return undefined;
  return text;
}

function hex(bytes: Uint8Array, at: number, n: number): string {
  let text = "";
  for (let k = 0; k < n; k++) text += bytes[at + k]!.toString(16).padStart(2, "0");
  return text;
}

/**
 * IPv6 text as glibc's `inet_ntop` writes it (FreeRADIUS's `fr_inet_ntop`):
 * RFC 5952, except that IPv4-compatible and IPv4-mapped addresses end in
 * dotted-quad text.
 */
function formatFilterIPv6(bytes: Uint8Array, at: number): string {
  let leadingZeros = 0;
  while (leadingZeros < 16 && bytes[at + leadingZeros] === 0) leadingZeros++;
  const group5 = (bytes[at + 10]! << 8) | bytes[at + 11]!;
  if (leadingZeros === 10 && group5 === 0xffff) return `::ffff:${formatIPv4(bytes, at + 12)}`;
  if (leadingZeros >= 12 && (bytes[at + 12]! | bytes[at + 13]!) !== 0) {
    return `::${formatIPv4(bytes, at + 12)}`;
  }
  return formatIPv6(bytes, at);
}

/**
 * The bytes an `abinary` value stands for: filter text compiled, `0x…` hex
 * as the octets it spells (FreeRADIUS's `value_data_from_str` reads both),
 * or a Uint8Array as it is.
 *
 * @throws {ValueError} naming what does not compile.
 */
export function filterBytes(def: AttributeDef, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const type = def.type;
  if (typeof value !== "string") {
    throw new ValueError(
      def.name,
      type,
      value,
      'expected filter text such as "ip in drop tcp dstport > 1023", 0x… hex or a Uint8Array',
    );
  }
  if (/^0x/i.test(value)) {
    const digits = value.slice(2);
    if (digits.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(digits)) {
      throw new ValueError(
        def.name,
        type,
        value,
        "0x must be followed by an even number of hex digits",
      );
    }
    const bytes = new Uint8Array(digits.length / 2);
    for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(digits.slice(2 * k, 2 * k + 2), 16);
    return bytes;
  }
  try {
    return compileFilter(value);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new ValueError(def.name, type, value, error.message, { cause: error });
  }
}

/**
 * What a packet holds for an `abinary` value given as text or bytes: the
 * filter text FreeRADIUS prints for its bytes, or the bytes when they do not
 * print as a filter — the same as a decoded packet holds.
 *
 * @throws {ValueError} for text that does not compile.
 */
export function filterValue(def: AttributeDef, value: unknown): string | Uint8Array {
  const bytes = filterBytes(def, value);
  return decodeFilter(bytes) ?? bytes;
}

/**
 * The value codec of `abinary`: writes {@linkcode filterBytes}, reads
 * {@linkcode decodeFilter} (`undefined`, hence the bytes as they came, for
 * anything that is not a filter FreeRADIUS prints and compiles back).
 */
export const abinaryCodec: ValueCodec = {
  size: undefined,
  write(value, def, out) {
    out.bytes(filterBytes(def, value));
  },
  read(bytes, start, end) {
    return decodeFilter(bytes, start, end);
  },
};
