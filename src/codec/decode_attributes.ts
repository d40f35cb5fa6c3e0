/**
 * Attribute layer, decoding: top-level attributes (RFC 2865 §5),
 * Vendor-Specific in every vendor format (RFC 2865 §5.26, WiMAX `,c`),
 * TLVs, RFC 6929 extended / long-extended / EVS, `concat`, tags
 * (RFC 2868 §3.1) and hidden values.
 *
 * Only a broken top-level frame (length below 2 or past the end) is a
 * {@linkcode MalformedPacketError}; a bad inner structure or a value that
 * does not fit its type is kept as raw bytes, as FreeRADIUS does.
 *
 * @module
 */
import { MalformedPacketError } from "../errors.ts";
import type { AttributeDef, VendorDef } from "../dictionary/model.ts";
import {
  type Attribute,
  attribute,
  CHARGEABLE_USER_IDENTITY,
  type DictionaryView,
  isNasFilterRule,
  isStandardAttribute,
  USER_PASSWORD,
} from "./attribute.ts";
import { inspectWithoutSecrets } from "../secrets.ts";
import { TooManyAttributesError, walkAttributes } from "./count_attributes.ts";
import {
  ascendSecret,
  revealedPassword,
  revealSalted,
  revealUserPassword,
  revealUserPasswordToScratch,
  wipeRevealedPassword,
} from "./hiding.ts";
import { type AttributeValue, type TlvValue, valueCodecs } from "./values.ts";

/** Secrets and context needed to decode a packet's attributes. */
export interface DecodeContext {
  readonly dictionary: DictionaryView;
  /** The shared secret; without it hidden attributes stay hidden bytes. */
  readonly secret: Uint8Array | undefined;
  /** The authenticator hidden values were hidden with (RFC 2865 §5.2, RFC 2868 §3.5). */
  readonly vector: Uint8Array;
  /**
   * The datagram is handed over to the decoder (a transport's `onMessage`
   * data): byte values may be views into it instead of copies.
   */
  readonly owned: boolean;
  /**
   * At most this many decoded values (sub-attributes included), checked
   * after each top-level attribute; no limit when omitted.
   */
  readonly maxAttributes?: number | undefined;
  /**
   * RADIUS/1.1 (RFC 9765 §5.1): values the dictionary marks `encrypt=` are
   * not hidden and are read as their data type.
   */
  readonly unhidden?: boolean | undefined;
}

const VENDOR_SPECIFIC = 26;

/** The shape of a vendor's sub-attributes. */
type VendorFormat = Pick<VendorDef, "typeLength" | "lengthLength" | "continuation">;
/** RFC 2865 §5.26: one-octet type and length, what an unknown vendor is read with. */
const SUGGESTED_FORMAT: VendorFormat = { typeLength: 1, lengthLength: 1, continuation: false };
/** RFC 2865 §5.2: User-Password is at most 128 octets, so a longer one is not revealed. */
const MAX_USER_PASSWORD = 128;

/**
 * Checks the framing of the attributes in `bytes[start..end)` (each length
 * at least 2 and inside `end`, RFC 2865 §5) and returns the offset of the
 * Value of the first attribute of `type`, or -1.
 *
 * @throws {MalformedPacketError} at the first attribute that does not frame.
 */
export function scanAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  type: number,
): number {
  let found = -1;
  for (let p = start; p < end;) {
    if (p + 2 > end) throw new MalformedPacketError("attribute header is cut off", p);
    const length = bytes[p + 1]!;
    if (length < 2) throw new MalformedPacketError(`attribute length ${length} is below 2`, p);
    if (p + length > end) {
      throw new MalformedPacketError(`attribute length ${length} runs past the packet end`, p);
    }
    if (found === -1 && bytes[p] === type) found = p + 2;
    p += length;
  }
  return found;
}

/**
 * Decodes the attributes in `bytes[start..end)` and appends them to `out`.
 *
 * @throws {MalformedPacketError} if an attribute's length field is below 2 or
 *   runs past `end`.
 */
