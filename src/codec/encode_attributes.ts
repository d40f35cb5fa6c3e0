/**
 * Attribute layer, encoding: the inverse of `decode_attributes.ts`. Values
 * are written into a reused scratch buffer, hidden and tagged there, then
 * framed into the packet: split over several attributes for `concat`
 * (RFC 2865 §5.26 note, RFC 3579 §3.1), long-extended fragments (RFC 6929
 * §2.2) and WiMAX continuations; wrapped for TLV, Vendor-Specific, extended
 * and EVS parents.
 *
 * @module
 */
import { ValueError } from "../errors.ts";
import type { AttributeDef, VendorDef } from "../dictionary/model.ts";
import { holdsSecret } from "../secrets.ts";
import {
  type Attribute,
  CHARGEABLE_USER_IDENTITY,
  isNasFilterRule,
  isStandardAttribute,
  NAS_FILTER_RULE,
  USER_PASSWORD,
} from "./attribute.ts";
import {
  ascendSecretAt,
  checkHideable,
  hiddenPasswordLength,
  hiddenSaltedLength,
  hideSaltedAt,
  hideUserPasswordAt,
} from "./hiding.ts";
import { type TlvValue, type ValueCodec, valueCodecs } from "./values.ts";
import { Writer } from "./writer.ts";

/** Secrets needed to hide values while encoding. */
export interface EncodeContext {
  /** The shared secret. */
  readonly secret: Uint8Array;
  /** The authenticator values are hidden with (RFC 2865 §5.2, RFC 2868 §3.5). */
  readonly vector: Uint8Array;
  /**
   * RADIUS/1.1 (RFC 9765 §5.1): nothing is hidden; values the dictionary
   * marks `encrypt=` go out as their data type, and `secret` and `vector`
   * are not used.
   */
  readonly unhidden?: boolean;
}

const scratch = new Writer(4096);
const VENDOR_SPECIFIC = 26;

/**
 * Appends the wire form of `attributes` to `out`. Consecutive values of an
 * `array` attribute share one attribute where they fit (RFC 8044 §3.8).
 *
 * @throws {ValueError} if a value does not fit its type or its attribute.
 */
export function encodeAttributes(
  attributes: readonly Attribute[],
  out: Writer,
  ctx: EncodeContext,
): void {
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes[i]!;
    const def = attr.def;
    if (def === undefined) {
      if (attr.wire !== undefined) out.bytes(attr.wire);
      continue;
    }
    if (isInternal(def)) continue;
    if (isNasFilterRule(def) && attr.verbatim !== true) {
      i = encodeFilterRules(attributes, i, ctx, out);
      continue;
    }
    scratch.pos = 0;
    if (attr.verbatim === true) {
      if (def.flags.encrypt !== 0 && ctx.unhidden === true) refuseStillHidden(def, attr.value);
      // A hidden value that could not be revealed goes out as it came in.
      if (attr.tag !== undefined) scratch.u8(attr.tag);
      scratch.bytes(attr.value as Uint8Array);
      frame(def, scratch.buf, scratch.pos, out);
      continue;
    }
    writeValue(def, attr.value, attr.tag, ctx, scratch);
    if (def.flags.array) {
      const limit = maxPayload(def);
      while (i + 1 < attributes.length && attributes[i + 1]!.def === def) {
        const mark = scratch.pos;
        writeValue(def, attributes[i + 1]!.value, attributes[i + 1]!.tag, ctx, scratch);
        if (scratch.pos > limit) {
          scratch.pos = mark;
          break;
        }
        i++;
      }
    }
    frame(def, scratch.buf, scratch.pos, out);
  }
}

/**
 * Packs the run of NAS-Filter-Rule values starting at `attributes[first]`
 * as FreeRADIUS does: NUL between rules, cut into 253-octet attributes (a
 * rule may span two; unlike FreeRADIUS, radkit also sends rules over 253
 * octets). Returns the index of the last value packed.
 */
