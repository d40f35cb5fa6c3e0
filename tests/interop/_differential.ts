// The pieces of the differential test against FreeRADIUS 3.2's radclient
// (tests/interop/differential_radclient_test.ts): which attributes of
// Debian's dictionary tree can be drawn, fast-check arbitraries for their
// values (in radkit's input form and in radclient's text form), and one
// radclient exchange with a radkit-answering listener.
import { spawn } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { createSocket, type RemoteInfo } from "node:dgram";
import process from "node:process";
import fc from "fast-check";
import type { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";
import { type AttributeInput, Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { isNasFilterRule } from "../../src/codec/attribute.ts";
import { formatIPv4, formatIPv6 } from "../../src/codec/ip.ts";
import { SECRET, toHex } from "./codec_udp.ts";
import { freeradiusLines, printedBlocks } from "./_freeradius_print.ts";

/** The dictionary tree the differential tests draw from. */
export const TREE = "/usr/share/freeradius/dictionary";

/** One drawn attribute: the leaf definition, radkit's input and radclient's text. */
export interface Drawn {
  readonly name: string;
  readonly tag: number | undefined;
  /** The value as radkit's Packet.add() takes it (for a TLV leaf, without its parents). */
  readonly value: AttributeInput;
  /** The value as a radclient input file writes it. */
  readonly text: string;
}

/**
 * Attributes no draw contains, and why:
 * - Message-Authenticator (80) is computed by both sides, never printed as given;
 * - CHAP-Password is hashed by radclient from the clear text it prints;
 * - abinary (Ascend filters) have no text form in radkit yet (issue 13, item 6);
 * - radclient reads Packet-* and Digest-* as instructions, not as attributes;
 * - FreeRADIUS 3.2.1 neither encodes nor names the children of a TLV in the
 *   IETF space (IPv6-6rd-Configuration, RFC 6930): see dictionaries/DIFFERENCES.md.
 */
function drawable(def: AttributeDef): boolean {
  if (["tlv", "vsa", "extended", "long-extended", "evs", "abinary"].includes(def.type)) {
    return false;
  }
  if (def.flags.virtual) return false;
  if (def.vendor === undefined && def.parent === undefined && def.code > 255) return false;
  if (def.vendor === undefined && def.parent === undefined && [80, 3].includes(def.code)) {
    return false;
  }
  if (/^(Packet-|Digest-)/.test(def.name)) return false;
  for (let p = def.parent; p !== undefined; p = p.parent) {
    if (p.flags.virtual || (p.vendor === undefined && p.parent === undefined && p.code > 255)) {
      return false;
    }
    if (p.type === "tlv" && p.vendor === undefined && p.parent === undefined) return false;
  }
  return true;
}

/**
 * Every attribute of the dictionary a draw may contain, once each: of several
 * names for one number (aliases, and the numbers dictionary.*.illegal files
 * reuse) only the one radkit decodes that number to, since radclient prints
 * the name it was given in its "Sent" block.
 */
export function drawableDefs(
  dictionary: Dictionary,
  direction: Direction,
): AttributeDef[] {
  const seen = new Set<AttributeDef>();
  for (const def of dictionary.attributes()) {
    if (!drawable(def) || dictionary.byOid(def.oid) !== def) continue;
    // radclient cannot hide a salted (RFC 2868 §3.5) value in a request: it
    // refuses to send the packet ("No request packet, cannot encrypt").
    if (direction === "radclient encodes" && def.flags.encrypt === 2) continue;
    seen.add(def);
  }
  return [...seen];
}

const characters = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_/=+*!?@#%&()[]{}<>~^'\"\\",
  "é",
  "ß",
  "€",
  "中",
  "😀",
  "\n",
  "\t",
  "\r",
  "\u0000",
  "\u0001",
  "\u007f",
);

/** A string of `min`..`max` UTF-8 octets (controls included): mostly short, sometimes long. */
function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(characters, { minLength: min, maxLength: Math.min(max, 24) }),
    },
    { weight: 1, arbitrary: fc.array(characters, { minLength: min, maxLength: max }) },
  ).map((chars) => chars.join("")).filter((s) => {
    const n = new TextEncoder().encode(s).length;
    return n >= min && n <= max;
  });
}

/** A string in double quotes as radclient reads it. */
function quote(value: string): string {
  const escaped = value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')
    .replaceAll("\n", "\\n").replaceAll("\t", "\\t").replaceAll("\r", "\\r")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
  return `"${escaped}"`;
}

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

