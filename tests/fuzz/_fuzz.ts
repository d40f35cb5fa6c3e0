// The decoder fuzzer: a dictionary with every attribute form, valid seed
// packets of every code built with Packet.create().encode(), structure-aware
// mutators (per attribute, not only per byte) and the invariant check. Shared
// by the fixed-seed test (decoder_fuzz_test.ts), the regression replay and
// the long run (run.ts, started by scripts/fuzz.mjs).
//
// Invariant: for any datagram, Packet.decode, checkRequest and checkResponse
// either succeed or throw MalformedPacketError, and finish within a time bound.
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { type AttributesInit, Packet } from "../../src/packet.ts";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import { Code, isRequest } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { MalformedPacketError } from "../../src/errors.ts";

export const SECRET = "fuzz-secret";
const SECRET_BYTES = new TextEncoder().encode(SECRET);

/** Forms the codec fixture lacks: more VSA formats, deep and long TLVs, tags in VSAs, concat. */
const EXTRA_DICTIONARY = `
VENDOR Fz22 2222 format=2,2
BEGIN-VENDOR Fz22
ATTRIBUTE Fz22-Text 513 string
ATTRIBUTE Fz22-Int 514 integer
END-VENDOR Fz22
VENDOR Fz40 4040 format=4,0
BEGIN-VENDOR Fz40
ATTRIBUTE Fz40-Octets 70000 octets
END-VENDOR Fz40
VENDOR Fz41 4141 format=4,1
BEGIN-VENDOR Fz41
ATTRIBUTE Fz41-Int 7 integer
END-VENDOR Fz41
VENDOR Fz21 2121 format=2,1
BEGIN-VENDOR Fz21
ATTRIBUTE Fz21-Addr 258 ipaddr
END-VENDOR Fz21
VENDOR Fz10 1010 format=1,0
BEGIN-VENDOR Fz10
ATTRIBUTE Fz10-Text 3 string
END-VENDOR Fz10
BEGIN-VENDOR Cisco
ATTRIBUTE Cisco-Tagged 8 string has_tag
ATTRIBUTE Cisco-Tag-Int 9 integer has_tag
END-VENDOR Cisco
BEGIN-VENDOR WiMAX
ATTRIBUTE WiMAX-TLV 2 tlv
ATTRIBUTE WiMAX-TLV-Text 2.1 string
ATTRIBUTE WiMAX-TLV-Int 2.2 integer
END-VENDOR WiMAX
BEGIN-VENDOR Test-EVS format=Extended-Vendor-Specific-1
ATTRIBUTE Test-EVS-Int 2 integer
END-VENDOR Test-EVS
ATTRIBUTE Deep-0 241.6 tlv
ATTRIBUTE Deep-1 241.6.1 tlv
ATTRIBUTE Deep-1-Int 241.6.2 integer
ATTRIBUTE Deep-2 241.6.1.1 tlv
ATTRIBUTE Deep-2-Text 241.6.1.2 string
ATTRIBUTE Deep-3 241.6.1.1.1 tlv
ATTRIBUTE Deep-3-Secret 241.6.1.1.2 string encrypt=2
ATTRIBUTE Deep-4 241.6.1.1.1.1 tlv
ATTRIBUTE Deep-5 241.6.1.1.1.1.1 octets
ATTRIBUTE Long-TLV 245.3 tlv
ATTRIBUTE Long-TLV-Text 245.3.1 string
ATTRIBUTE Long-TLV-Addr 245.3.2 ipv6addr
ATTRIBUTE Test-Concat 190 octets concat
ATTRIBUTE Test-IPv4-Array 191 ipaddr array
ATTRIBUTE Test-Date 192 date
ATTRIBUTE Test-Tag-Secret 193 string has_tag
`;

/** The codec fixture dictionary plus {@linkcode EXTRA_DICTIONARY}. */
export const fuzzDictionary: Dictionary = Dictionary.parse(
  readFileSync(new URL("../codec/fixtures/dictionary.test", import.meta.url), "utf8") +
    EXTRA_DICTIONARY,
  { filename: "dictionary.fuzz" },
);

