/**
 * The packet users build, read and reply to.
 *
 * @module
 */
import { randomByte, randomBytes } from "./crypto/random.ts";
import {
  MalformedPacketError,
  PacketTooLargeError,
  RadiusError,
  UnknownAttributeError,
  ValueError,
} from "./errors.ts";
import type { AttributeDef } from "./dictionary/model.ts";
import { type Attribute, attribute, type DictionaryView } from "./codec/attribute.ts";
import {
  Code,
  codeFromName,
  type CodeName,
  codeName,
  hasComputedRequestAuthenticator,
  isCode,
  isRequest,
} from "./codec/code.ts";
import { decodeAttributes } from "./codec/decode_attributes.ts";
import { RAW_NAME, rawAttribute } from "./codec/raw_attribute.ts";
import { encodeAttributes, validateAttribute } from "./codec/encode_attributes.ts";
import {
  computeAuthenticator,
  computeMessageAuthenticator,
  HEADER_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR,
  packetLength,
  PROXY_STATE,
} from "./codec/packet_codec.ts";
import { type AttributeValue, octetsFromText } from "./codec/values.ts";
import { filterValue } from "./codec/abinary.ts";
import { Writer } from "./codec/writer.ts";
import { holdsSecret, redactValue, safeInspect } from "./secrets.ts";
import type { AttributeTypes } from "../dictionaries/attribute_types.ts";
import type { AnyAttributes, RawAttributeName, Tagged } from "./attribute_map.ts";

/**
 * What may be given for one attribute: a value, or a tagged value.
 *
 * @example Usage
 * ```ts
 * import { type AnyAttributes, type AttributeInput, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // Attributes from a configuration file: names are only known at run time,
 * // so they are added through the packet seen as `Packet<AnyAttributes>`.
 * const configured: Record<string, AttributeInput> = {
 *   "Reply-Message": "welcome",
 *   "Session-Timeout": 3600,
 *   "Tunnel-Type": { tag: 1, value: "VLAN" },
 * };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * const accept = request.reply(Code.AccessAccept);
 * const loose: Packet<AnyAttributes> = accept;
 * for (const [name, value] of Object.entries(configured)) loose.add(name, value);
 * assert.equal(accept.get("Session-Timeout"), 3600);
 * assert.equal(accept.attributes().at(-1)?.tag, 1);
 * ```
 */
export type AttributeInput = AttributeValue | Tagged;

/**
 * The attribute names of attribute map `A` (by default the bundled
 * dictionaries' {@linkcode AttributeTypes}), exactly as the dictionary
 * spells them, plus {@linkcode RawAttributeName}s (`Attr-26.9.1`). A
 * misspelled name does not compile. With a dictionary typed
 * {@linkcode AnyAttributes} (one loaded at run time without a generated
 * map) every string is a name; a packet of any dictionary can be seen as a
 * `Packet<AnyAttributes>` for names known only at run time.
 *
 * @example Usage
 * ```ts
 * import { type AttributeName, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const names: AttributeName[] = ["User-Name", "Reply-Message", "Attr-26.9.1"];
 * // @ts-expect-error a misspelled name is a compile error
 * const wrong: AttributeName = "User-Nmae";
 * assert.deepEqual(names.map((name) => request.has(name)), [true, false, false]);
 * assert.equal(wrong.length, 9);
 * ```
 */
export type AttributeName<A extends object = AttributeTypes> =
  | (keyof A & string)
  | RawAttributeName;

/**
 * What {@linkcode Packet.get} returns for attribute `N` of map `A`: its
 * declared type (for `has_tag` attributes, the value without the tag).
 * Values that did not decode as their type are not returned by `get()`;
 * {@linkcode Packet.getRaw} has their bytes. Raw `Attr-…` names give bytes.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type ValueOf } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const timeout: ValueOf<"Session-Timeout"> = 3600;
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * const accept = request.reply(Code.AccessAccept, { "Session-Timeout": timeout });
 * const seconds: number | undefined = accept.get("Session-Timeout");
 * assert.equal(seconds, 3600);
 * ```
 */
export type ValueOf<N extends string, A extends object = AttributeTypes> = N extends keyof A
  ? Exclude<A[N], Tagged<unknown>>
  : N extends RawAttributeName ? Uint8Array
  : AttributeValue;