function masked(address: Uint8Array, bits: number): Uint8Array {
  return address.map((x, i) => x & ((0xff00 >> Math.max(0, Math.min(8, bits - 8 * i))) & 0xff));
}

/**
 * The longest value a drawn attribute gets: 253 octets minus the framing in
 * front of it (VSA header, extended type byte, tag), and 128 for
 * User-Password hiding (RFC 2865 §5.2); long-extended attributes and
 * `concat` ones may be longer than one attribute.
 */
function maxLength(def: AttributeDef): number {
  if (def.flags.encrypt === 1) return 128;
  if (def.flags.encrypt === 2) return 240;
  if (def.flags.encrypt === 3) return 16;
  let top = def;
  while (top.parent !== undefined) top = top.parent;
  // Long-extended (RFC 6929 §2.2), concat and WiMAX-continued values are
  // split over several attributes.
  if (top.type === "long-extended" || def.flags.concat || def.vendor?.continuation) return 600;
  let room = 253 - (def.flags.hasTag ? 1 : 0);
  if (def.vendor !== undefined) room -= 4 + def.vendor.typeLength + def.vendor.lengthLength;
  if (def.vendor?.continuation) room -= 1;
  for (let p = def.parent; p !== undefined; p = p.parent) room -= p.type === "evs" ? 5 : 2;
  return Math.max(1, Math.min(room, 200));
}

/** A value of `def`'s type, as [radkit input, radclient text]. */
function valueOf(def: AttributeDef): fc.Arbitrary<[AttributeInput, string]> {
  const hex = (b: Uint8Array) => `0x${toHex(b)}`;
  switch (def.type) {
    case "string": {
      const strings = text(1, maxLength(def));
      // A NUL ends a NAS-Filter-Rule (RFC 4849 §2): radkit refuses one inside a rule.
      return (isNasFilterRule(def) ? strings.filter((s) => !s.includes("\u0000")) : strings)
        .map((s) => [s, quote(s)]);
    }
    case "octets": {
      const n = def.size;
      return bytes(n ?? 1, n ?? maxLength(def)).map((b) => [b, hex(b)]);
    }
    case "ipaddr":
      return bytes(4, 4).map((b) => [formatIPv4(b), formatIPv4(b)]);
    case "ipv6addr":
      return bytes(16, 16).map((b) => [formatIPv6(b), formatIPv6(b)]);
    case "combo-ip":
      return fc.oneof(bytes(4, 4).map(formatIPv4), bytes(16, 16).map(formatIPv6)).map((
        s,
      ) => [s, s]);
    case "ipv4prefix":
      return fc.tuple(bytes(4, 4), fc.integer({ min: 0, max: 32 })).map(([b, bits]) => {
        const s = `${formatIPv4(masked(b, bits))}/${bits}`;
        return [s, s];
      });
    case "ipv6prefix":
      return fc.tuple(bytes(16, 16), fc.integer({ min: 0, max: 128 })).map(([b, bits]) => {
        const s = `${formatIPv6(masked(b, bits))}/${bits}`;
        return [s, s];
      });
    case "ifid":
      return bytes(8, 8).map((b) => {
        const s = [0, 2, 4, 6].map((i) => toHex(b.subarray(i, i + 2))).join(":");
        return [s, s];
      });
    case "ether":
      return bytes(6, 6).map((b) => {
        const s = [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
        return [s, s];
      });
    case "integer64":
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => [n, String(n)]);
    case "signed":
      return fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((n) => [n, String(n)]);
    case "date":
      return fc.integer({ min: 0, max: 0xffffffff }).map((s) => [new Date(s * 1000), String(s)]);
    default: {
      const max = def.type === "byte" ? 0xff : def.type === "short" ? 0xffff : 0xffffffff;
      // Tagged integers carry 24 bits after the tag octet (RFC 2868 §3.1).
      const top = def.flags.hasTag ? 0xffffff : max;
      const named = [...def.valueNames].filter(([n]) => Number(n) <= top);
      const number = fc.integer({ min: 0, max: top }).map((n): [AttributeInput, string] => [
        n,
        String(n),
      ]);
      if (named.length === 0) return number;
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(...named).map(([, name]): [AttributeInput, string] => [
            name,
            name,
          ]),
        },
        { weight: 1, arbitrary: number },
      );
    }
  }
}