/** Every packet code radkit names, and a few it does not. */
export const CODES: readonly number[] = [
  1,
  2,
  3,
  4,
  5,
  11,
  12,
  13,
  40,
  41,
  42,
  43,
  44,
  45,
  50,
  51,
  52,
  0,
  6,
  255,
];

const VENDOR_IDS = [9, 100, 16, 20, 24757, 12345, 311, 2222, 4040, 4141, 2121, 1010, 0, 0xffffffff];
const INTERESTING = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0xfe, 0xff];

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

/** Attribute groups; each seed holds one or all of them. */
const GROUPS: readonly AttributesInit<AnyAttributes>[] = [
  {
    "User-Name": "bob",
    "User-Password": "a password of some length",
    "CHAP-Password": bytes(17),
    "NAS-IP-Address": "192.0.2.1",
    "NAS-Port": 7,
    "Service-Type": "Framed-User",
    "Tunnel-Type": [{ tag: 1, value: "VLAN" }, { tag: 2, value: "L2TP" }],
    "Tunnel-Medium-Type": { tag: 1, value: "IEEE-802" },
    "Tunnel-Password": { tag: 1, value: "tunnel secret" },
    "Tunnel-Private-Group-Id": { tag: 1, value: "100" },
    "Tunnel-Server-Endpoint": "endpoint",
    "Test-Tag-Secret": { tag: 5, value: "tagged" },
    "Test-Secret3": "ascend",
    "NAS-IPv6-Address": "2001:db8::1",
    "Framed-Interface-Id": "0001:0002:0003:0004",
    "Framed-IPv6-Prefix": "2001:db8::/32",
    "Delegated-IPv6-Prefix": "2001:db8:1::/48",
    "Framed-IPv4-Prefix": "10.0.0.0/8",
    "Test-Octets-8": bytes(8),
    "Test-Signed": -5,
    "Test-Short": 513,
    "Test-Byte": 7,
    "Test-Integer64": 1n << 40n,
    "Test-Combo": "192.0.2.9",
    "Test-Ether": "00:11:22:33:44:55",
    "Test-Array-Short": [1, 2, 3],
    "Test-IPv4-Array": ["192.0.2.1", "192.0.2.2"],
    "Event-Timestamp": new Date(1_700_000_000_000),
    "Test-Date": new Date(0),
    "Proxy-State": ["ps1", "ps2"],
    "Class": bytes(30, 0x43),
  },
  {
    "Cisco-AVPair": ["shell:priv-lvl=15", "a=b"],
    "Cisco-Test-TLV": { "Cisco-Test-TLV-Name": "nested" },
    "Cisco-Tagged": { tag: 3, value: "tagged vsa" },
    "Cisco-Tag-Int": { tag: 4, value: 77 },
    "Test42-Text": "four-two",
    "TestV-TLV": { "TestV-TLV-Str": "v", "TestV-TLV-Int": 1 },
    "Test20-Text": "two-zero",
    "WiMAX-Capability": "w".repeat(300),
    "WiMAX-TLV": { "WiMAX-TLV-Text": ["x".repeat(200), "y".repeat(200)], "WiMAX-TLV-Int": 9 },
    "MS-MPPE-Send-Key": bytes(32, 0x4b),
    "Fz22-Text": "two-two",
    "Fz22-Int": 22,
    "Fz40-Octets": bytes(40, 0x40),
    "Fz41-Int": 41,
    "Fz21-Addr": "192.0.2.21",
    "Fz10-Text": "one-zero",
  },
  {
    "Ext-Integer": 5,
    "Ext-TLV": { "Ext-TLV-Integer": 7 },
    "Test-EVS-Text": "evs",
    "Test-EVS-Int": 12,
    "Deep-0": {
      "Deep-1": {
        "Deep-2": { "Deep-3": { "Deep-4": { "Deep-5": bytes(3) } }, "Deep-3-Secret": "deep" },
        "Deep-2-Text": "t",
      },
      "Deep-1-Int": 3,
    },
    "Long-String": "L".repeat(700),
    "Long-Octets": bytes(600, 0x6f),
    "Long-TLV": { "Long-TLV-Text": ["z".repeat(200), "q".repeat(200)], "Long-TLV-Addr": "::1" },
  },
  {
    "EAP-Message": bytes(700, 0x45),
    "Test-Concat": bytes(300, 0x63),
    "State": bytes(16, 0x53),
  },
];

