// The mutable state a dictionary load builds up, and the FreeRADIUS 3.2
// rules for what may be defined where. Only a load that finished without an
// error is turned into the immutable model (`build()`); a failed load throws
// and its builder is dropped, so nothing half-loaded ever becomes visible.
import { DictionaryError } from "../errors.ts";
import { KNOWN_FLAGS, NO_FLAGS, parseFlagsColumn } from "./_flags.ts";
import { parseBigNumber, parseNumber } from "./_number.ts";
import { CONTAINER_TYPES, TYPE_NAMES, VALUE_RANGES } from "./_types.ts";
import type { AttributeDef, AttributeFlags, AttributeType, VendorDef } from "./model.ts";

/** Where a definition was written. */
export interface Origin {
  /** The file, as named to the parser. */
  readonly file: string;
  /** The 1-based line. */
  readonly line: number;
}

/**
 * FreeRADIUS keeps names in `char[DICT_ATTR_MAX_NAME_LEN]` (128) including the
 * terminating NUL, and rejects `strlen(name) >= 128`.
 */
export const MAX_NAME_LENGTH = 127;

/**
 * The vendor FreeRADIUS uses for DHCP options (dictionary.dhcp): its
 * `format=2,1` space may still hold TLVs (`DHCP_MAGIC_VENDOR` in
 * src/lib/dict.c).
 */
const DHCP_VENDOR = 54;

/** FreeRADIUS refuses vendor numbers of 2^24 and above (`FR_MAX_VENDOR`). */
const MAX_VENDOR = 0xffffff;

/** `dict_valid_name()`: letters, digits and `-._/`. */
const VALID_NAME = /^[A-Za-z0-9_./-]+$/;

/** Types FreeRADIUS 3.2 accepts the `array` flag on (`process_attribute`). */
const ARRAY_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>([
  "ipaddr",
  "ipv6addr",
  "byte",
  "short",
  "integer",
  "date",
  "string",
]);

// Shared by every attribute without children or VALUEs. The model exposes
// them as ReadonlyMap, so nobody adds to them.
const NO_CHILDREN: ReadonlyMap<number, AttributeDef> = new Map();
const NO_VALUE_NAMES: ReadonlyMap<number | bigint, string> = new Map();
const NO_VALUE_NUMBERS: ReadonlyMap<string, number | bigint> = new Map();
const NO_VALUE_ALIASES: readonly string[] = Object.freeze([]);

/** One vendor number, shared by every VENDOR name given to it. */
export class VendorSpace {
  /** The IANA Private Enterprise Number. */
  readonly id: number;
  /** Bytes of the type field. */
  readonly typeLength: 1 | 2 | 4;
  /** Bytes of the length field. */
  readonly lengthLength: 0 | 1 | 2;
  /** WiMAX continuation byte. */
  readonly continuation: boolean;
  /** The names, in definition order; the last one is printed (FreeRADIUS `vendors_byvalue`). */
  readonly names: VendorDraft[] = [];
  /** Top-level attributes inside Vendor-Specific (26), by type. */
  readonly attrs: Map<number, Slot> = new Map();
  /** Attributes inside Extended-Vendor-Specific, by extended attribute number, then type. */
  readonly evs: Map<number, Map<number, Slot>> = new Map();

  /**
   * Creates a vendor space.
   *
   * @param id The vendor number.
   * @param format The wire format.
   */
  constructor(id: number, format: VendorFormat) {
    this.id = id;
    this.typeLength = format.typeLength;
    this.lengthLength = format.lengthLength;
    this.continuation = format.continuation;
  }
}

/** A VENDOR line. */
export interface VendorDraft {
  /** The name as written. */
  readonly name: string;
  /** Where it was first defined. */
  readonly origin: Origin;
  /** The vendor number it names. */
  readonly space: VendorSpace;
}

/** The `format=t,l[,c]` of a VENDOR line. */
export interface VendorFormat {
  /** Bytes of the type field. */
  readonly typeLength: 1 | 2 | 4;
  /** Bytes of the length field. */
  readonly lengthLength: 0 | 1 | 2;
  /** WiMAX continuation byte. */
  readonly continuation: boolean;
}

/** An ATTRIBUTE line. */
export interface AttrDraft {
  /** The name as written. */
  readonly name: string;
  /** The resolved type. */
  readonly type: AttributeType;
  /** The `octets[N]` size. */
  readonly size: number | undefined;
  /** The flags, with `secret` implied by `encrypt`. */
  readonly flags: AttributeFlags;
  /** Where it was first defined. */
  readonly origin: Origin;
  /** The number it names. */
  readonly slot: Slot;
  /** The model object, once {@linkcode DictionaryBuilder.build} has made it. */
  def?: AttributeDef;
}

/** A VALUE already attached to an attribute number. */
interface ValueDraft {
  readonly name: string;
  readonly value: number | bigint;
  readonly origin: Origin;
}

/** A VALUE whose attribute was not defined yet when it was read. */
interface PendingValue {
  readonly attribute: string;
  readonly name: string;
  readonly value: bigint;
  readonly origin: Origin;
}