/**
 * What may be given for attribute `N` of map `A`: its type, a tagged value
 * for `has_tag` attributes, or raw bytes; octets also take text (its UTF-8
 * bytes) or `0x`-prefixed hex, as in FreeRADIUS.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type InputOf } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const timeout: InputOf<"Session-Timeout"> = 3600;
 * const classes: InputOf<"Class">[] = ["gold", "0x0102", new Uint8Array([3])];
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * const accept = request.reply(Code.AccessAccept)
 *   .add("Session-Timeout", timeout)
 *   .add("Class", classes);
 * assert.equal(accept.getAll("Class").length, 3);
 * ```
 */
export type InputOf<N extends string, A extends object = AttributeTypes> = N extends keyof A
  ? A[N] | Uint8Array | (A[N] extends Uint8Array ? string : never)
  : N extends RawAttributeName ? Uint8Array
  : AttributeInput;

/**
 * Attributes by name: one value, or several for a repeated attribute, in
 * order. Names and values are checked against attribute map `A`.
 *
 * @example Usage
 * ```ts
 * import { type AttributesInit, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const attributes: AttributesInit = {
 *   "User-Name": "bob",
 *   "Service-Type": "Framed-User",
 *   "Class": ["gold", "silver"],
 * };
 * const wrong: AttributesInit = {
 *   // @ts-expect-error Session-Timeout is an integer, not text.
 *   "Session-Timeout": "an hour",
 * };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), attributes);
 * assert.equal(request.getAll("Class").length, 2);
 * assert.throws(() => request.update(wrong), { code: "ERR_VALUE" });
 * ```
 */
export type AttributesInit<A extends object = AttributeTypes> = {
  readonly [N in AttributeName<A>]?: InputOf<N, A> | readonly InputOf<N, A>[];
};

/**
 * A shared secret, as text (UTF-8) or bytes.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type Secret } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const text: Secret = "testing123";
 * const bytes: Secret = new TextEncoder().encode("testing123");
 * const request = Packet.create(Code.AccountingRequest, Dictionary.default(), {
 *   "Acct-Status-Type": "Start",
 * });
 * assert.deepEqual(request.encode(text), request.encode(bytes));
 * ```
 */
export type Secret = string | Uint8Array;

/**
 * Options for {@linkcode Packet.create}.
 *
 * @example Usage
 * ```ts
 * import { Code, type CreateOptions, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: CreateOptions = { id: 42, authenticator: new Uint8Array(16).fill(7) };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {}, options);
 * assert.equal(request.id, 42);
 * assert.deepEqual(request.authenticator, new Uint8Array(16).fill(7));
 * ```
 */
export interface CreateOptions {
  /** The Identifier, 0..255; random when omitted. */
  id?: number;
  /**
   * The Request Authenticator of an Access-Request or Status-Server; 16
   * random bytes when omitted (RFC 2865 §3). Ignored for codes whose
   * authenticator is computed.
   */
  authenticator?: Uint8Array;
}

/**
 * Options for {@linkcode Packet.decode}.
 *
 * @example Usage
 * ```ts
 * import { Code, type DecodeOptions, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "hello" });
 * const datagram = request.encode("s3cret");
 * const options: DecodeOptions = { dictionary, secret: "s3cret" };
 * assert.equal(Packet.decode(datagram, options).get("User-Password"), "hello");
 * // Without the secret the password stays hidden: get() has no value, getRaw() the bytes.
 * const hidden = Packet.decode(datagram, { dictionary });
 * assert.equal(hidden.get("User-Password"), undefined);
 * assert.equal(hidden.getRaw("User-Password")?.length, 16);
 * ```
 */
export interface DecodeOptions<A extends object = AnyAttributes> {
  /** The dictionary that names the attributes. */
  dictionary: DictionaryView<A>;
  /** The shared secret; without it hidden attributes stay hidden bytes. */
  secret?: Secret;
  /** For a reply: the request it answers (its authenticator reveals hidden values). */
  request?: Packet<A>;
  /**
   * Refuses a packet with more attributes than this with a
   * {@linkcode MalformedPacketError}, as FreeRADIUS's `max_attributes` does:
   * top-level attributes are counted before anything is decoded, and
   * decoded values (sub-attributes of Vendor-Specific and TLVs included)
   * as they are decoded, so that a packet of nested empty attributes stops
   * early too. No limit when omitted.
   */
  maxAttributes?: number;
}

const ZERO_VECTOR = new Uint8Array(16);
const packetWriter = new Writer(MAX_PACKET_LENGTH);
const encoder = new TextEncoder();

let lastSecret: string | undefined;
let lastSecretBytes: Uint8Array = new Uint8Array(0);
function secretBytes(secret: Secret): Uint8Array {
  if (typeof secret !== "string") return secret;
  if (secret !== lastSecret) {
    lastSecretBytes = encoder.encode(secret);
    lastSecret = secret;
  }
  return lastSecretBytes;
}