function encodeFilterRules(
  attributes: readonly Attribute[],
  first: number,
  ctx: EncodeContext,
  out: Writer,
): number {
  const def = attributes[first]!.def!;
  scratch.pos = 0;
  let last = first;
  for (let i = first; i < attributes.length; i++) {
    const attr = attributes[i]!;
    if (attr.def !== def || attr.verbatim === true) break;
    if (i > first) scratch.u8(0);
    const start = scratch.pos;
    writeValue(def, attr.value, attr.tag, ctx, scratch);
    checkFilterRule(def, scratch.buf, start, scratch.pos);
    last = i;
  }
  for (let offset = 0; offset < scratch.pos; offset += 253) {
    const chunk = Math.min(253, scratch.pos - offset);
    out.u8(NAS_FILTER_RULE);
    out.u8(chunk + 2);
    out.range(scratch.buf, offset, offset + chunk);
  }
  return last;
}

/** RFC 4849 §2: a NUL ends a rule, so no rule can hold one. */
function checkFilterRule(def: AttributeDef, bytes: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0) {
      throw new ValueError(
        def.name,
        def.type,
        `<${end - start} bytes>`,
        "a NAS-Filter-Rule cannot hold a NUL, which ends a rule (RFC 4849 §2); give one rule per value",
      );
    }
  }
}

/**
 * Server-internal attributes never go on the wire, as in FreeRADIUS: `virtual`
 * ones, and IETF-space numbers above 255 (FreeRADIUS's internal attributes,
 * such as Cleartext-Password 1100), which no one-byte Type field can carry.
 * (The dictionary parser already refuses vendor and TLV numbers too wide for
 * their Type field.)
 */
function isInternal(def: AttributeDef): boolean {
  return def.flags.virtual ||
    (def.parent === undefined && def.vendor === undefined && def.code > 255);
}