/**
 * One attribute number in one container. Several names may share it
 * (FreeRADIUS aliases): lookups by number answer the last one defined, and
 * VALUEs belong to the number, as in FreeRADIUS where `values_byname` is
 * keyed by (vendor, attr, name).
 */
export class Slot {
  /** The number inside the container. */
  readonly code: number;
  /** The dotted number path. */
  readonly oid: string;
  /** The enclosing tlv / extended attribute, or the evs attribute of an EVS vendor attribute. */
  readonly parent: Slot | undefined;
  /** The owning vendor. */
  readonly space: VendorSpace | undefined;
  /** Inside an RFC 6929 extended attribute (241..246), where flags are restricted. */
  readonly extended: boolean;
  /** The names, in definition order; the last one answers lookups by number. */
  readonly defs: AttrDraft[] = [];
  // Most attributes have no children and no VALUEs: the maps are made on
  // first use, which keeps loading the Debian tree fast.
  /** Sub-attributes of a tlv / extended / long-extended attribute. */
  children: Map<number, Slot> | undefined;
  /** VALUE names by number; the last one defined wins, as in FreeRADIUS. */
  valueNames: Map<number | bigint, string> | undefined;
  /** VALUEs by lower-cased name. */
  valueNumbers: Map<string, ValueDraft> | undefined;

  /**
   * Creates a slot.
   *
   * @param code The number inside the container.
   * @param oid The dotted number path.
   * @param where The parent, vendor and extended-space flag.
   */
  constructor(
    code: number,
    oid: string,
    where: { parent: Slot | undefined; space: VendorSpace | undefined; extended: boolean },
  ) {
    this.code = code;
    this.oid = oid;
    this.parent = where.parent;
    this.space = where.space;
    this.extended = where.extended;
  }

  /** The definition that answers lookups by number: the last one. */
  get primary(): AttrDraft {
    return this.defs[this.defs.length - 1]!;
  }
}

/** Where a relative attribute number is counted from. */
export type Container =
  | { readonly kind: "root"; readonly slots: Map<number, Slot> }
  | { readonly kind: "slot"; readonly slot: Slot }
  | { readonly kind: "vendor"; readonly space: VendorSpace }
  | { readonly kind: "evs"; readonly space: VendorSpace; readonly evs: Slot };

/** The immutable result of a successful load. */
export interface DictionaryData {
  /** Every attribute name, in order of first definition. */
  readonly attributes: readonly AttributeDef[];
  /** Attributes by name as written. */
  readonly byName: ReadonlyMap<string, AttributeDef>;
  /** Attributes by lower-cased name. */
  readonly byLowerName: ReadonlyMap<string, AttributeDef>;
  /** Top-level IETF attributes 0..255 (index = code). */
  readonly standard: readonly (AttributeDef | undefined)[];
  /** Attributes by dotted number. */
  readonly byOid: ReadonlyMap<string, AttributeDef>;
  /** Every vendor name, in order of first definition. */
  readonly vendors: readonly VendorDef[];
  /** Vendors by number (the last name defined for it). */
  readonly vendorsById: ReadonlyMap<number, VendorDef>;
  /** Vendors by name as written. */
  readonly vendorsByName: ReadonlyMap<string, VendorDef>;
  /** Vendors by lower-cased name. */
  readonly vendorsByLowerName: ReadonlyMap<string, VendorDef>;
}