/** The top-level Message-Authenticator (RFC 2869 §5.14), not a vendor's or a child's 80. */
function isMessageAuthenticator(attr: Attribute): boolean {
  const def = attr.def;
  return def !== undefined && def.code === MESSAGE_AUTHENTICATOR && def.vendor === undefined &&
    def.parent === undefined;
}

function isTagged(def: AttributeDef, input: unknown): input is Tagged {
  return def.flags.hasTag && typeof input === "object" && input !== null && "tag" in input &&
    "value" in input;
}

/** Set by Packet's static block: {@linkcode encodePacketInto}'s way in to `#encode`. */
let encodeWith: (
  packet: Packet<object>,
  secret: Secret,
  allocate: (length: number) => Uint8Array,
) => Uint8Array;

/**
 * A RADIUS packet: code, identifier, authenticator and attributes in wire
 * order. Build one with {@linkcode Packet.create} or
 * {@linkcode Packet.reply}, read one with {@linkcode Packet.decode}.
 * Hidden attributes (User-Password, Tunnel-Password, …) are hidden by
 * {@linkcode Packet.encode} and revealed by {@linkcode Packet.decode}, from
 * the dictionary's `encrypt` flags. `console.log(packet)` and `util.inspect`
 * show the {@linkcode Packet.toJSON} view, with secret values hidden.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 * });
 * const bytes = request.encode("testing123");
 * const received = Packet.decode(bytes, { dictionary, secret: "testing123" });
 * assert.equal(received.get("User-Password"), "hello");
 * ```
 */
export class Packet<A extends object = AnyAttributes> {
  /** The packet code (see {@linkcode Code}). */
  code: Code;
  /** The Identifier, 0..255. */
  id: number;
  /**
   * The Authenticator: random for Access-Request and Status-Server, set by
   * {@linkcode Packet.encode} for codes whose authenticator is computed.
   */
  authenticator: Uint8Array;
  /** The dictionary that names this packet's attributes. */
  readonly dictionary: DictionaryView<A>;
  /** For a reply: the request it answers. */
  readonly request: Packet<A> | undefined;
  #attributes: Attribute[];

  /**
   * Creates a packet; prefer {@linkcode Packet.create} and {@linkcode Packet.reply}.
   *
   * @param code The packet code.
   * @param id The Identifier.
   * @param authenticator The 16-byte Authenticator.
   * @param dictionary The dictionary naming the attributes.
   * @param attributes Attributes in wire order.
   * @param request The request a reply answers.
   * @throws {RangeError} for a code outside {@linkcode Code}, an Identifier
   * outside 0..255 or an authenticator that is not 16 bytes.
   */
  constructor(
    code: Code,
    id: number,
    authenticator: Uint8Array,
    dictionary: DictionaryView<A>,
    attributes: Attribute[] = [],
    request?: Packet<A>,
  ) {
    if (!isCode(code)) {
      throw new RangeError(
        `Packet code ${code} is not in the RADIUS packet type registry; use one of Code's values`,
      );
    }
    if (!Number.isInteger(id) || id < 0 || id > 255) {
      throw new RangeError(`Packet id must be 0..255, got ${id}`);
    }
    if (authenticator.length !== 16) {
      throw new RangeError(`An authenticator is 16 bytes, got ${authenticator.length}`);
    }
    this.code = code;
    this.id = id;
    this.authenticator = authenticator;
    this.dictionary = dictionary;
    this.#attributes = attributes;
    this.request = request;
  }

  /**
   * Builds a request (or any packet) from attribute names and values.
   *
   * @param code A packet code or its name, e.g. `Code.AccessRequest` or `"Access-Request"`.
   * @param dictionary The dictionary that defines the attribute names.
   * @param attributes Attribute name → value, or an array of values for a repeated attribute.
   * @param options Identifier and authenticator, random by default.
   * @returns The packet.
   * @throws {UnknownAttributeError} for a name the dictionary lacks.
   * @throws {ValueError} for a value that does not fit its attribute.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const packet = Packet.create("Accounting-Request", Dictionary.default(), {
   *   "User-Name": "bob",
   *   "Acct-Status-Type": "Start",
   *   "Class": ["a", "b"],
   * });
   * // Octets given as text are kept as its UTF-8 bytes.
   * assert.deepEqual(packet.getAll("Class"), [new Uint8Array([0x61]), new Uint8Array([0x62])]);
   * ```
   */
  static create<A extends object>(
    code: Code | CodeName,
    dictionary: DictionaryView<A>,
    attributes: AttributesInit<A> = {},
    options: CreateOptions = {},
  ): Packet<A> {
    const numeric = toCode(code);
    const authenticator = options.authenticator ??
      (hasComputedRequestAuthenticator(numeric) ? new Uint8Array(16) : randomBytes(16));
    const packet = new Packet<A>(numeric, options.id ?? randomByte(), authenticator, dictionary);
    packet.update(attributes);
    return packet;
  }