/** A seed: valid datagram bytes and, for a reply, the request it answers. */
export interface Seed {
  readonly bytes: Uint8Array;
  readonly request: Packet | undefined;
}

function buildSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const every = Object.assign({}, ...GROUPS.map((group, i) => i === 1 ? {} : group));
  const groups = [...GROUPS, every, {}];
  for (const code of CODES.filter((c) => c !== 0 && c !== 6 && c !== 255)) {
    for (const attributes of groups) {
      if (isRequest(code)) {
        const packet = Packet.create(code as Code, fuzzDictionary, attributes);
        seeds.push({ bytes: packet.encode(SECRET), request: undefined });
      } else {
        const request = Packet.create(Code.AccessRequest, fuzzDictionary, { "User-Name": "r" });
        request.encode(SECRET);
        const reply = request.reply(code as Code, attributes);
        seeds.push({ bytes: reply.encode(SECRET), request });
      }
    }
  }
  return seeds;
}

/** Valid datagrams of every code and every attribute form. */
export const SEEDS: readonly Seed[] = buildSeeds();

/** A tiny deterministic PRNG (mulberry32). */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** A top-level attribute: offset and length in the datagram. */
interface Span {
  readonly at: number;
  readonly length: number;
}

/** The top-level attributes while they frame, up to the Length field (or the datagram end). */
function spans(data: Uint8Array): Span[] {
  const out: Span[] = [];
  if (data.length < 20) return out;
  const end = Math.min(data.length, (data[2]! << 8) | data[3]!);
  for (let p = 20; p + 2 <= end;) {
    const length = data[p + 1]!;
    if (length < 2 || p + length > end) break;
    out.push({ at: p, length });
    p += length;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function setLength(data: Uint8Array, length: number): Uint8Array {
  if (data.length >= 4) {
    data[2] = (length >> 8) & 0xff;
    data[3] = length & 0xff;
  }
  return data;
}

/** The datagram with its Length field made true (capped at 4096), so decoding goes past the header. */
function fixLength(data: Uint8Array): Uint8Array {
  return setLength(data, Math.min(data.length, 4096));
}

/** A header (code, id, authenticator) from a seed, then `body`, with a true Length. */
function withHeader(header: Uint8Array, body: Uint8Array): Uint8Array {
  const out = concat([header.subarray(0, 20), body]);
  return setLength(out, out.length);
}

function attr(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + value.length);
  out[0] = type;
  out[1] = out.length;
  out.set(value, 2);
  return out;
}

function vsa(vendor: number, body: Uint8Array): Uint8Array {
  const value = new Uint8Array(4 + body.length);
  new DataView(value.buffer).setUint32(0, vendor >>> 0);
  value.set(body, 4);
  return attr(26, value);
}

/** Bytes of one random attribute that frames at the top level but may be anything inside. */
function randomAttribute(rng: Random): Uint8Array {
  const kind = rng.int(6);
  if (kind === 0) {
    // A VSA of a known vendor, its sub-attributes in a random one of the formats.
    const vendor = rng.pick(VENDOR_IDS);
    const subs: Uint8Array[] = [];
    for (let i = rng.int(4); i >= 0; i--) {
      const t = rng.pick([1, 2, 4]);
      const l = rng.pick([0, 1, 2]);
      const value = rng.bytes(rng.int(12));
      const sub = new Uint8Array(t + l + value.length);
      sub[t - 1] = rng.pick([1, 2, 3, 5, 7, 8, 9, rng.int(256)]);
      if (t === 2) sub[0] = rng.pick([0, 1, 2]);
      const length = rng.chance(0.8) ? sub.length : rng.pick(INTERESTING);
      if (l === 1) sub[t] = length;
      if (l === 2) sub[t + 1] = length;
      if (l === 1 && vendor === 24757) {
        // WiMAX: the continuation octet after the length.
        const wimax = new Uint8Array(sub.length + 1);
        wimax.set(sub.subarray(0, 2));
        wimax[1] = wimax.length;
        wimax[2] = rng.pick([0, 0x80, rng.int(256)]);
        wimax.set(sub.subarray(2), 3);
        subs.push(wimax);
      } else {
        subs.push(sub);
      }
    }
    return vsa(vendor, concat(subs).subarray(0, 249));
  }
  if (kind === 1) {
    // Extended or long-extended with a random Extended-Type and flags.
    const type = rng.pick([241, 242, 245, 246]);
    const long = type >= 245;
    const head = long
      ? [rng.pick([1, 2, 3, 5, 6, 26, rng.int(256)]), rng.pick([0, 0x80, rng.int(256)])]
      : [rng.pick([1, 5, 6, 26, rng.int(256)])];
    let body = rng.bytes(rng.int(40));
    if (head[0] === 26 && rng.chance(0.7)) {
      // EVS: Vendor-Id, Vendor-Type, value.
      body = concat([Uint8Array.of(0, 0, 0x30, 0x39, rng.pick([1, 2, rng.int(256)])), body]);
    }
    return attr(type, concat([Uint8Array.from(head), body]));
  }
  if (kind === 2) {
    // A TLV tree with random children.
    const children: Uint8Array[] = [];
    for (let i = rng.int(5); i >= 0; i--) {
      const child = attr(rng.pick([1, 2, rng.int(256)]), rng.bytes(rng.int(8)));
      if (rng.chance(0.2)) child[1] = rng.pick(INTERESTING);
      children.push(child);
    }
    const inside = concat(children);
    return rng.chance(0.5)
      ? attr(241, concat([Uint8Array.of(rng.pick([5, 6])), inside]))
      : vsa(rng.pick([9, 16, 24757]), attr(rng.pick([3, 5, 2]), inside));
  }
  // A standard attribute of a random defined (or undefined) type with random bytes.
  const type = rng.pick([
    1,
    2,
    3,
    4,
    8,
    25,
    27,
    33,
    55,
    64,
    67,
    69,
    79,
    80,
    95,
    96,
    97,
    123,
    170,
    180,
    181,
    182,
    183,
    184,
    185,
    186,
    187,
    188,
    190,
    191,
    192,
    193,
    rng.int(256),
  ]);
  const size = rng.pick([0, 1, 2, 3, 4, 5, 6, 8, 16, 17, 18, 32, rng.int(254)]);
  return attr(type, rng.bytes(Math.min(size, 253)));
}

/** A long-extended chain of `count` fragments, with optional lies in the flags. */
function longChain(rng: Random, count: number): Uint8Array {
  const type = rng.pick([245, 246]);
  const extType = rng.pick([1, 2, 3, rng.int(256)]);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const size = rng.chance(0.8) ? 251 : rng.int(252);
    const fragment = new Uint8Array(4 + size);
    fragment[0] = type;
    fragment[1] = fragment.length;
    fragment[2] = rng.chance(0.97) ? extType : rng.int(256);
    fragment[3] = i < count - 1 ? 0x80 : 0;
    if (rng.chance(0.05)) fragment[3] ^= 0x80;
    if (rng.chance(0.02)) fragment[0] = rng.pick([241, 246, 26, 1]);
    for (let j = 4; j < fragment.length; j++) fragment[j] = 0x41 + (j % 26);
    parts.push(fragment);
  }
  return concat(parts);
}