/** Accumulates definitions and checks each against FreeRADIUS 3.2's rules. */
export class DictionaryBuilder {
  readonly #root: Map<number, Slot> = new Map();
  /** The top level: IETF attributes and FreeRADIUS internal ones. */
  readonly root: Container = { kind: "root", slots: this.#root };
  readonly #names: Map<string, AttrDraft> = new Map();
  readonly #order: AttrDraft[] = [];
  readonly #spaces: Map<number, VendorSpace> = new Map();
  readonly #vendors: Map<string, VendorDraft> = new Map();
  readonly #vendorOrder: VendorDraft[] = [];
  readonly #pending: PendingValue[] = [];
  /** Files read so far; FreeRADIUS skips a file it has already loaded. */
  readonly loaded: Set<string> = new Set();

  /**
   * Handles `VENDOR name number [format=t,l[,c]]`.
   *
   * @param name The vendor name.
   * @param number The vendor number as written.
   * @param format The format column, if any.
   * @param origin Where the line is.
   */
  defineVendor(name: string, number: string, format: string | undefined, origin: Origin): void {
    checkNameLength("vendor", name, origin);
    const id = parseNumber(number);
    if (id === undefined) {
      throw new DictionaryError(`invalid vendor number "${number}"; use decimal or 0x hex`, origin);
    }
    if (id < 1 || id > MAX_VENDOR) {
      throw new DictionaryError(
        `vendor number ${id} is out of range; FreeRADIUS allows 1..${MAX_VENDOR}`,
        origin,
      );
    }
    const wanted = format === undefined ? defaultFormat(id) : parseFormat(format, origin);
    const existing = this.#vendors.get(name.toLowerCase());
    if (existing !== undefined) {
      if (existing.space.id !== id) {
        throw new DictionaryError(
          `vendor "${name}" is already defined with number ${existing.space.id} at ` +
            `${where(existing.origin)}; use another name`,
          origin,
        );
      }
      checkSameFormat(existing.space, wanted, name, origin);
      return;
    }
    let space = this.#spaces.get(id);
    if (space === undefined) {
      space = new VendorSpace(id, wanted);
      this.#spaces.set(id, space);
    } else {
      checkSameFormat(space, wanted, name, origin);
    }
    const draft: VendorDraft = { name, origin, space };
    space.names.push(draft);
    this.#vendors.set(name.toLowerCase(), draft);
    this.#vendorOrder.push(draft);
  }

  /**
   * The container of a `BEGIN-VENDOR name [format=Extended-Vendor-Specific-N]` block.
   *
   * @param name The vendor name.
   * @param format The format column, if any.
   * @param origin Where the line is.
   * @returns Where the block's attribute numbers count from.
   */
  vendorBlock(name: string, format: string | undefined, origin: Origin): Container {
    const space = this.vendorSpace(name);
    if (space === undefined) {
      throw new DictionaryError(
        `unknown vendor "${name}"; define it with VENDOR before BEGIN-VENDOR`,
        origin,
      );
    }
    if (format === undefined) return { kind: "vendor", space };
    // FreeRADIUS 3.2 names the RFC 6929 container by its attribute name:
    // `BEGIN-VENDOR FreeRADIUS format=Extended-Vendor-Specific-5`.
    const lower = format.toLowerCase();
    const key = lower.startsWith("format=") || lower.startsWith("parent=")
      ? format.slice(7)
      : undefined;
    if (key === undefined) {
      throw new DictionaryError(
        `invalid BEGIN-VENDOR option "${format}"; use format=Extended-Vendor-Specific-N`,
        origin,
      );
    }
    const evs = this.#names.get(key.toLowerCase());
    if (evs === undefined || evs.type !== "evs") {
      throw new DictionaryError(
        `BEGIN-VENDOR format "${key}" is not an attribute of type evs; define ` +
          `e.g. ATTRIBUTE Extended-Vendor-Specific-1 241.26 evs first`,
        origin,
      );
    }
    return { kind: "evs", space, evs: evs.slot };
  }

  /**
   * The container of a `BEGIN-TLV name` block.
   *
   * @param name The tlv attribute's name.
   * @param origin Where the line is.
   * @returns Where the block's attribute numbers count from.
   */
  tlvBlock(name: string, origin: Origin): Container {
    const draft = this.#names.get(name.toLowerCase());
    if (draft === undefined) {
      throw new DictionaryError(
        `unknown attribute "${name}" in BEGIN-TLV; define it (type tlv) first`,
        origin,
      );
    }
    if (draft.type !== "tlv") {
      throw new DictionaryError(
        `BEGIN-TLV ${name}: the attribute has type ${draft.type}, not tlv`,
        origin,
      );
    }
    return { kind: "slot", slot: draft.slot };
  }

  /**
   * The vendor number space a vendor name belongs to.
   *
   * @param name A vendor name (any case).
   * @returns The space, or `undefined`.
   */
  vendorSpace(name: string): VendorSpace | undefined {
    return this.#vendors.get(name.toLowerCase())?.space;
  }

  /**
   * The attribute slot a name belongs to.
   *
   * @param name An attribute name (any case).
   * @returns The slot, or `undefined`.
   */
  attributeSlot(name: string): Slot | undefined {
    return this.#names.get(name.toLowerCase())?.slot;
  }

  /**
   * Handles `ATTRIBUTE name number type [flags|vendor]`.
   *
   * @param fields The columns after the keyword (3 or 4 of them).
   * @param base Where a relative number counts from (the open block, or the root).
   * @param origin Where the line is.
   */
  defineAttribute(fields: readonly string[], base: Container, origin: Origin): void {
    const [name, number, typeText, column] = fields as [string, string, string, string?];
    checkNameLength("attribute", name, origin);
    if (!VALID_NAME.test(name)) {
      throw new DictionaryError(
        `invalid attribute name "${name}"; use only letters, digits and "-", "_", ".", "/"`,
        origin,
      );
    }
    // FreeRADIUS prints undefined attributes as "Attr-26.9.1" and refuses
    // dictionary names that would collide with that syntax.
    if (name.startsWith("Attr-")) {
      throw new DictionaryError(
        `invalid attribute name "${name}": names starting with "Attr-" are reserved ` +
          "for unknown attributes",
        origin,
      );
    }
    const { type, size } = parseType(typeText, origin);
    const dotted = number.includes(".");

    let container = base;
    let written: AttributeFlags = NO_FLAGS;
    if (column !== undefined) {
      const parsed = parseFlagsColumn(column);
      if (parsed.kind === "error") throw new DictionaryError(parsed.reason, origin);
      if (parsed.kind === "flags") written = parsed.flags;
      else {
        const space = this.vendorSpace(parsed.name);
        if (space === undefined) {
          throw new DictionaryError(
            `unknown flag or vendor "${parsed.name}"; use ${KNOWN_FLAGS}, or the name ` +
              "of a vendor defined earlier with VENDOR",
            origin,
          );
        }
        if (base.kind !== "root") {
          throw new DictionaryError(
            `vendor column "${parsed.name}" is not allowed inside a BEGIN-VENDOR or ` +
              "BEGIN-TLV block; remove it",
            origin,
          );
        }
        if (dotted) {
          throw new DictionaryError(
            `vendor column "${parsed.name}" cannot be used with the dotted number ` +
              `"${number}"; use BEGIN-VENDOR ${parsed.name}`,
            origin,
          );
        }
        container = { kind: "vendor", space };
      }
    }

    const parts = number.split(".");
    const codes: number[] = [];
    for (const part of parts) {
      const code = parseNumber(part);
      if (code === undefined) {
        throw new DictionaryError(
          `invalid attribute number "${number}"; use decimal or 0x hex, dotted for ` +
            "sub-attributes (241.1)",
          origin,
        );
      }
      codes.push(code);
    }
    for (let i = 0; i < codes.length - 1; i++) {
      const slot = childMap(container).get(codes[i]!);
      const path = parts.slice(0, i + 1).join(".");
      if (slot === undefined) {
        throw new DictionaryError(
          `the parent "${path}" of attribute number "${number}" is not defined; define it first`,
          origin,
        );
      }
      const parentType = slot.primary.type;
      if (parentType === "vsa" || parentType === "evs") {
        i++;
        if (i === codes.length - 1) {
          throw new DictionaryError(
            `"${number}" names a vendor, not an attribute; define vendors with VENDOR`,
            origin,
          );
        }
        const space = this.#spaces.get(codes[i]!);
        if (space === undefined) {
          throw new DictionaryError(
            `vendor ${codes[i]} in "${number}" is not defined; define it with VENDOR first`,
            origin,
          );
        }
        container = parentType === "vsa"
          ? { kind: "vendor", space }
          : { kind: "evs", space, evs: slot };
      } else if (
        parentType === "tlv" || parentType === "extended" || parentType === "long-extended"
      ) {
        container = { kind: "slot", slot };
      } else {
        throw new DictionaryError(
          `"${path}" (${slot.primary.name}) has type ${parentType}, which cannot have ` +
            "sub-attributes",
          origin,
        );
      }
    }
    const code = codes[codes.length - 1]!;
    const flags = checkPlacement(container, code, type, size, written, name, origin);

    const map = childMap(container);
    const lower = name.toLowerCase();
    const existing = this.#names.get(lower);
    const slot = map.get(code);
    if (existing !== undefined) {
      if (existing.slot !== slot) {
        throw new DictionaryError(
          `attribute "${name}" is already defined as number ${existing.slot.oid} at ` +
            `${where(existing.origin)}; use another name`,
          origin,
        );
      }
      if (existing.type !== type || existing.size !== size || !sameFlags(existing.flags, flags)) {
        throw new DictionaryError(
          `attribute "${name}" is already defined with type ${describeType(existing)} ` +
            `${describeFlags(existing.flags)}at ${where(existing.origin)}; an identical ` +
            "re-definition is allowed, a different one is not",
          origin,
        );
      }
      // An identical re-definition makes the name the one printed for its
      // number again (FreeRADIUS re-inserts it into `attributes_byvalue`).
      existing.slot.defs.splice(existing.slot.defs.indexOf(existing), 1);
      existing.slot.defs.push(existing);
      return;
    }
    const target = slot ?? createSlot(container, code);
    if (slot === undefined) map.set(code, target);
    const draft: AttrDraft = { name, type, size, flags, origin, slot: target };
    target.defs.push(draft);
    this.#names.set(lower, draft);
    this.#order.push(draft);
  }

  /**
   * Handles `VALUE attribute name number`. A VALUE may come before its
   * ATTRIBUTE (FreeRADIUS keeps a fix-up list); those are resolved by
   * {@linkcode DictionaryBuilder.finish}.
   *
   * @param fields The three columns after the keyword.
   * @param origin Where the line is.
   */
  defineValue(fields: readonly string[], origin: Origin): void {
    const [attribute, name, number] = fields as [string, string, string];
    // FreeRADIUS skips VALUEs of the long-gone "Server-Config" for
    // compatibility with old dictionaries (`process_value`).
    const lower = attribute.toLowerCase();
    if (lower === "server-config") return;
    checkNameLength("VALUE", name, origin);
    checkNameLength("attribute", attribute, origin);
    const value = parseBigNumber(number);
    if (value === undefined) {
      throw new DictionaryError(
        `invalid VALUE number "${number}" for ${attribute} ${name}; use decimal or 0x hex`,
        origin,
      );
    }
    const draft = this.#names.get(lower);
    if (draft === undefined) this.#pending.push({ attribute, name, value, origin });
    else addValue(draft, name, value, origin, true);
  }

  /**
   * Resolves VALUEs that came before their ATTRIBUTE. Call once, after every
   * file of the load has been read.
   */
  finish(): void {
    // FreeRADIUS keeps these on a list it prepends to, so it resolves them
    // last-read first; each only names a number that has no name yet
    // (dict_init: "allow them to use the old name, but prefer the new name
    // when printing values"). That is why the RFC names win over the older
    // ones in dictionary.compat, which the main dictionary includes first.
    const drafts = this.#pending.map((pending) => {
      const draft = this.#names.get(pending.attribute.toLowerCase());
      if (draft === undefined) {
        throw new DictionaryError(
          `VALUE "${pending.name}" is for attribute "${pending.attribute}", which no file ` +
            "defines; define the ATTRIBUTE or fix the name",
          pending.origin,
        );
      }
      return draft;
    });
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const pending = this.#pending[i]!;
      addValue(drafts[i]!, pending.name, pending.value, pending.origin, false);
    }
    this.#pending.length = 0;
  }

  /**
   * Turns the drafts into the immutable model with every lookup table built.
   *
   * @returns The model and its indexes.
   */
  build(): DictionaryData {
    const vendorDefs = new Map<VendorDraft, VendorDef>();
    const primaryVendor = new Map<VendorSpace, VendorDef>();
    const vendorAttrs = new Map<VendorSpace, Map<number, AttributeDef>>();
    const vendorEvs = new Map<VendorSpace, Map<number, Map<number, AttributeDef>>>();
    for (const space of this.#spaces.values()) {
      const attributes = new Map<number, AttributeDef>();
      const evsAttributes = new Map<number, Map<number, AttributeDef>>();
      vendorAttrs.set(space, attributes);
      vendorEvs.set(space, evsAttributes);
      for (const draft of space.names) {
        const def: VendorDef = Object.freeze({
          name: draft.name,
          id: space.id,
          typeLength: space.typeLength,
          lengthLength: space.lengthLength,
          continuation: space.continuation,
          attributes,
          evsAttributes,
        });
        vendorDefs.set(draft, def);
        primaryVendor.set(space, def);
      }
    }

    const byOid = new Map<string, AttributeDef>();
    const build = (slot: Slot, parent: AttributeDef | undefined): AttributeDef => {
      const children = slot.children === undefined ? NO_CHILDREN : new Map<number, AttributeDef>();
      let valueNumbers: ReadonlyMap<string, number | bigint> = NO_VALUE_NUMBERS;
      let valueAliases: readonly string[] = NO_VALUE_ALIASES;
      if (slot.valueNumbers !== undefined) {
        const numbers = new Map<string, number | bigint>();
        const aliases: string[] = [];
        for (const [key, value] of slot.valueNumbers) {
          numbers.set(key, value.value);
          aliases.push(value.name);
        }
        valueNumbers = numbers;
        valueAliases = Object.freeze(aliases);
      }
      const vendor = slot.space === undefined ? undefined : primaryVendor.get(slot.space);
      let primary: AttributeDef | undefined;
      for (const draft of slot.defs) {
        primary = Object.freeze({
          name: draft.name,
          code: slot.code,
          type: draft.type,
          size: draft.size,
          flags: draft.flags,
          vendor,
          parent,
          children,
          oid: slot.oid,
          valueNames: slot.valueNames ?? NO_VALUE_NAMES,
          valueNumbers,
          valueAliases,
        });
        draft.def = primary;
      }
      byOid.set(slot.oid, primary!);
      if (slot.children !== undefined) {
        const map = children as Map<number, AttributeDef>;
        for (const [code, child] of slot.children) map.set(code, build(child, primary));
      }
      return primary!;
    };

    const standard: (AttributeDef | undefined)[] = new Array<AttributeDef | undefined>(256).fill(
      undefined,
    );
    for (const [code, slot] of this.#root) {
      const def = build(slot, undefined);
      if (code < 256) standard[code] = def;
    }
    for (const space of this.#spaces.values()) {
      const attributes = vendorAttrs.get(space)!;
      for (const [code, slot] of space.attrs) attributes.set(code, build(slot, undefined));
      const evsAttributes = vendorEvs.get(space)!;
      for (const [extended, slots] of space.evs) {
        const map = new Map<number, AttributeDef>();
        evsAttributes.set(extended, map);
        for (const [code, slot] of slots) {
          map.set(code, build(slot, slot.parent!.primary.def));
        }
      }
    }

    const attributes = this.#order.map((draft) => draft.def!);
    const byName = new Map<string, AttributeDef>();
    const byLowerName = new Map<string, AttributeDef>();
    for (const def of attributes) {
      byName.set(def.name, def);
      byLowerName.set(def.name.toLowerCase(), def);
    }
    const vendors = this.#vendorOrder.map((draft) => vendorDefs.get(draft)!);
    const vendorsByName = new Map<string, VendorDef>();
    const vendorsByLowerName = new Map<string, VendorDef>();
    for (const def of vendors) {
      vendorsByName.set(def.name, def);
      vendorsByLowerName.set(def.name.toLowerCase(), def);
    }
    const vendorsById = new Map<number, VendorDef>();
    for (const [id, space] of this.#spaces) vendorsById.set(id, primaryVendor.get(space)!);
    return {
      attributes,
      byName,
      byLowerName,
      standard,
      byOid,
      vendors,
      vendorsById,
      vendorsByName,
      vendorsByLowerName,
    };
  }
}