  /**
   * Reads a packet from a datagram. Does not verify authenticators: call
   * `checkRequest` / `checkResponse` (or let `Server`/`Client` do it) first.
   *
   * @param datagram The received bytes (octets past the Length field are ignored, RFC 2865 §3).
   * @param options The dictionary, the secret (to reveal hidden values) and, for a reply, its request.
   * @returns The packet.
   * @throws {MalformedPacketError} if the bytes do not frame as a RADIUS packet
   * or its code is not in the registry.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * // RFC 2865 §7.1, secret "xyzzy5461".
   * const hex = "010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003";
   * const bytes = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
   * const packet = Packet.decode(bytes, { dictionary: Dictionary.default(), secret: "xyzzy5461" });
   * assert.equal(packet.get("User-Password"), "arctangent");
   * assert.equal(packet.get("NAS-IP-Address"), "192.168.1.16");
   * ```
   */
  static decode<A extends object>(datagram: Uint8Array, options: DecodeOptions<A>): Packet<A> {
    return decodeDatagram(datagram, options, false);
  }

  /** The registry name of {@linkcode Packet.code}, e.g. `"Access-Accept"`. */
  get codeName(): string {
    return codeName(this.code);
  }

  /**
   * The first value of an attribute, of its declared type, or `undefined`.
   * A received value that did not decode as its type (a wrong-length
   * address, text that is not UTF-8, a hidden value without the secret to
   * reveal it) is skipped: {@linkcode Packet.getRaw} returns its bytes, and
   * its {@linkcode Attribute} has `verbatim: true`.
   *
   * @param name The attribute name, or `Attr-<oid>` for one the dictionary lacks.
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
   * const name: string | undefined = request.get("User-Name");
   * assert.equal(name, "bob");
   * ```
   */
  get<N extends AttributeName<A>>(name: N): ValueOf<N, A> | undefined {
    const def = this.dictionary.attribute(name);
    for (const attr of this.#attributes) {
      if ((def !== undefined ? attr.def === def : attr.name === name) && attr.verbatim !== true) {
        return attr.value as ValueOf<N, A>;
      }
    }
    return undefined;
  }

  /**
   * Every value of an attribute that decoded as its type, in wire order (see
   * {@linkcode Packet.get}).
   *
   * @param name The attribute name.
   * @returns The values; empty when absent.
   */
  getAll<N extends AttributeName<A>>(name: N): ValueOf<N, A>[] {
    const def = this.dictionary.attribute(name);
    const values: ValueOf<N, A>[] = [];
    for (const attr of this.#attributes) {
      if ((def !== undefined ? attr.def === def : attr.name === name) && attr.verbatim !== true) {
        values.push(attr.value as ValueOf<N, A>);
      }
    }
    return values;
  }

  /**
   * The Value field of the first occurrence of an attribute as it was
   * received: hidden values in their hidden form, a tag left out, and values
   * that did not decode as their type (which {@linkcode Packet.get} skips).
   * `undefined` when the attribute is absent or was not received (built by
   * this program).
   *
   * @param name The attribute name, or `Attr-<oid>`.
   * @returns A copy of the received bytes.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * // A NAS-IP-Address of 3 octets instead of 4.
   * const bytes = new Uint8Array([1, 7, 0, 25, ...new Uint8Array(16), 4, 5, 10, 0, 1]);
   * const request = Packet.decode(bytes, { dictionary: Dictionary.default() });
   * assert.equal(request.has("NAS-IP-Address"), true);
   * assert.equal(request.get("NAS-IP-Address"), undefined);
   * assert.deepEqual(request.getRaw("NAS-IP-Address"), new Uint8Array([10, 0, 1]));
   * ```
   */
  getRaw(name: AttributeName<A>): Uint8Array | undefined {
    const def = this.dictionary.attribute(name);
    for (const attr of this.#attributes) {
      if (def !== undefined ? attr.def === def : attr.name === name) {
        const raw = attr.raw ?? (attr.verbatim === true ? attr.value as Uint8Array : undefined);
        return raw?.slice();
      }
    }
    return undefined;
  }