/** A TLV nested `depth` levels in an extended attribute (at most 125 in 255 bytes). */
function deepTlv(rng: Random, depth: number): Uint8Array {
  let inner: Uint8Array = rng.bytes(rng.int(6));
  for (let i = 0; i < depth; i++) {
    inner = attr(rng.chance(0.9) ? 1 : rng.pick([2, rng.int(256)]), inner);
    if (rng.chance(0.03)) inner[1] = rng.pick(INTERESTING);
  }
  const top = rng.chance(0.7)
    ? attr(241, concat([Uint8Array.of(6), inner.subarray(0, 252)]))
    : attr(245, concat([Uint8Array.of(3, 0), inner.subarray(0, 251)]));
  return top;
}

/** Filler attributes (any kind) until the body reaches `size` bytes exactly. */
function fill(rng: Random, body: Uint8Array, size: number): Uint8Array {
  const parts = [body];
  let total = body.length;
  while (total < size) {
    const left = size - total;
    let next: Uint8Array;
    if (left < 2) {
      next = Uint8Array.of(rng.int(256)); // only when the body given did not frame
    } else if (left <= 255) {
      next = attr(rng.pick([25, 18, 26, 200, 79]), rng.bytes(left - 2));
    } else {
      // Never leave one byte over: it could not frame.
      const piece = rng.chance(0.5) ? randomAttribute(rng) : new Uint8Array(0);
      next = piece.length >= 2 && piece.length <= left - 2
        ? piece
        : attr(25, rng.bytes(Math.min(255, left - 2) - 2));
    }
    parts.push(next);
    total += next.length;
  }
  return concat(parts);
}