/** One drawn attribute of `def`, with a tag for `has_tag` attributes. */
export function drawnOf(def: AttributeDef): fc.Arbitrary<Drawn> {
  const tag = def.flags.hasTag ? fc.option(fc.integer({ min: 1, max: 31 })) : fc.constant(null);
  // radclient reads a quoted value starting with ":" after a tag as a second
  // tag ("Duplicate tag"), so such values are not drawn for tagged attributes.
  return fc.tuple(valueOf(def), tag).filter(([[, text], t]) => t === null || !text.startsWith('":'))
    .map(([[value, text], t]) => ({
      name: def.name,
      tag: t ?? undefined,
      value,
      text,
    }));
}

/**
 * Where an attribute sits and how it is framed: IETF, a VSA of its vendor's
 * format, a TLV leaf, extended, long-extended, Extended-Vendor-Specific; with
 * its data type and its tag / hiding flags.
 */
function kind(def: AttributeDef): string {
  let top = def;
  while (top.parent !== undefined) top = top.parent;
  const vendor = def.vendor;
  const place = top.type === "extended" || top.type === "long-extended"
    ? `${top.type}${def.parent?.type === "evs" ? "-evs" : ""}`
    : vendor === undefined
    ? "ietf"
    : `vsa-${vendor.typeLength},${vendor.lengthLength}${vendor.continuation ? ",c" : ""}`;
  const leaf = def.parent?.type === "tlv" ? "-tlv" : "";
  const flags = `${def.flags.hasTag ? "-tag" : ""}${def.flags.encrypt ? "-hidden" : ""}` +
    (def.flags.concat ? "-concat" : "");
  return `${place}${leaf}/${def.type}${flags}`;
}

/**
 * 1..`maxCount` attributes drawn over `defs`. Each one first draws a kind
 * (see {@linkcode kind}), then an attribute of that kind, so that the rare
 * framings (WiMAX continuation, long-extended, EVS, TLVs, tags, hiding) come
 * up as often as the 3,000 plain integer VSAs.
 */
export function drawnSet(
  defs: AttributeDef[],
  maxCount: number,
  unknown?: fc.Arbitrary<Drawn>,
): fc.Arbitrary<Drawn[]> {
  const kinds = new Map<string, AttributeDef[]>();
  for (const def of defs) {
    const key = kind(def);
    kinds.set(key, [...(kinds.get(key) ?? []), def]);
  }
  const known = fc.constantFrom(...[...kinds.keys()].sort())
    .chain((key) => fc.constantFrom(...kinds.get(key)!))
    .chain(drawnOf);
  const one = unknown === undefined ? known : fc.oneof(
    { weight: 12, arbitrary: known },
    { weight: 1, arbitrary: unknown },
  );
  const byName = new Map(defs.map((def) => [def.name, def]));
  return fc.array(one, { minLength: 1, maxLength: maxCount })
    .map(withoutPasswordsBesideEap)
    .map((drawn) => withoutTlvListLoss(drawn, byName));
}

/**
 * FreeRADIUS 3.2's rad_data2vp_tlvs() (src/lib/radius.c, release_3_2_1 up
 * to the current v3.2.x) advances its list tail by one pair per child, so a
 * nested TLV child that decodes to several pairs loses all but its first
 * when a sibling follows it: radclient prints `84.9.5.8, 84.9.5.1, 84.9.9.2.2`
 * (MAC, IP, VLAN) back without the IP. radkit reads every pair; see
 * dictionaries/DIFFERENCES.md. A draw keeps one leaf under such a nested TLV
 * when its parent TLV holds other drawn leaves.
 */
function withoutTlvListLoss(drawn: Drawn[], byName: Map<string, AttributeDef>): Drawn[] {
  const leaves = (tlv: AttributeDef) =>
    drawn.filter((d) => {
      for (let p = byName.get(d.name)?.parent; p !== undefined; p = p.parent) {
        if (p === tlv) return true;
      }
      return false;
    });
  const dropped = new Set<Drawn>();
  for (const d of drawn) {
    for (let tlv = byName.get(d.name)?.parent; tlv !== undefined; tlv = tlv.parent) {
      const parent = tlv.parent;
      if (tlv.type !== "tlv" || parent?.type !== "tlv") continue;
      const inside = leaves(tlv).filter((leaf) => !dropped.has(leaf));
      const beside = leaves(parent).some((leaf) => !dropped.has(leaf) && !inside.includes(leaf));
      if (inside.length > 1 && beside) { for (const extra of inside.slice(1)) dropped.add(extra); }
    }
  }
  return drawn.filter((d) => !dropped.has(d));
}