  /**
   * Whether the packet holds the attribute, whether or not its value decoded.
   *
   * @param name The attribute name.
   * @returns `true` if present.
   */
  has(name: AttributeName<A>): boolean {
    const def = this.dictionary.attribute(name);
    return this.#attributes.some((attr) =>
      def !== undefined ? attr.def === def : attr.name === name
    );
  }

  /**
   * Appends a value (or several) of an attribute.
   *
   * @param name The attribute name, or `Attr-<oid>` for one named by number
   * as FreeRADIUS names what its dictionary lacks (`Attr-26.9.1`,
   * `Attr-241.5`, `Attr-26`), whose value is raw bytes, sent as they are.
   * @param value The value, a tagged value, or an array of them.
   * @returns This packet.
   * @throws {UnknownAttributeError} for a name the dictionary lacks.
   * @throws {ValueError} for a value that does not fit the attribute.
   */
  add<N extends AttributeName<A>>(name: N, value: InputOf<N, A> | readonly InputOf<N, A>[]): this {
    if (RAW_NAME.test(name) && this.dictionary.attribute(name) === undefined) {
      // `Attr-<oid>` with raw bytes, as FreeRADIUS names what its dictionary lacks.
      const built: Attribute[] = [];
      for (const item of Array.isArray(value) ? value : [value]) {
        const raw = rawAttribute(this.dictionary, name, item);
        if ("attribute" in raw) built.push(raw.attribute);
        else this.#build(raw.def, raw.value, built);
      }
      this.#attributes.push(...built);
      return this;
    }
    this.#build(requireDef(this.dictionary, name), value, this.#attributes);
    return this;
  }

  /**
   * Replaces every value of an attribute (the first occurrence keeps its place).
   *
   * @param name The attribute name.
   * @param value The new value(s).
   * @returns This packet.
   */
  set<N extends AttributeName<A>>(name: N, value: InputOf<N, A> | readonly InputOf<N, A>[]): this {
    const def = requireDef(this.dictionary, name);
    const added: Attribute[] = [];
    this.#build(def, value, added);
    const index = this.#attributes.findIndex((attr) => attr.def === def);
    this.#attributes = this.#attributes.filter((attr) => attr.def !== def);
    this.#attributes.splice(index === -1 ? this.#attributes.length : index, 0, ...added);
    return this;
  }

  /**
   * Adds several attributes from an object, as {@linkcode Packet.create} does.
   *
   * @param attributes Attribute name → value(s).
   * @returns This packet.
   */
  update(attributes: AttributesInit<A>): this {
    const loose = this as Packet<AnyAttributes>;
    for (const name in attributes) {
      if (Object.hasOwn(attributes, name)) {
        loose.add(name, (attributes as Record<string, AttributeInput>)[name]!);
      }
    }
    return this;
  }

  /**
   * Removes every value of an attribute.
   *
   * @param name The attribute name.
   * @returns `true` if something was removed.
   */
  delete(name: AttributeName<A>): boolean {
    const def = this.dictionary.attribute(name);
    const before = this.#attributes.length;
    this.#attributes = this.#attributes.filter((attr) =>
      def !== undefined ? attr.def !== def : attr.name !== name
    );
    return this.#attributes.length !== before;
  }

  /**
   * The attributes in wire order, with tags and raw bytes.
   *
   * @returns A copy of the attribute list.
   */
  attributes(): Attribute[] {
    return this.#attributes.slice();
  }

  /** Iterates `[name, value]` pairs in wire order. */
  *[Symbol.iterator](): IterableIterator<[string, AttributeValue]> {
    for (const attr of this.#attributes) yield [attr.name, attr.value];
  }

  /**
   * Builds the reply to this request: same Identifier, the request's
   * Proxy-State attributes copied in order (RFC 2865 §5.33), and this
   * request kept for the Response Authenticator.
   *
   * @param code The reply code, e.g. `Code.AccessAccept`.
   * @param attributes Attributes of the reply.
   * @returns The reply packet.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
   * const reply = request.reply(Code.AccessAccept, { "Framed-IP-Address": "192.168.0.1" });
   * assert.equal(reply.id, request.id);
   * assert.equal(reply.request, request);
   * ```
   */
  reply(code: Code | CodeName, attributes: AttributesInit<A> = {}): Packet<A> {
    const reply = new Packet<A>(
      toCode(code),
      this.id,
      new Uint8Array(16),
      this.dictionary,
      [],
      this,
    );
    reply.update(attributes);
    const into = reply.#attributes;
    for (const attr of this.#attributes) {
      const def = attr.def;
      const proxyState = def === undefined
        ? attr.name === "Attr-33"
        : def.code === PROXY_STATE && def.vendor === undefined && def.parent === undefined;
      if (proxyState) into.push(attr);
    }
    return reply;
  }

  /**
   * Encodes the packet: hides hidden attributes, puts a Message-Authenticator
   * first where RFC 3579 §3.2 / BlastRADIUS call for one (Access-Request,
   * Status-Server, Access-Accept/Reject/Challenge and replies to
   * Status-Server, or wherever the packet holds one), and computes the
   * authenticators. Updates {@linkcode Packet.authenticator} for codes whose
   * authenticator is computed.
   *
   * @param secret The shared secret.
   * @returns The datagram.
   * @throws {PacketTooLargeError} if the packet exceeds 4096 bytes.
   * @throws {TypeError} for a reply without the request it answers, or an
   * empty secret (RFC 2865 §3 forbids one).
   */
  encode(secret: Secret): Uint8Array {
    return this.#encode(secret, undefined);
  }

  static {
    encodeWith = (packet, secret, allocate) => packet.#encode(secret, allocate);
    // util.inspect / console.log on every runtime: the toJSON() view, secrets hidden.
    safeInspect(
      Packet.prototype,
      "Packet",
      (packet: Packet<object>) => packet.toJSON(),
      (packet: Packet<object>) => `[Packet ${packet.codeName} Id ${packet.id}]`,
    );
  }

  #encode(secret: Secret, allocate: ((length: number) => Uint8Array) | undefined): Uint8Array {
    if (secret.length === 0) {
      throw new TypeError(
        `Cannot encode a ${this.codeName} with an empty shared secret: RFC 2865 §3 forbids one`,
      );
    }
    const key = secretBytes(secret);
    const code = this.code;
    const computed = hasComputedRequestAuthenticator(code);
    const request = isRequest(code) ? undefined : this.request;
    if (!isRequest(code) && request === undefined) {
      throw new TypeError(
        `${
          article(this.codeName)
        } ${this.codeName} needs the request it answers: build it with request.reply(code)`,
      );
    }
    const vector = computed
      ? ZERO_VECTOR
      : request !== undefined
      ? request.authenticator
      : this.authenticator;
    const holdsMessageAuthenticator = this.#attributes.some(isMessageAuthenticator);
    const withMessageAuthenticator = holdsMessageAuthenticator || code === Code.AccessRequest ||
      code === Code.StatusServer || code === Code.AccessAccept || code === Code.AccessReject ||
      code === Code.AccessChallenge || request?.code === Code.StatusServer;

    const out = packetWriter;
    out.pos = 0;
    out.u8(code);
    out.u8(this.id);
    out.u16(0);
    out.bytes(vector);
    if (withMessageAuthenticator) {
      out.u8(MESSAGE_AUTHENTICATOR);
      out.u8(18);
      out.ensure(16);
      out.buf.fill(0, out.pos, out.pos + 16);
      out.pos += 16;
    }
    // radkit writes the Message-Authenticator itself, first; one the packet holds is left out.
    const attributes = holdsMessageAuthenticator
      ? this.#attributes.filter((attr) => !isMessageAuthenticator(attr))
      : this.#attributes;
    encodeAttributes(attributes, out, { secret: key, vector });
    const length = out.pos;
    if (length > MAX_PACKET_LENGTH) {
      throw new PacketTooLargeError(this.codeName, length);
    }
    const buf = out.buf;
    buf[2] = length >> 8;
    buf[3] = length & 0xff;
    if (withMessageAuthenticator) {
      // The header already holds the vector RFC 3579 §3.2 / RFC 5176 §3.5 ask for.
      const at = HEADER_LENGTH + 2;
      computeMessageAuthenticator(buf, length, at, key, undefined, buf, at);
    }
    const computesAuthenticator = computed || request !== undefined;
    // Written in place: the hash reads bytes 0..4 and 20.., never 4..20.
    if (computesAuthenticator) computeAuthenticator(buf, length, vector, key, buf, 4);
    if (allocate === undefined) {
      const datagram = out.copy();
      if (computesAuthenticator) this.authenticator = datagram.slice(4, 20);
      return datagram;
    }
    const datagram = allocate(length);
    datagram.set(buf.subarray(0, length));
    if (computesAuthenticator) this.authenticator = datagram.subarray(4, 20);
    return datagram;
  }

  /**
   * A JSON-friendly view: `{ code, id, authenticator, attributes: [{ name, value, tag? }] }`
   * with bytes as `0x…` hex, bigints as strings and dates as ISO text.
   * Secret values (see `isSecretAttribute`: User-Password, Tunnel-Password,
   * MS-CHAP and EAP material, …) are `"<hidden, N bytes>"` unless
   * `{ reveal: true }` is given, so `JSON.stringify(packet)` is safe to log.
   *
   * @param options `reveal: true` to include secret values.
   * @returns The plain object.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, Packet } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
   *   "User-Name": "bob",
   *   "User-Password": "hello",
   * });
   * assert.deepEqual(request.toJSON().attributes[1], {
   *   name: "User-Password",
   *   value: "<hidden, 5 bytes>",
   * });
   * assert.equal(request.toJSON({ reveal: true }).attributes[1]?.value, "hello");
   * assert.doesNotMatch(JSON.stringify(request), /hello/);
   * ```
   */
  toJSON(options?: PacketJsonOptions): PacketJson {
    // JSON.stringify calls toJSON(key) with a string: only an options object reveals.
    const reveal = typeof options === "object" && options !== null && options.reveal === true;
    return {
      code: this.codeName,
      id: this.id,
      authenticator: toHex(this.authenticator),
      attributes: this.#attributes.map((attr) => {
        const value = reveal ? attr.value : redactValue(attr.def, attr.name, attr.value);
        const json: AttributeJson = { name: attr.name, value: jsonValue(value as AttributeValue) };
        if (attr.tag !== undefined) json.tag = attr.tag;
        return json;
      }),
    };
  }

  /**
   * Appends to `into` the validated attribute records of a value or of each
   * of several: all of them, or none when one does not validate.
   */
  #build(def: AttributeDef, value: unknown, into: Attribute[]): void {
    if (!Array.isArray(value)) {
      into.push(this.#buildOne(def, value as AttributeInput));
      return;
    }
    const built: Attribute[] = [];
    for (const item of value as readonly AttributeInput[]) built.push(this.#buildOne(def, item));
    for (const attr of built) into.push(attr);
  }

  #buildOne(def: AttributeDef, item: AttributeInput): Attribute {
    const tagged = isTagged(def, item);
    let value = tagged ? item.value : item;
    // Octets given as text are kept as the bytes they stand for, so that
    // get() returns what the types promise and what a decoded packet holds.
    if (typeof value === "string" && def.type === "octets") value = octetsFromText(def, value);
    // Ascend filter text is compiled (and refused when it does not compile).
    if (def.type === "abinary") value = filterValue(def, value);
    const attr = attribute(
      def,
      def.name,
      value,
      tagged ? item.tag : undefined,
      undefined,
      undefined,
    );
    checkValue(attr);
    return attr;
  }
}