function where(origin: Origin): string {
  return origin.line > 0 ? `${origin.file} line ${origin.line}` : origin.file;
}

function checkNameLength(what: string, name: string, origin: Origin): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new DictionaryError(
      `${what} name "${name.slice(0, 24)}..." is ${name.length} characters long; ` +
        `FreeRADIUS allows at most ${MAX_NAME_LENGTH}`,
      origin,
    );
  }
}

function defaultFormat(id: number): VendorFormat {
  // FreeRADIUS hard-codes the formats of three vendors whose VENDOR lines
  // often come without one (`process_vendor`): USR, Lucent and Starent.
  if (id === 429) return { typeLength: 4, lengthLength: 0, continuation: false };
  if (id === 4846) return { typeLength: 2, lengthLength: 1, continuation: false };
  if (id === 8164) return { typeLength: 2, lengthLength: 2, continuation: false };
  return { typeLength: 1, lengthLength: 1, continuation: false };
}

const FORMAT = /^format=([124]),([012])(,c)?$/i;

function parseFormat(text: string, origin: Origin): VendorFormat {
  const match = FORMAT.exec(text);
  if (match === null) {
    throw new DictionaryError(
      `invalid vendor format "${text}"; use format=T,L with T 1, 2 or 4 and L 0, 1 or 2, ` +
        "or format=1,1,c",
      origin,
    );
  }
  const typeLength = Number(match[1]) as 1 | 2 | 4;
  const lengthLength = Number(match[2]) as 0 | 1 | 2;
  const continuation = match[3] !== undefined;
  // The WiMAX continuation byte follows a one-byte length (`parse_format`).
  if (continuation && (typeLength !== 1 || lengthLength !== 1)) {
    throw new DictionaryError(
      `invalid vendor format "${text}": only format=1,1 can have the continuation flag ",c"`,
      origin,
    );
  }
  return { typeLength, lengthLength, continuation };
}