export function decodeAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): void {
  // Validate the whole frame first so that no partial result escapes; past
  // maxAttributes top-level attributes, nothing is decoded either.
  const max = ctx.maxAttributes ?? Infinity;
  if (walkAttributes(bytes, start, end, max) > max) throw new TooManyAttributesError(max, start);
  let p = start;
  while (p < end) {
    if (out.length > max) throw new TooManyAttributesError(max, p);
    const type = bytes[p]!;
    const length = bytes[p + 1]!;
    const def = ctx.dictionary.standard(type);
    if (def === undefined) {
      out.push(unknown(`Attr-${type}`, bytes, p, p + length));
      p += length;
    } else if (def.type === "vsa" || type === VENDOR_SPECIFIC) {
      p = decodeVendorSpecific(bytes, p, end, ctx, out);
    } else if (def.type === "extended" || def.type === "long-extended") {
      p = decodeExtended(def, bytes, p, end, ctx, out);
    } else if (isNasFilterRule(def)) {
      p = decodeFilterRules(def, bytes, p, end, ctx, out);
    } else if (def.flags.concat) {
      // Consecutive attributes of the same type are one value (RFC 2869 §5.13 EAP-Message, RFC 7268).
      const run = joinRun(bytes, p, end);
      decodeLeaf(def, run.data, 0, run.data.length, ctx, out);
      p = run.next;
    } else {
      decodeLeaf(def, bytes, p + 2, p + length, ctx, out);
      p += length;
    }
  }
  if (out.length > max) throw new TooManyAttributesError(max, end);
}

/**
 * RFC 4849 §2 NAS-Filter-Rule: consecutive attributes are one stream of
 * rules, each ended by a NUL (the last one may not be); a rule may span
 * attributes. One attribute per rule, empty ones skipped, as FreeRADIUS
 * 3.0.22+ reads them. Returns the offset after the run.
 */
function decodeFilterRules(
  def: AttributeDef,
  bytes: Uint8Array,
  p: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): number {
  const { data: stream, next } = joinRun(bytes, p, end);
  let start = 0;
  for (let i = 0; i <= stream.length; i++) {
    if (i < stream.length && stream[i] !== 0) continue;
    if (i > start) decodeLeaf(def, stream, start, i, ctx, out);
    start = i + 1;
  }
  return next;
}

/**
 * The Values of the run of consecutive attributes of the type at `bytes[p]`,
 * joined (framing already checked), and the offset after the run.
 */
function joinRun(bytes: Uint8Array, p: number, end: number): { data: Uint8Array; next: number } {
  const type = bytes[p];
  const parts: Uint8Array[] = [];
  while (p < end && bytes[p] === type) {
    parts.push(bytes.subarray(p + 2, p + bytes[p + 1]!));
    p += bytes[p + 1]!;
  }
  return { data: join(parts), next: p };
}

function unknown(name: string, bytes: Uint8Array, start: number, end: number): Attribute {
  const wire = bytes.slice(start, end);
  return attribute(undefined, name, wire.subarray(2), undefined, wire.subarray(2), wire);
}

/**
 * An unknown RFC 6929 attribute: its value is the data alone (without the
 * Extended-Type, flags, Vendor-Id or Vendor-Type headers, and joined over
 * long-extended fragments), as FreeRADIUS shows it; it is re-sent as it came.
 */