/** The Value field of one attribute: tag, type codec, then hiding. */
function writeValue(
  def: AttributeDef,
  value: unknown,
  tag: number | undefined,
  ctx: EncodeContext | undefined,
  out: Writer,
): void {
  if (tag !== undefined && (!Number.isInteger(tag) || tag < 0 || tag > 0x1f)) {
    throw new ValueError(def.name, def.type, tag, "a tag must be 0..31 (RFC 2868 §3.1)");
  }
  if (tag !== undefined && !def.flags.hasTag) {
    throw new ValueError(def.name, def.type, tag, "this attribute takes no tag (no has_tag flag)");
  }
  const start = out.pos;
  if (def.type === "tlv") {
    writeTlv(def, value, ctx, out);
    if (out.pos === start) refuseEmpty(def, out, start);
  } else {
    const typed = valueCodecs[def.type];
    if (typed === undefined) {
      throw new ValueError(def.name, def.type, value, "a container type has no value of its own", {
        secret: holdsSecret(def),
      });
    }
    // Raw bytes stand for the Value field as it is on the wire, for any type:
    // how a received value that did not decode as its type is re-sent (proxying).
    // (octets and string take bytes themselves, with their own checks.)
    const codec = value instanceof Uint8Array && def.type !== "octets" && def.type !== "string"
      ? rawCodec
      : typed;
    if (def.flags.encrypt === 0 || ctx?.unhidden === true) {
      if (def.flags.hasTag && def.type !== "integer" && def.type !== "signed") {
        // A text value whose first octet looks like a tag needs an explicit tag 0 before it.
        out.u8(tag ?? 0);
        codec.write(value, def, out);
        if (out.pos === start + 1) refuseEmpty(def, out, start);
        if (tag === undefined && out.buf[start + 1]! > 0x1f) {
          out.buf.copyWithin(start, start + 1, out.pos);
          out.pos--;
        }
      } else {
        codec.write(value, def, out);
        if (out.pos === start) refuseEmpty(def, out, start);
        if (def.flags.hasTag) out.buf[start] = tag ?? 0; // RFC 2868 §3.1: tag in the first octet
      }
      return;
    }
    // Hidden in place (RFC 2865 §5.2, RFC 2868 §3.5): room for the tag and,
    // for a salted value, the salt and length octet goes before the value.
    const encrypt = def.flags.encrypt;
    const lead = (def.flags.hasTag ? 1 : 0) + (encrypt === 2 ? 3 : 0);
    out.ensure(lead);
    out.pos += lead;
    const valueStart = out.pos;
    codec.write(value, def, out);
    const n = out.pos - valueStart;
    // RFC 2868 §3.5: a tagged salted value always carries its tag octet.
    if (def.flags.hasTag) out.buf[start] = tag ?? 0;
    const hiddenLength = encrypt === 1
      ? hiddenPasswordLength(n)
      : encrypt === 2
      ? hiddenSaltedLength(n)
      : 16;
    // Room for the padding, while `pos` still covers the value (growing copies up to `pos`).
    out.ensure(hiddenLength);
    try {
      // RFC 2865 §5.2 limits User-Password (2) itself to 128 octets.
      const userPassword = isStandardAttribute(def, USER_PASSWORD);
      if (ctx === undefined) checkHideable(encrypt, n, userPassword);
      else if (encrypt === 1) {
        hideUserPasswordAt(out.buf, valueStart, n, ctx.secret, ctx.vector, userPassword);
      } else if (encrypt === 2) hideSaltedAt(out.buf, valueStart - 3, n, ctx.secret, ctx.vector);
      else ascendSecretAt(out.buf, valueStart, n, ctx.secret, ctx.vector);
    } catch (error) {
      out.pos = start;
      throw new ValueError(def.name, def.type, value, (error as Error).message, {
        cause: error,
        secret: true,
      });
    }
    // Validation (no context) only needs the hidden length, for the framing check.
    out.pos = (encrypt === 2 ? valueStart - 3 : valueStart) + hiddenLength;
  }
}

/**
 * A hidden attribute kept as the bytes it was received as cannot go out over
 * RADIUS/1.1, which sends it in the clear (RFC 9765 §5.1): the bytes may
 * still be hidden with a RADIUS/1.0 shared secret.
 */
function refuseStillHidden(def: AttributeDef, value: unknown): never {
  throw new ValueError(
    def.name,
    def.type,
    value,
    "this value did not reveal when it was received (decoded without the shared secret, or not a valid value), " +
      "and RADIUS/1.1 sends it in the clear (RFC 9765 §5.1): decode the packet with its secret, or delete the attribute",
    { secret: true },
  );
}

/**
 * RFC 2865 §5: a string, octets or TLV value has at least one octet.
 * FreeRADIUS leaves such attributes out; radkit refuses them where they are
 * added, so that the mistake shows. (A hidden value is never empty on the
 * wire: an empty User-Password hides to 16 octets, as in FreeRADIUS.)
 * Chargeable-User-Identity is the one exception FreeRADIUS makes.
 */
function refuseEmpty(def: AttributeDef, out: Writer, start: number): void {
  // WiMAX sends Chargeable-User-Identity empty; FreeRADIUS keeps it, so it can be proxied.
  if (isStandardAttribute(def, CHARGEABLE_USER_IDENTITY)) return;
  out.pos = start;
  throw new ValueError(
    def.name,
    def.type,
    "",
    "an attribute's value has at least one octet (RFC 2865 §5); leave the attribute out instead",
  );
}

const checkOut = new Writer(4096);

/**
 * Checks that an attribute's value fits its type and its attribute(s) —
 * everything {@linkcode encodeAttributes} would refuse — without hiding it.
 *
 * @throws {ValueError} if it does not fit.
 */