/**
 * RFC 3579 §3.3: an Access-Request with EAP-Message carries no
 * User-Password, CHAP-Password or ARAP-Password; radclient refuses a packet
 * (our echo) that does.
 */
function withoutPasswordsBesideEap(drawn: Drawn[]): Drawn[] {
  if (!drawn.some((d) => d.name === "EAP-Message")) return drawn;
  return drawn.filter((d) => !["User-Password", "ARAP-Password"].includes(d.name));
}

/**
 * Attributes no dictionary defines, in radclient's raw `Attr-<oid>` form:
 * an IETF number, an unknown vendor and an unknown attribute of a known
 * vendor that Debian's tree leaves unassigned. (radclient 3.2.1 refuses to
 * send unknown extended ones: "rad_vp2rfctlv: attr is not a TLV"; those are
 * in {@linkcode rawAttributes}.) Only radclient can send them: radkit builds
 * attributes by name.
 */
export const unknownAttributes: fc.Arbitrary<Drawn> = fc.tuple(
  fc.constantFrom("Attr-93", "Attr-26.65000.1", "Attr-26.9.70"),
  bytes(1, 40),
).map(([name, value]) => ({ name, tag: undefined, value, text: `0x${toHex(value)}` }));

/** One attribute on the wire: Type, Length, then `body`. */
const attr = (type: number, ...body: number[]) => Uint8Array.of(type, body.length + 2, ...body);

/** The fixed Value length of each fixed-size data type. */
const FIXED: Readonly<Record<string, number>> = {
  ipaddr: 4,
  integer: 4,
  date: 4,
  signed: 4,
  short: 2,
  byte: 1,
  integer64: 8,
  ifid: 8,
  ether: 6,
  ipv6addr: 16,
  ipv4prefix: 6,
};

/**
 * Raw attributes, as wire bytes, that both sides must decode alike: unknown
 * IETF, vendor, extended, long-extended (also fragmented) and
 * Extended-Vendor-Specific attributes, and IETF attributes of a fixed-size
 * type with a Value of another length. Drawn items carry the bytes as
 * `value` and a description as `name`.
 */
export function rawAttributes(dictionary: Dictionary): fc.Arbitrary<Drawn> {
  const fixed = [...dictionary.attributes()].filter((def) =>
    def.vendor === undefined && def.parent === undefined && def.code < 241 &&
    FIXED[def.type] !== undefined && dictionary.standard(def.code) === def &&
    ![79, 80].includes(def.code) && !def.flags.hasTag && def.flags.encrypt === 0
  );
  const data = (max: number) => bytes(1, max).map((b) => [...b]);
  const vendor = [0, 0, 0xfd, 0xe8]; // 65000, unassigned
  const shapes: fc.Arbitrary<[string, Uint8Array[]]>[] = [
    fc.tuple(fc.constantFrom(93, 103, 110, 118), data(30)).map(([t, v]) => [
      `unknown IETF ${t}`,
      [attr(t, ...v)],
    ]),
    data(30).map((v) => ["unknown vendor 65000", [attr(26, ...vendor, 1, v.length + 2, ...v)]]),
    fc.tuple(fc.constantFrom(65000, 9, 311), data(30)).map(([id, v]) => [
      `vendor ${id} VSA whose sub-attribute length overruns it`,
      [attr(26, 0, 0, id >> 8, id & 0xff, 1, v.length + 3, ...v)],
    ]),
    // (An unknown Extended-Type of a short extended attribute, and a
    // fragmented unknown long-extended one, are left out: FreeRADIUS 3.2.1
    // names them by their parent with the headers in the value, radkit
    // `Attr-241.200` with the data alone; dictionaries/DIFFERENCES.md.)
    fc.tuple(fc.constantFrom(245, 246), data(30)).map(([t, v]) => [
      `unknown long-extended ${t}.200`,
      [attr(t, 200, 0, ...v)],
    ]),
    fc.tuple(fc.constantFrom(241, 242), data(30)).map(([t, v]) => [
      `unknown vendor in ${t}.26`,
      [attr(t, 26, ...vendor, 7, ...v)],
    ]),
    data(30).map((v) => ["unknown vendor in 245.26", [attr(245, 26, 0, ...vendor, 7, ...v)]]),
  ];
  // Prefixes (RFC 8044 §3.10-3.11): any Reserved octet, any Prefix-Length
  // (also too long), address fields shorter or longer than the prefix needs
  // and with bits set past it.
  const prefix = (code: number, name: string, maxAddress: number, maxBits: number) =>
    fc.tuple(
      fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
      fc.integer({ min: 0, max: maxBits + 1 }),
      bytes(0, maxAddress),
    ).map(([reserved, bits, address]): [string, Uint8Array[]] => [
      `${name} (reserved ${reserved}, /${bits}, ${address.length} address octets)`,
      [attr(code, reserved, bits, ...address)],
    ]);
  shapes.push(
    prefix(97, "Framed-IPv6-Prefix", 16, 128),
    prefix(155, "PMIP6-Home-IPv4-HoA", 5, 32),
  );
  if (fixed.length > 0) {
    shapes.push(
      fc.tuple(fc.constantFrom(...fixed), data(20)).filter(([def, v]) =>
        v.length !== FIXED[def.type]
      ).map(([def, v]) => [
        `${def.name} (${def.type}) with ${v.length} octets`,
        [attr(def.code, ...v)],
      ]),
    );
  }
  return fc.oneof(...shapes).map(([name, parts]) => {
    const wire = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      wire.set(part, at);
      at += part.length;
    }
    return { name, tag: undefined, value: wire, text: `0x${toHex(wire)}` };
  });
}