function unknownExtended(
  name: string,
  data: Uint8Array,
  bytes: Uint8Array,
  start: number,
  end: number,
): Attribute {
  const value = data.slice();
  return attribute(undefined, name, value, undefined, value, bytes.slice(start, end));
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!.slice();
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

/** A leaf value: tag, reveal, array split, then the type's codec. */
function decodeLeaf(
  def: AttributeDef,
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): void {
  // RFC 2865 §5: no value has zero octets. FreeRADIUS leaves such an
  // attribute out, except Chargeable-User-Identity, which WiMAX sends empty.
  if (end === start && !isStandardAttribute(def, CHARGEABLE_USER_IDENTITY)) return;
  let tag: number | undefined;
  let data = bytes;
  if (def.flags.hasTag && end > start) {
    if (def.type === "integer" || def.type === "signed") {
      // RFC 2868 §3.1: the tag is the first octet of the 4-octet value.
      if (end - start === 4) {
        if (bytes[start]! > 0x1f) {
          // Not a valid tag (0x00..0x1F): the value is kept, and re-sent, as it came.
          out.push(
            new ReceivedAttribute(def, bytes.slice(start, end), undefined, bytes, start, end, true),
          );
          return;
        }
        tag = bytes[start];
        data = Uint8Array.of(0, bytes[start + 1]!, bytes[start + 2]!, bytes[start + 3]!);
        start = 0;
        end = 4;
      }
    } else if (end - start > 1 && bytes[start]! <= 0x1f) {
      // Salted values always start with the tag (RFC 2868 §3.5), text values
      // when the first octet is one; a first octet above 0x1F is no tag
      // (§3.1), and a salted value without one does not reveal: it stays raw.
      // A single octet is the value, not a tag, as FreeRADIUS reads it.
      tag = bytes[start++];
    }
  }
  // The Value field as received (after the tag): what `raw` returns.
  const rawBytes = data;
  const rawStart = start;
  const rawEnd = end;
  const codec = valueCodecs[def.type];
  if (
    def.flags.encrypt === 1 && ctx.secret !== undefined && codec !== undefined && !def.flags.array
  ) {
    if (end - start > MAX_USER_PASSWORD && isStandardAttribute(def, USER_PASSWORD)) {
      // What radkit would not send, it does not reveal: re-sent as it came.
      out.push(verbatim(def, tag, rawBytes, rawStart, rawEnd));
      return;
    }
    // RFC 2865 §5.2: revealed into scratch memory and read from there at once.
    let used = revealUserPasswordToScratch(data, start, end, ctx.secret, ctx.vector);
    // An octets[N] value (MS-CHAP-MPPE-Keys) is its first N octets, NULs
    // included, as FreeRADIUS reads it: only text is NUL-padded.
    if (used !== -1 && def.size !== undefined && end - start >= def.size) used = def.size;
    let value: AttributeValue | undefined;
    if (used !== -1) {
      try {
        value = codec.read(revealedPassword, 0, used, def, false);
      } finally {
        wipeRevealedPassword();
      }
    }
    out.push(
      value === undefined
        ? verbatim(def, tag, rawBytes, rawStart, rawEnd)
        : new ReceivedAttribute(def, value, tag, rawBytes, rawStart, rawEnd, false),
    );
    return;
  }
  if (def.flags.encrypt !== 0) {
    if (ctx.unhidden === true) {
      // RFC 9765 §5.1: not hidden, read as its data type; §5.1.1: a
      // User-Password is still at most 128 octets.
      if (end - start > MAX_USER_PASSWORD && isStandardAttribute(def, USER_PASSWORD)) {
        out.push(verbatim(def, tag, rawBytes, rawStart, rawEnd));
        return;
      }
    } else {
      const secret = ctx.secret;
      // Without the secret a hidden value cannot be revealed: its bytes are not its type.
      const revealed = secret === undefined
        ? undefined
        : def.flags.encrypt === 1
        ? revealUserPassword(data, secret, ctx.vector, start, end)
        : def.flags.encrypt === 2
        ? revealSalted(data.subarray(start, end), secret, ctx.vector)
        : end - start === 16
        ? untilNul(ascendSecret(data.subarray(start, end), secret, ctx.vector))
        : undefined;
      if (revealed === undefined) {
        out.push(verbatim(def, tag, rawBytes, rawStart, rawEnd));
        return;
      }
      data = revealed;
      start = 0;
      end = revealed.length;
    }
  }
  if (def.flags.array && codec?.size !== undefined) {
    // RFC 8044 §3.8 / RFC 6929: several fixed-size values packed in one attribute.
    const size = codec.size;
    if (end === start || (end - start) % size !== 0) {
      out.push(verbatim(def, tag, rawBytes, rawStart, rawEnd));
      return;
    }
    for (let i = start; i < end; i += size) {
      const value = codec.read(data, i, i + size, def, ctx.owned) ?? data.slice(i, i + size);
      out.push(new ReceivedAttribute(def, value, tag, data, i, i + size, false));
    }
    return;
  }
  const value = def.type === "tlv"
    ? decodeTlv(def, data, start, end, ctx)
    : codec?.read(data, start, end, def, ctx.owned);
  // A value that does not decode as its type is kept, and re-sent, as it came.
  out.push(
    value === undefined
      ? verbatim(def, tag, rawBytes, rawStart, rawEnd)
      : new ReceivedAttribute(def, value, tag, rawBytes, rawStart, rawEnd, false),
  );
}

/** An attribute whose value is re-sent exactly as received (see `Attribute.verbatim`). */
function verbatim(
  def: AttributeDef,
  tag: number | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): Attribute {
  return new ReceivedAttribute(def, bytes.slice(start, end), tag, bytes, start, end, true);
}

/**
 * A decoded attribute turned into an "invalid attribute" (RFC 6929 §2.8):
 * its value is the bytes it came as, which `Packet.get()` skips, and
 * `verbatim` says so.
 */
export function invalidAttribute(attr: Attribute, def: AttributeDef): Attribute {
  const bytes = attr.raw ?? new Uint8Array(0);
  return new ReceivedAttribute(def, bytes, attr.tag, bytes, 0, bytes.length, true);
}

/** A decoded attribute whose `raw` bytes are copied out of the datagram only when asked for. */
class ReceivedAttribute implements Attribute {
  readonly name: string;
  readonly def: AttributeDef;
  readonly value: AttributeValue;
  readonly tag: number | undefined;
  readonly wire: undefined;
  readonly verbatim: boolean;
  #bytes: Uint8Array;
  #start: number;
  #end: number;
  constructor(
    def: AttributeDef,
    value: AttributeValue,
    tag: number | undefined,
    bytes: Uint8Array,
    start: number,
    end: number,
    verbatim: boolean,
  ) {
    this.name = def.name;
    this.def = def;
    this.value = value;
    this.tag = tag;
    this.wire = undefined;
    this.verbatim = verbatim;
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
  }
  get raw(): Uint8Array {
    return this.#bytes.slice(this.#start, this.#end);
  }
}
inspectWithoutSecrets(ReceivedAttribute.prototype);

/** An Ascend-Send-Secret up to its first NUL, as FreeRADIUS reads it (a C string). */
function untilNul(data: Uint8Array): Uint8Array {
  for (let i = 0; i < data.length; i++) if (data[i] === 0) return data.subarray(0, i);
  return data;
}

/**
 * A TLV's value: child attributes of 1-byte type and 1-byte length, decoded
 * into an object. `undefined` when the children do not frame exactly.
 */
function decodeTlv(
  def: AttributeDef,
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: DecodeContext,
): TlvValue | undefined {
  for (let p = start; p < end; p += bytes[p + 1]!) {
    if (p + 2 > end || bytes[p + 1]! < 2 || p + bytes[p + 1]! > end) return undefined;
  }
  const result: TlvValue = {};
  const decoded: Attribute[] = [];
  for (let p = start; p < end; p += bytes[p + 1]!) {
    const child = def.children.get(bytes[p]!);
    const childEnd = p + bytes[p + 1]!;
    if (child !== undefined) {
      decoded.length = 0;
      decodeLeaf(child, bytes, p + 2, childEnd, ctx, decoded);
      // A child that does not decode as its type is named and kept like an
      // unknown one (as FreeRADIUS does), so that it is re-sent as it came.
      if (!decoded.some((attribute) => attribute.verbatim === true)) {
        for (const attribute of decoded) addTo(result, attribute.name, attribute.value);
        continue;
      }
    }
    addTo(result, `Attr-${def.oid}.${bytes[p]}`, bytes.slice(p + 2, childEnd));
  }
  // Only empty children, left out (RFC 2865 §5): the TLV is kept as it came.
  for (const _ in result) return result;
  return undefined;
}

function addTo(target: TlvValue, name: string, value: AttributeValue): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}