/**
 * {@linkcode Packet.encode} into bytes from `allocate` (given the length),
 * which the packet's computed authenticator then is a view into. The Server
 * encodes its replies with this, into blocks shared by many replies.
 */
export function encodePacketInto(
  packet: Packet<object>,
  secret: Secret,
  allocate: (length: number) => Uint8Array,
): Uint8Array {
  return encodeWith(packet, secret, allocate);
}

/**
 * {@linkcode Packet.decode} for a datagram the caller owns and hands over,
 * as a transport's `onMessage` does: the authenticator and byte values of
 * the packet may be views into `datagram`, which must not be changed
 * afterwards. The Server and the Client decode with this.
 */
export function decodeOwnedDatagram<A extends object>(
  datagram: Uint8Array,
  options: DecodeOptions<A>,
): Packet<A> {
  return decodeDatagram(datagram, options, true);
}

function decodeDatagram<A extends object>(
  datagram: Uint8Array,
  options: DecodeOptions<A>,
  owned: boolean,
): Packet<A> {
  const length = packetLength(datagram);
  const code = datagram[0]!;
  if (!isCode(code)) {
    // RFC 2865 §3: a packet with an invalid Code field is silently discarded.
    throw new MalformedPacketError(`code ${code} is not in the RADIUS packet type registry`, 0);
  }
  let authenticator: Uint8Array;
  if (owned) authenticator = datagram.subarray(4, 20);
  else {
    // A loop into a new array beats slice() at 16 bytes on all three runtimes.
    authenticator = new Uint8Array(16);
    for (let i = 0; i < 16; i++) authenticator[i] = datagram[4 + i]!;
  }
  const vector = hasComputedRequestAuthenticator(code)
    ? ZERO_VECTOR
    : isRequest(code)
    ? authenticator
    : options.request?.authenticator;
  const attributes: Attribute[] = [];
  decodeAttributes(datagram, HEADER_LENGTH, length, {
    dictionary: options.dictionary,
    secret: options.secret === undefined || vector === undefined
      ? undefined
      : secretBytes(options.secret),
    vector: vector ?? ZERO_VECTOR,
    owned,
    maxAttributes: options.maxAttributes,
  }, attributes);
  return new Packet<A>(
    code,
    datagram[1]!,
    authenticator,
    options.dictionary,
    attributes,
    options.request,
  );
}