function formatText(format: VendorFormat): string {
  return `format=${format.typeLength},${format.lengthLength}${format.continuation ? ",c" : ""}`;
}

function checkSameFormat(
  space: VendorSpace,
  wanted: VendorFormat,
  name: string,
  origin: Origin,
): void {
  if (
    space.typeLength === wanted.typeLength && space.lengthLength === wanted.lengthLength &&
    space.continuation === wanted.continuation
  ) return;
  // FreeRADIUS silently lets the later format win; attributes defined under
  // the earlier one may then no longer fit, so radkit refuses.
  const first = space.names[0]!;
  throw new DictionaryError(
    `vendor "${name}" (${space.id}) is given ${formatText(wanted)}, but it was defined ` +
      `with ${formatText(space)} as "${first.name}" at ${where(first.origin)}`,
    origin,
  );
}

const OCTETS_SIZE = /^octets\[(.*)\]$/i;

function parseType(
  text: string,
  origin: Origin,
): { type: AttributeType; size: number | undefined } {
  const sized = OCTETS_SIZE.exec(text);
  if (sized !== null) {
    const size = parseNumber(sized[1]!);
    // `process_attribute`: the length must be 1..253, what fits in one attribute.
    if (size === undefined || size < 1 || size > 253) {
      throw new DictionaryError(
        `invalid size in "${text}"; octets[N] needs N from 1 to 253`,
        origin,
      );
    }
    return { type: "octets", size };
  }
  const type = TYPE_NAMES.get(text.toLowerCase());
  if (type === undefined) {
    throw new DictionaryError(
      `unknown type "${text}"; use one of ${[...new Set(TYPE_NAMES.values())].join(", ")}, ` +
        "octets[N] or an alias (uint8, uint16, uint32, uint64, int32)",
      origin,
    );
  }
  return { type, size: undefined };
}