/** Vendor-Specific (RFC 2865 §5.26): Vendor-Id, then sub-attributes in the vendor's format. */
function decodeVendorSpecific(
  bytes: Uint8Array,
  p: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): number {
  const length = bytes[p + 1]!;
  const next = p + length;
  if (length < 7) {
    out.push(unknown("Attr-26", bytes, p, next));
    return next;
  }
  const vendorId = readU32(bytes, p + 2);
  const vendor = ctx.dictionary.vendor(vendorId);
  if (vendor === undefined) {
    // An unknown vendor is read in RFC 2865 §5.26's suggested format (1,1),
    // as FreeRADIUS does (`Attr-26.65000.1`), when its data frames so.
    const subs = splitVendorSubAttributes(SUGGESTED_FORMAT, bytes, p + 6, next);
    // A Vendor-Specific whose data does not frame is named Attr-26, as in FreeRADIUS.
    if (subs === undefined) out.push(unknown("Attr-26", bytes, p, next));
    else {
      for (let i = 0; i < subs.length; i += 3) {
        out.push(
          unknownVendorSub(vendorId, subs[i]!, bytes, subs[i + 1]!, subs[i + 2]!, SUGGESTED_FORMAT),
        );
      }
    }
    return next;
  }
  if (vendor.continuation) return decodeWimax(vendor, bytes, p, end, ctx, out);
  const subs = splitVendorSubAttributes(vendor, bytes, p + 6, next);
  if (subs === undefined) {
    out.push(unknown("Attr-26", bytes, p, next));
    return next;
  }
  for (let i = 0; i < subs.length; i += 3) {
    const type = subs[i]!;
    const valueStart = subs[i + 1]!;
    const valueEnd = subs[i + 2]!;
    const def = vendor.attributes.get(type);
    if (def === undefined) {
      out.push(unknownVendorSub(vendorId, type, bytes, valueStart, valueEnd, vendor));
    } else {
      decodeLeaf(def, bytes, valueStart, valueEnd, ctx, out);
    }
  }
  return next;
}