export function validateAttribute(
  def: AttributeDef,
  value: unknown,
  tag: number | undefined,
): void {
  scratch.pos = 0;
  writeValue(def, value, tag, undefined, scratch);
  if (isInternal(def)) return;
  if (isNasFilterRule(def)) return checkFilterRule(def, scratch.buf, 0, scratch.pos); // any length
  // A top-level value that fits one attribute cannot fail to frame; the
  // rest is framed for real, which also words the error.
  if (def.parent === undefined && scratch.pos <= maxPayload(def)) return;
  checkOut.pos = 0;
  frame(def, scratch.buf, scratch.pos, checkOut);
}

/** Writes raw Value bytes as they are. */
const rawCodec: Pick<ValueCodec, "write"> = {
  write(value, _def, out) {
    out.bytes(value as Uint8Array);
  },
};

/** A TLV's value: its children as 1-byte type, 1-byte length attributes. */
function writeTlv(
  def: AttributeDef,
  value: unknown,
  ctx: EncodeContext | undefined,
  out: Writer,
): void {
  if (
    typeof value !== "object" || value === null || value instanceof Uint8Array ||
    value instanceof Date
  ) {
    if (value instanceof Uint8Array) return out.bytes(value); // raw TLV content
    throw new ValueError(
      def.name,
      "tlv",
      value,
      "expected an object of child attribute names to values",
      { secret: holdsSecret(def) },
    );
  }
  const children = byLowerName(def);
  for (const [name, childValue] of Object.entries(value as TlvValue)) {
    const child = children.get(name.toLowerCase());
    const unknownChild = child === undefined ? /^Attr-[\d.]+\.(\d+)$/.exec(name) : null;
    if (unknownChild !== null && Number(unknownChild[1]) <= 255) {
      // A child the dictionary lacks, decoded as raw bytes: re-sent as it came.
      for (const item of Array.isArray(childValue) ? childValue : [childValue]) {
        if (!(item instanceof Uint8Array) || item.length > 253) {
          throw new ValueError(
            def.name,
            "tlv",
            item,
            `unknown child "${name}" takes raw bytes (at most 253)`,
            { secret: holdsSecret(def) },
          );
        }
        out.u8(Number(unknownChild[1]));
        out.u8(item.length + 2);
        out.bytes(item);
      }
      continue;
    }
    if (child === undefined) {
      const known = [...def.children.values()].map((c) => `"${c.name}"`).join(", ");
      throw new ValueError(def.name, "tlv", value, `unknown child "${name}"; children: ${known}`, {
        secret: holdsSecret(def),
      });
    }
    for (const item of Array.isArray(childValue) ? childValue : [childValue]) {
      const nested = new Writer(64);
      writeValue(child, item, undefined, ctx, nested);
      if (nested.pos > 253) {
        throw new ValueError(
          child.name,
          child.type,
          item,
          `${nested.pos} bytes do not fit a TLV (max 253)`,
          { secret: holdsSecret(child) },
        );
      }
      out.u8(child.code);
      out.u8(nested.pos + 2);
      out.range(nested.buf, 0, nested.pos);
    }
  }
}

const childNames = new WeakMap<AttributeDef, Map<string, AttributeDef>>();
function byLowerName(def: AttributeDef): Map<string, AttributeDef> {
  let map = childNames.get(def);
  if (map === undefined) {
    map = new Map([...def.children.values()].map((child) => [child.name.toLowerCase(), child]));
    childNames.set(def, map);
  }
  return map;
}

/** Largest Value field that fits one attribute of `def` without splitting. */
function maxPayload(def: AttributeDef): number {
  const parent = def.parent;
  if (parent === undefined) {
    return def.vendor === undefined ? 253 : 249 - def.vendor.typeLength - def.vendor.lengthLength;
  }
  if (parent.type === "tlv") return Math.min(253, maxPayload(parent) - 2);
  if (parent.type === "evs") return 247;
  return parent.type === "long-extended" ? 251 : 252;
}