/** The init that adds a drawn attribute, nested in its TLV parents. */
export function addDrawn(packet: Packet, dictionary: Dictionary, drawn: Drawn): void {
  const def = dictionary.attribute(drawn.name)!;
  let name = def.name;
  let value: AttributeInput = drawn.tag === undefined
    ? drawn.value
    : { tag: drawn.tag, value: drawn.value as never };
  for (let p = def.parent; p !== undefined && p.type === "tlv"; p = p.parent) {
    value = { [name]: value as never };
    name = p.name;
  }
  packet.add(name, value as never);
}

/** A drawn attribute as a radclient input line. */
export function radclientLine(drawn: Drawn): string {
  return `${drawn.name}${drawn.tag === undefined ? "" : `:${drawn.tag}`} = ${drawn.text}`;
}

/**
 * Who encodes the compared attributes: radkit, radclient, or neither (raw
 * bytes from {@linkcode rawAttributes}, which both decode).
 */
export type Direction = "radkit encodes" | "radclient encodes" | "both decode";

/** What radclient and radkit printed for the same attributes. */
export interface Exchanged {
  /** radclient's lines (without Message-Authenticator, which each side computes). */
  readonly radclient: string[];
  /** radkit's lines for the same bytes. */
  readonly radkit: string[];
  /** radclient's output, for failure messages. */
  readonly output: string;
  /** The datagram whose attributes were compared, in hex. */
  readonly datagram: string;
}

const MESSAGE_AUTHENTICATOR = 80;
const EAP_MESSAGE = 79;

/** The RFC 2865 §3 Response Authenticator of a reply to `request`. */
function responseAuthenticator(reply: Uint8Array, request: Uint8Array): Uint8Array {
  const md5 = createHash("md5");
  md5.update(reply.subarray(0, 4));
  md5.update(request.subarray(4, 20));
  md5.update(reply.subarray(20));
  md5.update(new TextEncoder().encode(SECRET));
  return new Uint8Array(md5.digest());
}

/**
 * An Access-Accept that carries the attributes of `request` byte for byte, so
 * that radclient decodes what it encoded. A Message-Authenticator in the
 * request is replaced by the reply's own (RFC 3579 §3.2); so is one added
 * when the reply carries EAP-Message, without which radclient drops it.
 */
function echo(request: Uint8Array, extra: readonly Uint8Array[] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  let signed = false;
  for (let i = 20; i + 2 <= request.length && request[i + 1]! >= 2;) {
    const length = request[i + 1]!;
    if (request[i] === MESSAGE_AUTHENTICATOR || request[i] === EAP_MESSAGE) signed = true;
    if (request[i] !== MESSAGE_AUTHENTICATOR) parts.push(request.subarray(i, i + length));
    i += length;
  }
  parts.push(...extra);
  if (signed) parts.unshift(Uint8Array.of(MESSAGE_AUTHENTICATOR, 18, ...new Uint8Array(16)));
  const size = 20 + parts.reduce((n, p) => n + p.length, 0);
  const reply = new Uint8Array(size);
  reply.set([Code.AccessAccept, request[1]!, size >> 8, size & 0xff]);
  let at = 20;
  for (const part of parts) {
    reply.set(part, at);
    at += part.length;
  }
  if (signed) {
    reply.set(request.subarray(4, 20), 4);
    const hmac = createHmac("md5", SECRET).update(reply).digest();
    reply.set(new Uint8Array(hmac), 22);
  }
  reply.set(responseAuthenticator(reply, request), 4);
  return reply;
}