/**
 * One attribute in {@linkcode PacketJson}.
 *
 * @example Usage
 * ```ts
 * import { type AttributeJson, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "Tunnel-Type": { tag: 1, value: "VLAN" },
 *   "Event-Timestamp": new Date(0),
 * });
 * const attributes: AttributeJson[] = request.toJSON().attributes;
 * assert.deepEqual(attributes, [
 *   { name: "Tunnel-Type", value: "VLAN", tag: 1 },
 *   { name: "Event-Timestamp", value: "1970-01-01T00:00:00.000Z" },
 * ]);
 * ```
 */
export interface AttributeJson {
  /** The attribute name. */
  name: string;
  /** The value: text, number, `0x…` hex for bytes, a string for integer64, ISO text for dates, or an object for a TLV. */
  value: unknown;
  /** The tag, when the attribute carries one. */
  tag?: number;
}

/**
 * Options of {@linkcode Packet.toJSON}.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type PacketJsonOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Password": "hello" });
 * const options: PacketJsonOptions = { reveal: true };
 * assert.equal(request.toJSON(options).attributes[0]?.value, "hello");
 * ```
 */
export interface PacketJsonOptions {
  /** Include secret values instead of `<hidden, N bytes>` (default `false`). */
  reveal?: boolean;
}

/**
 * The shape of {@linkcode Packet.toJSON}.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type PacketJson } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccountingRequest, Dictionary.default(), {
 *   "User-Name": "bob",
 *   "Class": new Uint8Array([1, 2]),
 * }, { id: 7 });
 * const json: PacketJson = request.toJSON();
 * assert.equal(json.code, "Accounting-Request");
 * assert.equal(json.id, 7);
 * assert.deepEqual(json.attributes.map((attribute) => attribute.value), ["bob", "0x0102"]);
 * assert.equal(JSON.stringify(request), JSON.stringify(json));
 * ```
 */