function childMap(container: Container): Map<number, Slot> {
  switch (container.kind) {
    case "root":
      return container.slots;
    case "slot":
      return container.slot.children ??= new Map();
    case "vendor":
      return container.space.attrs;
    case "evs": {
      const extended = container.evs.parent!.code;
      let map = container.space.evs.get(extended);
      if (map === undefined) {
        map = new Map();
        container.space.evs.set(extended, map);
      }
      return map;
    }
  }
}

function createSlot(container: Container, code: number): Slot {
  switch (container.kind) {
    case "root":
      return new Slot(code, `${code}`, { parent: undefined, space: undefined, extended: false });
    case "slot": {
      const parent = container.slot;
      const type = parent.primary.type;
      return new Slot(code, `${parent.oid}.${code}`, {
        parent,
        space: parent.space,
        extended: parent.extended || type === "extended" || type === "long-extended",
      });
    }
    case "vendor":
      return new Slot(code, `26.${container.space.id}.${code}`, {
        parent: undefined,
        space: container.space,
        extended: false,
      });
    case "evs":
      return new Slot(code, `${container.evs.oid}.${container.space.id}.${code}`, {
        parent: container.evs,
        space: container.space,
        extended: true,
      });
  }
}

function vendorName(space: VendorSpace): string {
  return space.names[space.names.length - 1]!.name;
}