const withoutMessageAuthenticator = (line: string) => !line.startsWith("Message-Authenticator = ");

/**
 * One `radclient -x` Access-Request to a 127.0.0.1 listener (TZ=UTC, so that
 * dates print in UTC), in one of two directions:
 * - `"radkit encodes"`: radclient sends a bare request; radkit answers with an
 *   Access-Accept holding `drawn`; radclient's "Received" lines are compared
 *   with radkit's decoding of its own reply.
 * - `"radclient encodes"`: radclient sends `drawn` (its text form); radkit
 *   decodes that datagram, and the listener echoes its attributes back so
 *   that radclient prints its own decoding of the same bytes.
 * - `"both decode"`: `drawn` are raw attributes ({@linkcode rawAttributes});
 *   the listener answers with them and both sides decode that reply.
 */
export async function exchange(
  dictionary: Dictionary,
  direction: Direction,
  drawn: Drawn[],
): Promise<Exchanged> {
  try {
    return await exchangeOnce(dictionary, direction, drawn);
  } catch (error) {
    // A busy machine can delay the loopback exchange past radclient's
    // retries: try once more on a fresh socket before calling it a failure.
    if (!(error instanceof IncompleteExchange)) throw error;
    return await exchangeOnce(dictionary, direction, drawn);
  }
}

/** radclient gave up before it printed a reply. */
class IncompleteExchange extends Error {}

async function exchangeOnce(
  dictionary: Dictionary,
  direction: Direction,
  drawn: Drawn[],
): Promise<Exchanged> {
  const socket = createSocket("udp4");
  let compared: { datagram: Uint8Array; packet: Packet } | undefined;
  let failure: unknown;
  socket.on("error", (error) => (failure ??= error));
  socket.on("message", (message: Uint8Array, from: RemoteInfo) => {
    try {
      const datagram = new Uint8Array(message);
      const request = Packet.decode(datagram, { dictionary, secret: SECRET });
      let answer: Uint8Array;
      if (direction === "radkit encodes") {
        const reply = request.reply(Code.AccessAccept);
        for (const one of drawn) addDrawn(reply, dictionary, one);
        answer = reply.encode(SECRET);
        compared = {
          datagram: answer,
          packet: Packet.decode(answer, { dictionary, secret: SECRET, request }),
        };
      } else if (direction === "radclient encodes") {
        answer = echo(datagram);
        compared = { datagram, packet: request };
      } else {
        answer = echo(datagram, drawn.map((one) => one.value as Uint8Array));
        compared = {
          datagram: answer,
          packet: Packet.decode(answer, { dictionary, secret: SECRET, request }),
        };
      }
      socket.send(answer, from.port, from.address);
    } catch (error) {
      failure = error;
    }
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve(socket.address().port);
      });
    });
    const input = direction === "radclient encodes" && drawn.length > 0
      ? drawn.map(radclientLine).join(", ")
      : 'User-Name = "radkit"';
    const output = await runRadclient(port, `${input}\n`);
    if (failure !== undefined) throw failure;
    const received = printedBlocks(output, "Received");
    if (compared === undefined || received.length !== 1) {
      throw new IncompleteExchange(`radclient did not complete one exchange:\n${output}`);
    }
    return {
      radclient: received[0]!.lines.filter(withoutMessageAuthenticator),
      radkit: [...compared.packet.attributes()].flatMap(freeradiusLines).filter(
        withoutMessageAuthenticator,
      ),
      output,
      datagram: toHex(compared.datagram),
    };
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** radclient -x, one Access-Request, stdout and stderr together. */
function runRadclient(port: number, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "radclient",
      ["-x", "-r", "3", "-t", "3", `127.0.0.1:${port}`, "auth", SECRET],
      { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, TZ: "UTC" } },
    );
    let output = "";
    const decoder = new TextDecoder();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    child.stdout.on("data", (chunk: Uint8Array) => (output += decoder.decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (output += decoder.decode(chunk)));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