export interface PacketJson {
  /** The code name, e.g. `"Access-Accept"`. */
  code: string;
  /** The Identifier. */
  id: number;
  /** The Authenticator as hex. */
  authenticator: string;
  /** Attributes in wire order. */
  attributes: AttributeJson[];
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function jsonValue(value: AttributeValue): unknown {
  if (value instanceof Uint8Array) return `0x${toHex(value)}`;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map((
        [k, v],
      ) => [k, Array.isArray(v) ? v.map(jsonValue) : jsonValue(v)]),
    );
  }
  return value;
}

/** The definition of a name the dictionary must know, or a typed error that suggests close names. */
/** A code given as a number or a registry name; a programmer error otherwise. */
function toCode(code: Code | CodeName): Code {
  const numeric = typeof code === "number" ? code : codeFromName(code);
  if (numeric === undefined || !isCode(numeric)) {
    throw new TypeError(
      `Unknown packet code ${
        JSON.stringify(code)
      }: use a Code value or a name such as "Access-Request"`,
    );
  }
  return numeric;
}

/** "A" or "An", as the name that follows is spoken. */
function article(name: string): string {
  return /^[AEIOU]/i.test(name) ? "An" : "A";
}

function requireDef(dictionary: DictionaryView, name: string): AttributeDef {
  const def = dictionary.attribute(name);
  if (def !== undefined) return def;
  if (/^Attr-/i.test(name)) {
    throw new RadiusError(
      `Cannot set "${name}": give an attribute named by number raw bytes with add()`,
    );
  }
  throw new UnknownAttributeError(name, dictionary.suggest(name, 3));
}

/** Runs the encoder's checks on one value so that a bad value fails where it is set. */
function checkValue(attr: Attribute): void {
  try {
    validateAttribute(attr.def!, attr.value, attr.tag);
  } catch (error) {
    if (error instanceof ValueError || error instanceof RangeError) throw error;
    throw new ValueError(attr.name, attr.def?.type ?? "unknown", attr.value, String(error), {
      cause: error,
      secret: attr.def !== undefined && holdsSecret(attr.def),
    });
  }
}