/**
 * Checks that an attribute of this type and these flags may sit at this
 * number in this container, following FreeRADIUS 3.2's `process_attribute`
 * and `dict_addattr`, and returns the flags with `secret` implied by
 * `encrypt` (FreeRADIUS sets it for every encrypted attribute).
 */
function checkPlacement(
  container: Container,
  code: number,
  type: AttributeType,
  size: number | undefined,
  written: AttributeFlags,
  name: string,
  origin: Origin,
): AttributeFlags {
  const fail = (reason: string): never => {
    throw new DictionaryError(`attribute "${name}": ${reason}`, origin);
  };
  const parentType = container.kind === "slot" ? container.slot.primary.type : undefined;
  const parentName = container.kind === "slot" ? container.slot.primary.name : "";
  const extended = container.kind === "evs" ||
    (container.kind === "slot" &&
      (container.slot.extended || parentType === "extended" || parentType === "long-extended"));
  const space = container.kind === "vendor" || container.kind === "evs"
    ? container.space
    : container.kind === "slot"
    ? container.slot.space
    : undefined;

  switch (container.kind) {
    case "root":
      if (code < 1 || code > 0xffffffff) {
        fail(`number ${code} is out of range; RADIUS attributes are 1..255 (0 is invalid)`);
      }
      // RFC 2865 §5.26: Vendor-Specific is attribute 26.
      if (type === "vsa" && code !== 26) fail(`type vsa is only for Vendor-Specific (26)`);
      // RFC 6929 §2.1: the extended attributes are 241..246.
      if ((type === "extended" || type === "long-extended") && (code < 241 || code > 255)) {
        fail(`type ${type} is only for attributes 241..246 (RFC 6929)`);
      }
      if (type === "evs") {
        fail("type evs is only for number 26 inside an extended attribute (e.g. 241.26)");
      }
      break;
    case "slot":
      if (parentType === "tlv") {
        if (code > 255) fail(`number ${code} inside tlv ${parentName} is not 0..255`);
        if (CONTAINER_TYPES.has(type)) fail(`type ${type} cannot be inside tlv ${parentName}`);
      } else {
        if (code > 255) fail(`number ${code} inside ${parentName} is not 0..255`);
        // RFC 6929 §2.4: Extended-Type 26 carries Extended-Vendor-Specific.
        if (type === "evs" && code !== 26) fail("type evs must have number 26 (RFC 6929 §2.4)");
        if (type !== "evs" && CONTAINER_TYPES.has(type)) {
          fail(`type ${type} cannot be inside ${parentName}`);
        }
      }
      break;
    case "vendor": {
      const { typeLength, lengthLength } = container.space;
      const max = typeLength === 1 ? 0xff : typeLength === 2 ? 0xffff : 0xffffffff;
      // FreeRADIUS allows type 0 only for vendors with a one-byte type field.
      const min = typeLength === 1 ? 0 : 1;
      if (code < min || code > max) {
        fail(
          `number ${code} does not fit vendor ${vendorName(container.space)} ` +
            `(format=${typeLength},${lengthLength}); use ${min}..${max}`,
        );
      }
      if (CONTAINER_TYPES.has(type)) fail(`type ${type} cannot be a vendor attribute`);
      if (
        type === "tlv" && (typeLength !== 1 || lengthLength !== 1) &&
        container.space.id !== DHCP_VENDOR
      ) {
        fail(
          `type tlv needs a vendor with format=1,1, and ${vendorName(container.space)} ` +
            `has format=${typeLength},${lengthLength}`,
        );
      }
      break;
    }
    case "evs":
      // RFC 6929 §2.4: the EVS Vendor-Type is one octet.
      if (code > 255) fail(`number ${code} is not 0..255 (RFC 6929 §2.4 Vendor-Type)`);
      if (CONTAINER_TYPES.has(type)) fail(`type ${type} cannot be an extended vendor attribute`);
      break;
  }

  const { hasTag, encrypt, array, concat, virtual, secret } = written;
  // `dict_addattr`: a fixed length (octets[N]) goes with no other flag but
  // User-Password hiding.
  if (size !== undefined) {
    if (hasTag || array) fail("octets[N] cannot have has_tag or array");
    if (encrypt > 1) fail(`octets[N] cannot use encrypt=${encrypt}`);
    if (extended) fail("attributes inside an extended attribute (RFC 6929) cannot use octets[N]");
  }
  if (written === NO_FLAGS) return NO_FLAGS;
  const any = hasTag || encrypt !== 0 || array || concat || virtual || secret;
  if (CONTAINER_TYPES.has(type) && any) fail(`type ${type} cannot have flags`);
  // `dict_addattr`: "The 'extended' attributes MUST NOT have any flags set",
  // except Tunnel-Password style hiding (and the local `secret`).
  if (extended && (hasTag || array || concat || (encrypt !== 0 && encrypt !== 2))) {
    fail("attributes inside an extended attribute (RFC 6929) can only have encrypt=2 or secret");
  }
  if (hasTag) {
    // RFC 2868 §3.1 defines tags for string and integer values only.
    if (type !== "string" && type !== "integer") {
      fail(`has_tag is only for string and integer attributes (RFC 2868 §3.1), not ${type}`);
    }
    if (parentType === "tlv") fail("sub-attributes of a tlv cannot have has_tag");
  }
  if (encrypt !== 0) {
    if (type === "tlv") fail("a tlv cannot be encrypted");
    // RFC 2865 §5.2 hiding carries no length, so binary data needs a fixed size.
    if (encrypt === 1 && type !== "string" && !(type === "octets" && size !== undefined)) {
      fail(`encrypt=1 is only for string and octets[N] attributes, not ${type}`);
    }
    if (encrypt === 3 && type !== "string") fail(`encrypt=3 is only for string attributes`);
  }
  // FreeRADIUS 3.2.9+ `process_attribute`: only text and bytes can be secret
  // (3.2.1 took the flag on any type).
  if (secret && type !== "string" && type !== "octets") {
    fail(`the secret flag is only for string and octets attributes, not ${type}`);
  }
  if (array) {
    if (!ARRAY_TYPES.has(type)) {
      fail(
        `the array flag is for ipaddr, ipv6addr, byte, short, integer, date and string ` +
          `attributes, not ${type}`,
      );
    }
  }
  if (concat) {
    if (type !== "octets") fail(`the concat flag is only for octets attributes, not ${type}`);
    if (space !== undefined) fail("vendor attributes cannot have the concat flag");
    if (hasTag || array || encrypt !== 0 || size !== undefined || parentType === "tlv") {
      fail("the concat flag cannot be combined with other flags, octets[N] or a tlv parent");
    }
  }
  if (virtual && !(container.kind === "root" && code >= 256)) {
    fail("only server-internal attributes (number 256 and above, no vendor) can be virtual");
  }
  if (encrypt === 0 || secret) return written;
  return Object.freeze({ hasTag, encrypt, array, concat, virtual, secret: true });
}