type Mutator = (data: Uint8Array, rng: Random) => Uint8Array;

const seedBytes = () => SEEDS.map((seed) => seed.bytes);

/** Structure-aware and byte-level mutators, by name. */
export const MUTATORS: Readonly<Record<string, Mutator>> = {
  bitFlip(data, rng) {
    for (let i = 1 + rng.int(8); i > 0 && data.length > 0; i--) {
      data[rng.int(data.length)]! ^= 1 << rng.int(8);
    }
    return rng.chance(0.5) ? fixLength(data) : data;
  },
  byteSet(data, rng) {
    for (let i = 1 + rng.int(4); i > 0 && data.length > 0; i--) {
      data[rng.int(data.length)] = rng.chance(0.7) ? rng.pick(INTERESTING) : rng.int(256);
    }
    return rng.chance(0.5) ? fixLength(data) : data;
  },
  truncate(data, rng) {
    const cut = data.subarray(0, rng.int(data.length + 1)).slice();
    return rng.chance(0.7) ? fixLength(cut) : cut;
  },
  trailingBytes(data, rng) {
    const out = concat([data, rng.bytes(1 + rng.int(64))]);
    return rng.chance(0.3) ? fixLength(out) : out;
  },
  packetLengthLie(data, rng) {
    const lies = [0, 1, 19, 20, 21, data.length - 1, data.length + 1, 4095, 4096, 4097, 0xffff];
    return setLength(data, rng.chance(0.8) ? rng.pick(lies) : rng.int(0x10000));
  },
  attributeLengthLie(data, rng) {
    const all = spans(data);
    if (all.length === 0) return data;
    const span = rng.pick(all);
    data[span.at + 1] = rng.pick([
      0,
      1,
      2,
      3,
      span.length - 1,
      span.length + 1,
      span.length + 2,
      255,
      rng.int(256),
    ]) & 0xff;
    return data;
  },
  innerLengthLie(data, rng) {
    // A length byte inside a VSA, extended attribute or TLV: walk the value as
    // type-length pairs from the offsets where sub-attributes start.
    const inner = spans(data).filter((s) => [26, 241, 242, 245, 246].includes(data[s.at]!));
    if (inner.length === 0) return data;
    const span = rng.pick(inner);
    const starts = data[span.at] === 26 ? [6, 7, 8, 9, 10] : [3, 4, 5];
    const positions: number[] = [];
    const end = span.at + span.length;
    for (const start of starts) {
      for (let p = span.at + start; p + 1 < end;) {
        positions.push(p + 1);
        const length = data[p + 1]!;
        if (length < 2) break;
        p += length;
      }
    }
    if (positions.length === 0) return data;
    const at = rng.pick(positions);
    data[at] = rng.pick([0, 1, 2, 3, 4, 5, end - at + 1, end - at + 2, 255, rng.int(256)]) & 0xff;
    return data;
  },
  flagFlip(data, rng) {
    // The long-extended "M" bit, the WiMAX continuation bit, a tag octet.
    const all = spans(data);
    if (all.length === 0) return data;
    const span = rng.pick(all);
    const type = data[span.at]!;
    if ((type === 245 || type === 246) && span.length > 3) data[span.at + 3]! ^= 0x80;
    else if (type === 26 && span.length > 8) data[span.at + 8]! ^= 0x80;
    else if (span.length > 2) data[span.at + 2] = rng.pick([0, 0x1f, 0x20, 0xff]);
    return data;
  },
  retype(data, rng) {
    // The same value under another container: a VSA read as extended, a vendor as another.
    const all = spans(data);
    if (all.length === 0) return data;
    const span = rng.pick(all);
    if (data[span.at] === 26 && span.length >= 6 && rng.chance(0.6)) {
      new DataView(data.buffer, data.byteOffset).setUint32(span.at + 2, rng.pick(VENDOR_IDS));
    } else if ([241, 245].includes(data[span.at]!) && span.length >= 3 && rng.chance(0.5)) {
      data[span.at + 2] = rng.pick([1, 2, 3, 5, 6, 26, rng.int(256)]);
    } else {
      data[span.at] = rng.pick([26, 241, 242, 245, 246, 2, 69, 79, 80, 187, 190, rng.int(256)]);
    }
    return data;
  },
  insertAttribute(data, rng) {
    const all = spans(data);
    const at = all.length === 0 ? Math.min(20, data.length) : rng.pick(all).at;
    const donor = rng.chance(0.5) ? randomAttribute(rng) : (() => {
      const seed = rng.pick(seedBytes());
      const donors = spans(seed);
      const span = donors.length > 0 ? rng.pick(donors) : { at: 20, length: 0 };
      return seed.subarray(span.at, span.at + span.length);
    })();
    return fixLength(concat([data.subarray(0, at), donor, data.subarray(at)]));
  },
  duplicateAttribute(data, rng) {
    const all = spans(data);
    if (all.length === 0) return data;
    const span = rng.pick(all);
    const copy = data.subarray(span.at, span.at + span.length);
    const times = rng.pick([1, 1, 2, 5, 20]);
    const where = rng.chance(0.5) ? span.at : data.length;
    return fixLength(
      concat([data.subarray(0, where), ...Array(times).fill(copy), data.subarray(where)]),
    );
  },
  removeAttribute(data, rng) {
    const all = spans(data);
    if (all.length === 0) return data;
    const span = rng.pick(all);
    return fixLength(
      concat([data.subarray(0, span.at), data.subarray(span.at + span.length)]),
    );
  },
  swapAttributes(data, rng) {
    const all = spans(data);
    if (all.length < 2) return data;
    const a = rng.int(all.length);
    const b = rng.int(all.length);
    const parts = all.map((s) => data.subarray(s.at, s.at + s.length));
    [parts[a], parts[b]] = [parts[b]!, parts[a]!];
    const last = all.at(-1)!;
    return concat([data.subarray(0, 20), ...parts, data.subarray(last.at + last.length)]);
  },
  setCode(data, rng) {
    if (data.length > 0) data[0] = rng.chance(0.9) ? rng.pick(CODES) : rng.int(256);
    return data;
  },
  randomAttributes(data, rng) {
    const parts: Uint8Array[] = [];
    for (let i = rng.int(12); i >= 0; i--) parts.push(randomAttribute(rng));
    return withHeader(data, concat(parts).subarray(0, 4076));
  },
  deepTlv(data, rng) {
    return withHeader(data, deepTlv(rng, rng.pick([1, 5, 6, 7, 20, 60, 124, 125, 126])));
  },
  longExtendedChain(data, rng) {
    return withHeader(
      data,
      longChain(rng, rng.pick([1, 2, 3, 8, 15, 16, 17, 40])).subarray(0, 4200),
    );
  },
  boundary(data, rng) {
    // Packets of exactly 4095, 4096 and 4097 bytes (the Length field telling the truth).
    const size = rng.pick([4095, 4096, 4097]);
    const all0 = spans(data).filter((s) => s.at + s.length <= 20 + 600);
    const cut = all0.length > 0 ? rng.pick(all0) : undefined;
    const body = data.subarray(20, cut === undefined ? 20 : cut.at + cut.length);
    const out = withHeader(data, fill(rng, body, size - 20).subarray(0, size - 20));
    return rng.chance(0.2) ? concat([out, rng.bytes(rng.int(8))]) : out;
  },
  randomBytes(_data, rng) {
    const length = rng.pick([0, 1, 19, 20, 21, 38, rng.int(64), rng.int(300), rng.int(4200)]);
    const out = rng.bytes(length);
    return rng.chance(0.5) ? fixLength(out) : out;
  },
};