/**
 * Splits a VSA's data into (type, valueStart, valueEnd) triples, or
 * `undefined` if the sub-attributes do not frame exactly.
 */
function splitVendorSubAttributes(
  vendor: VendorFormat,
  bytes: Uint8Array,
  start: number,
  end: number,
): number[] | undefined {
  const t = vendor.typeLength;
  const l = vendor.lengthLength;
  const result: number[] = [];
  let p = start;
  while (p < end) {
    if (p + t + l > end) return undefined;
    const type = t === 1
      ? bytes[p]!
      : t === 2
      ? (bytes[p]! << 8) | bytes[p + 1]!
      : readU32(bytes, p);
    if (l === 0) {
      // No length field: the sub-attribute fills the rest of the VSA.
      result.push(type, p + t, end);
      return result;
    }
    const length = l === 1 ? bytes[p + t]! : (bytes[p + t]! << 8) | bytes[p + t + 1]!;
    if (length < t + l || p + length > end) return undefined;
    result.push(type, p + t + l, p + length);
    p += length;
  }
  return result.length > 0 ? result : undefined;
}

/** An unknown sub-attribute of a known vendor, kept byte-exact in its own VSA. */
function unknownVendorSub(
  vendorId: number,
  type: number,
  bytes: Uint8Array,
  valueStart: number,
  valueEnd: number,
  vendor: VendorFormat,
): Attribute {
  const headerLength = vendor.typeLength + vendor.lengthLength + (vendor.continuation ? 1 : 0);
  const subStart = valueStart - headerLength;
  const wire = new Uint8Array(6 + valueEnd - subStart);
  wire[0] = VENDOR_SPECIFIC;
  wire[1] = wire.length;
  writeU32(wire, 2, vendorId);
  wire.set(bytes.subarray(subStart, valueEnd), 6);
  const value = bytes.slice(valueStart, valueEnd);
  return attribute(undefined, `Attr-26.${vendorId}.${type}`, value, undefined, value, wire);
}

/**
 * WiMAX format `1,1,c` (WiMAX Forum NWG R1.0 §5.3.2): type, length and a
 * continuation byte whose high bit says the value goes on in the next VSA.
 */