/**
 * Attaches a VALUE to its attribute's number.
 *
 * @param renames Whether the name replaces an existing name of the same
 * number for printing: true for a VALUE read after its ATTRIBUTE, false for
 * one that had to wait for it (see {@linkcode DictionaryBuilder.finish}).
 */
function addValue(
  draft: AttrDraft,
  name: string,
  value: bigint,
  origin: Origin,
  renames: boolean,
): void {
  const range = VALUE_RANGES.get(draft.type);
  if (range === undefined) {
    throw new DictionaryError(
      `attribute "${draft.name}" has type ${draft.type}, which cannot have VALUEs; VALUEs ` +
        "are for bool, byte, short, integer, signed, integer64 and octets attributes",
      origin,
    );
  }
  if (value < range[0] || value > range[1]) {
    throw new DictionaryError(
      `VALUE ${name} = ${value} does not fit ${draft.name} (${draft.type}: ` +
        `${range[0]}..${range[1]})`,
      origin,
    );
  }
  // integer64 values are bigints throughout radkit; every other type fits a number.
  const stored: number | bigint = draft.type === "integer64" ? value : Number(value);
  const slot = draft.slot;
  const key = name.toLowerCase();
  const existing = slot.valueNumbers?.get(key);
  if (existing !== undefined) {
    // FreeRADIUS suppresses a repeated name with the same number (there are
    // many in dictionary.ascend) and refuses one with another number.
    if (existing.value === stored) return;
    throw new DictionaryError(
      `VALUE "${name}" of ${draft.name} is already ${existing.value} at ` +
        `${where(existing.origin)}; give ${value} another name`,
      origin,
    );
  }
  (slot.valueNumbers ??= new Map()).set(key, { name, value: stored, origin });
  // A new name for a number already named replaces it for printing
  // (`values_byvalue` in FreeRADIUS) unless it waited for its ATTRIBUTE; the
  // old name still parses either way.
  const names = slot.valueNames ??= new Map();
  if (renames || !names.has(stored)) names.set(stored, name);
}

function sameFlags(a: AttributeFlags, b: AttributeFlags): boolean {
  return a.hasTag === b.hasTag && a.encrypt === b.encrypt && a.array === b.array &&
    a.concat === b.concat && a.virtual === b.virtual && a.secret === b.secret;
}

function describeType(draft: AttrDraft): string {
  return draft.size === undefined ? draft.type : `octets[${draft.size}]`;
}

function describeFlags(flags: AttributeFlags): string {
  const set: string[] = [];
  if (flags.hasTag) set.push("has_tag");
  if (flags.encrypt !== 0) set.push(`encrypt=${flags.encrypt}`);
  if (flags.array) set.push("array");
  if (flags.concat) set.push("concat");
  if (flags.virtual) set.push("virtual");
  if (flags.secret && flags.encrypt === 0) set.push("secret");
  return set.length === 0 ? "" : `(${set.join(",")}) `;
}