const NAMES = Object.keys(MUTATORS);
const STACKABLE = NAMES.filter((n) => !["randomBytes", "boundary"].includes(n));

/** One fuzz input: a mutated seed (or random bytes), and how it was made. */
export interface Input {
  readonly data: Uint8Array;
  readonly seed: Seed;
  readonly how: string;
}

/** Makes input number `n` of a run: deterministic for (runSeed, n). */
export function makeInput(runSeed: number, n: number): Input {
  const rng = new Random((Math.imul(runSeed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0);
  const seed = rng.pick(SEEDS);
  let data: Uint8Array = seed.bytes.slice();
  const steps: string[] = [];
  const count = rng.chance(0.6) ? 1 : 2 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const name = i === 0 ? rng.pick(NAMES) : rng.pick(STACKABLE);
    steps.push(name);
    data = MUTATORS[name]!(data, rng);
  }
  return { data, seed, how: steps.join("+") };
}

/** A broken invariant: what threw (or took too long) and the input as hex. */
export interface Failure {
  readonly hex: string;
  readonly how: string;
  readonly operation: string;
  readonly error: string;
}

export function toHex(data: Uint8Array): string {
  let hex = "";
  for (const byte of data) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

const defaultDictionary: Dictionary = Dictionary.default();
const defaultRequest = (() => {
  const request = Packet.create(Code.AccessRequest, fuzzDictionary, { "User-Name": "r" });
  request.encode(SECRET);
  return request;
})();

/** Reads everything a caller could read from a decoded packet. */
function touch(packet: Packet): void {
  packet.toJSON();
  for (const attribute of packet.attributes()) void attribute.raw;
  packet.get("User-Password");
  packet.getAll("Tunnel-Password");
  packet.has("Message-Authenticator");
}

type Operation = readonly [string, (data: Uint8Array, seed: Seed) => void];

/**
 * The operations a server or client runs on network input. Each may only
 * succeed or throw MalformedPacketError. The first three run on every input,
 * one of the last three in turn (to keep 50,000 inputs within seconds).
 */
const OPERATIONS: readonly Operation[] = [
  ["decode+secret", (data, seed) =>
    touch(Packet.decode(data, {
      dictionary: fuzzDictionary,
      secret: SECRET,
      ...(seed.request !== undefined ? { request: seed.request } : {}),
    }))],
  ["checkRequest(required)", (data) => void checkRequest(data, SECRET_BYTES, true)],
  ["checkResponse", (data, seed) =>
    void checkResponse(
      data,
      SECRET_BYTES,
      (seed.request ?? defaultRequest).authenticator,
      seed.request === undefined,
    )],
  ["decode", (data) => touch(Packet.decode(data, { dictionary: fuzzDictionary }))],
  ["decode-default-dictionary", (data) =>
    touch(Packet.decode(data, {
      dictionary: defaultDictionary,
      secret: SECRET,
      request: defaultRequest,
    }))],
  ["checkRequest", (data) => void checkRequest(data, SECRET_BYTES, false)],
];

/** Outcome of {@linkcode check}. */
export interface Checked {
  /** Broken invariants, none if fine. */
  readonly failures: Failure[];
  /** Whether the first decode refused the datagram (MalformedPacketError). */
  readonly malformed: boolean;
}

/**
 * Runs the operations on one datagram: the first three, and the one of the
 * last three that `turn` selects (`undefined`: all six).
 */
export function check(
  data: Uint8Array,
  seed: Seed,
  how: string,
  hangMs: number,
  turn?: number,
): Checked {
  const failures: Failure[] = [];
  let malformed = false;
  const operations = turn === undefined
    ? OPERATIONS
    : [...OPERATIONS.slice(0, 3), OPERATIONS[3 + (turn % 3)]!];
  for (const [operation, run] of operations) {
    const copy = data.slice();
    const start = performance.now();
    let error: unknown;
    try {
      run(copy, seed);
    } catch (caught) {
      if (!(caught instanceof MalformedPacketError)) error = caught;
      else if (operation === "decode+secret") malformed = true;
    }
    const took = performance.now() - start;
    if (error !== undefined) {
      failures.push({
        hex: toHex(data),
        how,
        operation,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    } else if (took > hangMs) {
      failures.push({
        hex: toHex(data),
        how,
        operation,
        error: `took ${took.toFixed(0)} ms (bound ${hangMs} ms)`,
      });
    }
  }
  return { failures, malformed };
}

/** Process memory where the runtime tells it (Node, Bun and Deno all do through node:process). */
export function memory(): { rss: number; heapUsed: number } | undefined {
  const process = (globalThis as {
    process?: { memoryUsage?: () => { rss: number; heapUsed: number } };
  }).process;
  try {
    return process?.memoryUsage?.();
  } catch {
    return undefined;
  }
}

let gc: (() => void) | undefined | null = null;

/**
 * Forces a full garbage collection where the runtime allows it: Bun.gc, or
 * V8's gc (Node, Deno) exposed at run time. Returns false when it cannot.
 */
export function collectGarbage(): boolean {
  if (gc === null) {
    const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
    if (bun !== undefined) {
      gc = () => bun.gc(true);
    } else {
      try {
        v8.setFlagsFromString("--expose-gc");
        gc = vm.runInNewContext("gc") as () => void;
      } catch {
        gc = undefined;
      }
    }
  }
  gc?.();
  return gc !== undefined;
}

/** Result of {@linkcode fuzz}. */
export interface FuzzResult {
  readonly inputs: number;
  readonly failures: Failure[];
  readonly malformed: number;
  readonly milliseconds: number;
  /** RSS at the end of warm-up (the first tenth of the run), and the highest RSS seen after it. */
  readonly rssWarm: number | undefined;
  readonly rssMax: number | undefined;
  /**
   * The live heap (heapUsed right after a forced full GC) after warm-up and
   * at the end; `undefined` where GC cannot be forced. RSS also grows with
   * allocator fragmentation, which is not a leak, so the bound is on these.
   */
  readonly heapWarm: number | undefined;
  readonly heapEnd: number | undefined;
  readonly byMutator: Record<string, number>;
}

/** Options of {@linkcode fuzz}. */
export interface FuzzOptions {
  readonly seed: number;
  readonly count: number;
  readonly first?: number;
  readonly hangMs?: number;
  /** Stop after this many failures. */
  readonly maxFailures?: number;
  readonly onProgress?: (done: number, result: FuzzResult) => void;
  readonly progressEvery?: number;
}

/** Runs inputs `first .. first+count` of the run `seed`. */
export function fuzz(options: FuzzOptions): FuzzResult {
  const { seed, count } = options;
  const first = options.first ?? 0;
  const hangMs = options.hangMs ?? 1000;
  const maxFailures = options.maxFailures ?? 20;
  const failures: Failure[] = [];
  const byMutator: Record<string, number> = {};
  let malformed = 0;
  let rssWarm: number | undefined;
  let rssMax: number | undefined;
  let heapWarm: number | undefined;
  let heapEnd: number | undefined;
  const warmAt = Math.floor(count / 10);
  const start = performance.now();
  const result = (done: number): FuzzResult => ({
    inputs: done,
    failures,
    malformed,
    milliseconds: performance.now() - start,
    rssWarm,
    rssMax,
    heapWarm,
    heapEnd,
    byMutator,
  });
  for (let i = 0; i < count; i++) {
    const input = makeInput(seed, first + i);
    const head = input.how.split("+")[0]!;
    byMutator[head] = (byMutator[head] ?? 0) + 1;
    const checked = check(input.data, input.seed, input.how, hangMs, first + i);
    if (checked.malformed) malformed++;
    failures.push(...checked.failures);
    if (failures.length >= maxFailures) return result(i + 1);
    if (i === warmAt && collectGarbage()) heapWarm = memory()?.heapUsed;
    if (i >= warmAt && i % 1000 === 0) {
      const now = memory();
      if (now !== undefined) {
        if (i === warmAt) rssWarm = now.rss;
        rssMax = Math.max(rssMax ?? 0, now.rss);
      }
    }
    if (options.onProgress !== undefined && (i + 1) % (options.progressEvery ?? 10000) === 0) {
      options.onProgress(i + 1, result(i + 1));
    }
  }
  if (heapWarm !== undefined && collectGarbage()) heapEnd = memory()?.heapUsed;
  return result(count);
}