function decodeWimax(
  vendor: VendorDef,
  bytes: Uint8Array,
  p: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): number {
  const first = p;
  const parts: Uint8Array[] = [];
  let type = -1;
  for (;;) {
    const next = p + bytes[p + 1]!;
    const sub = p + 6;
    const subLength = bytes[sub + 1];
    if (
      bytes[p] !== VENDOR_SPECIFIC || next - sub < 3 || subLength === undefined || subLength < 3 ||
      sub + subLength !== next || readU32(bytes, p + 2) !== vendor.id ||
      (type !== -1 && bytes[sub] !== type)
    ) {
      // Not a well-formed chain: keep the first VSA as it was.
      const firstEnd = first + bytes[first + 1]!;
      out.push(unknown("Attr-26", bytes, first, firstEnd));
      return firstEnd;
    }
    type = bytes[sub]!;
    parts.push(bytes.subarray(sub + 3, next));
    const more = (bytes[sub + 2]! & 0x80) !== 0;
    p = next;
    if (!more) break;
    if (p + 2 > end) {
      const firstEnd = first + bytes[first + 1]!;
      out.push(unknown("Attr-26", bytes, first, firstEnd));
      return firstEnd;
    }
  }
  const joined = join(parts);
  const def = vendor.attributes.get(type);
  if (def === undefined) {
    const value = joined;
    const wire = bytes.slice(first, p);
    out.push(attribute(undefined, `Attr-26.${vendor.id}.${type}`, value, undefined, value, wire));
  } else {
    decodeLeaf(def, joined, 0, joined.length, ctx, out);
  }
  return p;
}

/**
 * RFC 6929 §2.1–2.2: Extended-Type after the length; long-extended adds a
 * flags byte whose "M" bit says the next attribute continues the value.
 */
function decodeExtended(
  container: AttributeDef,
  bytes: Uint8Array,
  p: number,
  end: number,
  ctx: DecodeContext,
  out: Attribute[],
): number {
  const type = bytes[p]!;
  const length = bytes[p + 1]!;
  const long = container.type === "long-extended";
  const header = long ? 4 : 3;
  if (length < header) {
    out.push(unknown(`Attr-${type}`, bytes, p, p + length));
    return p + length;
  }
  const extType = bytes[p + 2]!;
  let data: Uint8Array = bytes.subarray(p + header, p + length);
  let next = p + length;
  if (long && (bytes[p + 3]! & 0x80) !== 0) {
    const parts = [data];
    let more = true;
    while (more) {
      if (
        next + 4 > end || bytes[next] !== type || bytes[next + 2] !== extType ||
        bytes[next + 1]! < 4
      ) {
        // RFC 6929 §2.2: a missing continuation makes the whole set invalid.
        out.push(unknown(`Attr-${type}.${extType}`, bytes, p, next));
        return next;
      }
      parts.push(bytes.subarray(next + 4, next + bytes[next + 1]!));
      more = (bytes[next + 3]! & 0x80) !== 0;
      next += bytes[next + 1]!;
    }
    data = join(parts);
  }
  const def = container.children.get(extType);
  if (def === undefined) {
    out.push(unknownExtended(`Attr-${type}.${extType}`, data, bytes, p, next));
    return next;
  }
  if (def.type === "evs") {
    // RFC 6929 §2.4: Vendor-Id (4), Vendor-Type (1), Vendor-Value.
    const vendorId = data.length >= 5 ? readU32(data, 0) : -1;
    const vendor = vendorId === -1 ? undefined : ctx.dictionary.vendor(vendorId);
    const vendorDef = vendor?.evsAttributes.get(type)?.get(data[4]!);
    if (vendorDef === undefined) {
      out.push(
        vendorId === -1
          ? unknownExtended(`Attr-${type}.26`, data, bytes, p, next)
          : unknownExtended(
            `Attr-${type}.26.${vendorId}.${data[4]}`,
            data.subarray(5),
            bytes,
            p,
            next,
          ),
      );
    } else {
      decodeLeaf(vendorDef, data, 5, data.length, ctx, out);
    }
    return next;
  }
  decodeLeaf(def, data, 0, data.length, ctx, out);
  return next;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) |
    bytes[offset + 3]!) >>> 0;
}

function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