/** Wraps a Value field in the headers of `def` and its parents and appends it. */
function frame(def: AttributeDef, payload: Uint8Array, length: number, out: Writer): void {
  const parent = def.parent;
  if (parent === undefined) {
    if (def.vendor === undefined) frameStandard(def, payload, length, out);
    else frameVendor(def, def.vendor, payload, length, out);
  } else if (parent.type === "tlv") {
    if (length > 253) tooLong(def, length, 253);
    const wrapped = new Uint8Array(length + 2);
    wrapped[0] = def.code;
    wrapped[1] = wrapped.length;
    wrapped.set(payload.subarray(0, length), 2);
    frame(parent, wrapped, wrapped.length, out);
  } else if (parent.type === "evs") {
    // RFC 6929 §2.4: Vendor-Id, Vendor-Type, then the value, inside Extended-Type 26.
    const vendor = def.vendor!;
    const wrapped = new Uint8Array(length + 5);
    new DataView(wrapped.buffer).setUint32(0, vendor.id);
    wrapped[4] = def.code;
    wrapped.set(payload.subarray(0, length), 5);
    frameExtended(def, parent.parent!, parent.code, wrapped, wrapped.length, out);
  } else {
    frameExtended(def, parent, def.code, payload, length, out);
  }
}

function tooLong(def: AttributeDef, length: number, max: number): never {
  throw new ValueError(
    def.name,
    def.type,
    `<${length} bytes>`,
    `longer than the ${max} bytes one attribute holds, and the dictionary gives it no "concat" flag`,
  );
}

function frameStandard(def: AttributeDef, payload: Uint8Array, length: number, out: Writer): void {
  if (length > 253 && !def.flags.concat) tooLong(def, length, 253);
  let offset = 0;
  do {
    const chunk = Math.min(253, length - offset);
    out.u8(def.code);
    out.u8(chunk + 2);
    out.range(payload, offset, offset + chunk);
    offset += chunk;
  } while (offset < length);
}

function frameVendor(
  def: AttributeDef,
  vendor: VendorDef,
  payload: Uint8Array,
  length: number,
  out: Writer,
): void {
  const header = vendor.typeLength + vendor.lengthLength + (vendor.continuation ? 1 : 0);
  const room = 255 - 6 - header;
  if (length > room && !vendor.continuation) tooLong(def, length, room);
  let offset = 0;
  do {
    const chunk = Math.min(room, length - offset);
    const more = offset + chunk < length;
    out.u8(VENDOR_SPECIFIC);
    out.u8(6 + header + chunk);
    out.u32(vendor.id);
    if (vendor.typeLength === 1) out.u8(def.code);
    else if (vendor.typeLength === 2) out.u16(def.code);
    else out.u32(def.code);
    if (vendor.lengthLength === 1) out.u8(header + chunk);
    else if (vendor.lengthLength === 2) out.u16(header + chunk);
    if (vendor.continuation) out.u8(more ? 0x80 : 0);
    out.range(payload, offset, offset + chunk);
    offset += chunk;
  } while (offset < length);
}

function frameExtended(
  def: AttributeDef,
  container: AttributeDef,
  extType: number,
  payload: Uint8Array,
  length: number,
  out: Writer,
): void {
  if (container.type !== "long-extended") {
    if (length > 252) tooLong(def, length, 252);
    out.u8(container.code);
    out.u8(length + 3);
    out.u8(extType);
    out.range(payload, 0, length);
    return;
  }
  // RFC 6929 §2.2: fragments of up to 251 bytes, the "M" flag on all but the last.
  let offset = 0;
  do {
    const chunk = Math.min(251, length - offset);
    const more = offset + chunk < length;
    out.u8(container.code);
    out.u8(chunk + 4);
    out.u8(extType);
    out.u8(more ? 0x80 : 0);
    out.range(payload, offset, offset + chunk);
    offset += chunk;
  } while (offset < length);
}
