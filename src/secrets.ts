/**
 * Which attribute values are secret, and how a secret value is shown: the
 * one rule every error message, log line, `toJSON()` and `inspect` output of
 * radkit follows (as FreeRADIUS 3.2.9's `suppress_secrets`).
 *
 * @module
 */
import type { AttributeDef } from "./dictionary/model.ts";

/**
 * Authentication material identified by its number (dotted OID: vendor and
 * number, so every alias of an attribute is covered), beyond what the
 * dictionary flags `encrypt=N` or `secret`. Older dictionaries (Debian's
 * FreeRADIUS 3.2.1) flag none of these.
 */
const SECRET_OIDS: ReadonlySet<string> = new Set([
  // RFC 2865 §5.3, §5.40: CHAP response and challenge (enough for an offline attack).
  "3",
  "60",
  // RFC 2869 §5.4, §5.8, §5.15: ARAP password, security module data, challenge response.
  "70",
  "74",
  "84",
  // RFC 3579 §3.1: EAP-Message carries the EAP method's challenges and responses.
  "79",
  // RFC 5090 §4.1, §4.4, §4.19: Digest-Response, Digest-Response-Auth (the
  // server's proof, as MS-CHAP2-Success) and Digest-HA1 (a password hash).
  "103",
  "106",
  "121",
  // RFC 2548 (Microsoft, 311): MS-CHAP-Response, MS-CHAP-CPW-1/2, MS-CHAP-LM-Enc-PW,
  // MS-CHAP-NT-Enc-PW, MS-CHAP-Challenge, MS-CHAP-MPPE-Keys, MS-MPPE-Send/Recv-Key,
  // MS-CHAP2-Response, MS-CHAP2-Success (the authenticator response), MS-CHAP2-CPW.
  ...[1, 3, 4, 5, 6, 11, 12, 16, 17, 25, 26, 27].map((type) => `26.311.${type}`),
  // FreeRADIUS's internal password attributes, flagged `secret` in its 3.2.9
  // dictionary.freeradius.internal: Crypt-Password, EAP-MD5-Password,
  // NS-MTA-MD5-Password, LM/NT-Password, the SHA/SSHA/MD5/SMD5 passwords,
  // Cleartext-Password, Password-With-Header, EAP-IKEv2-Secret,
  // FreeRADIUS-Client-Secret, MS-CHAP-Password, MS-CHAP-New-*-Password, the
  // SSHA2/SSHA3/PBKDF2 passwords, EAP-Pwd-Password-Hash, PSK-Password.
  ...[1006, 1022, 1054, 1057, 1058, 1092, 1093, 1094, 1095, 1096, 1100, 1101, 1105, 1123]
    .map(String),
  ...[1133, 1136, 1137, 1220, 1225].map(String),
  ...Array.from({ length: 1189 - 1177 + 1 }, (_, i) => String(1177 + i)),
]);

/**
 * Whether values of an attribute are secret: hidden on the wire (`encrypt=1`,
 * `2` or `3`: User-Password, Tunnel-Password, MS-MPPE keys,
 * Ascend-Send-Secret, …), flagged `secret` in the dictionary, or
 * challenge/response material (CHAP-Password, CHAP-Challenge, EAP-Message,
 * MS-CHAP and MS-CHAPv2 challenges, responses and encrypted passwords,
 * ARAP and Digest responses) and FreeRADIUS's internal password attributes.
 * Such values never appear in radkit's messages, logs, `toJSON()` or
 * `inspect` output: `<hidden, N bytes>` stands in their place.
 *
 * @param def The attribute's definition (aliases share their number, and so the answer).
 * @returns `true` when its values must stay out of messages and logs.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, isSecretAttribute } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const secret = (name: string) => isSecretAttribute(dictionary.attribute(name)!);
 * assert.equal(secret("User-Password"), true); // encrypt=1
 * assert.equal(secret("Tunnel-Password"), true); // encrypt=2
 * assert.equal(secret("MS-CHAP2-Response"), true); // challenge/response material
 * assert.equal(secret("EAP-Message"), true);
 * assert.equal(secret("User-Name"), false);
 * ```
 */
export function isSecretAttribute(def: AttributeDef): boolean {
  return def.flags.encrypt !== 0 || def.flags.secret || SECRET_OIDS.has(def.oid);
}

/**
 * Whether an attribute is secret, also one the dictionary does not define,
 * named `Attr-<oid>`, by its number: `Attr-26.311.11` (a vendor without that
 * attribute), or `Attr-26` whose Vendor-Specific data (vendor without a
 * dictionary, RFC 2865 §5.26's suggested format) holds, say, MS-CHAP material.
 */
export function isSecretRecord(
  attr: { readonly def: AttributeDef | undefined; readonly name: string; readonly value: unknown },
): boolean {
  if (attr.def !== undefined) return isSecretAttribute(attr.def);
  if (!attr.name.startsWith("Attr-")) return false;
  const oid = attr.name.slice(5);
  if (SECRET_OIDS.has(oid)) return true;
  const value = attr.value;
  // Attr-26 (no Vendor-Specific definition) and Attr-26.<vendor> (no such vendor)
  // keep the whole Vendor-Specific value: Vendor-Id, then sub-attributes.
  if (!/^26(\.\d+)?$/.test(oid) || !(value instanceof Uint8Array) || value.length < 6) return false;
  const vendor = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
  for (let p = 4; p + 2 <= value.length && value[p + 1]! >= 2; p += value[p + 1]!) {
    if (SECRET_OIDS.has(`26.${vendor}.${value[p]}`)) return true;
  }
  return false;
}

const holding = new WeakMap<AttributeDef, boolean>();

/**
 * Whether a value of `def` can hold a secret: `def` is secret, or it is a
 * TLV with a secret descendant.
 */
export function holdsSecret(def: AttributeDef): boolean {
  let holds = holding.get(def);
  if (holds === undefined) {
    holds = isSecretAttribute(def);
    for (const child of def.children.values()) holds ||= holdsSecret(child);
    holding.set(def, holds);
  }
  return holds;
}

const encoder = new TextEncoder();

/** Bytes of a value: UTF-8 for text, the length for bytes, else the UTF-8 of its text form. */
function byteLength(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === "string") return encoder.encode(value).length;
  let text: string;
  try {
    text = typeof value === "bigint" ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return encoder.encode(text).length;
}

/**
 * What stands in for a secret value: `<hidden, N bytes>`, where N is the
 * UTF-8 length of text, the length of bytes, and the UTF-8 length of the
 * text form of anything else.
 *
 * @param value The secret value.
 * @returns The placeholder text.
 *
 * @example Usage
 * ```ts
 * import { hiddenValue } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hiddenValue("héllo"), "<hidden, 6 bytes>");
 * assert.equal(hiddenValue(new Uint8Array(16)), "<hidden, 16 bytes>");
 * ```
 */
export function hiddenValue(value: unknown): string {
  return `<hidden, ${byteLength(value)} bytes>`;
}

/** A TLV child of `def` by name, case-insensitive (TLVs are small: a scan is enough). */
function childByName(def: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  for (const child of def.children.values()) if (child.name.toLowerCase() === lower) return child;
  return undefined;
}

/**
 * `value` with every secret part replaced by its {@linkcode hiddenValue}
 * text: the whole value when `def` is secret, secret children inside a TLV
 * value, and nothing otherwise (the same value is returned).
 */
export function redactValue(def: AttributeDef | undefined, name: string, value: unknown): unknown {
  if (def === undefined) return isSecretRecord({ def, name, value }) ? hiddenValue(value) : value;
  if (isSecretAttribute(def)) return hiddenValue(value);
  if (
    def.type !== "tlv" || typeof value !== "object" || value === null ||
    value instanceof Uint8Array || value instanceof Date || !holdsSecret(def)
  ) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const child = childByName(def, key);
    out[key] = Array.isArray(inner)
      ? inner.map((item) => redactValue(child, `${def.name}.${key}`, item))
      : redactValue(child, `${def.name}.${key}`, inner);
  }
  return out;
}

/** Text forms of a secret value that a message might carry: as is, JSON-escaped and as hex. */
function forms(value: unknown, into: Set<string>): void {
  let bytes: Uint8Array | undefined;
  if (typeof value === "string") {
    into.add(value);
    into.add(JSON.stringify(value).slice(1, -1));
    bytes = encoder.encode(value);
  } else if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const inner of Object.values(value)) {
      for (const item of Array.isArray(inner) ? inner : [inner]) forms(item, into);
    }
    return;
  }
  if (bytes === undefined || bytes.length === 0) return;
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  into.add(hex);
  into.add(hex.toUpperCase());
  if (typeof value !== "string") {
    // Bytes that are text (a password that did not decode as its type) may be printed as text.
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    if (/^[\x20-\x7e]+$/.test(text)) into.add(text);
  }
}

/**
 * Removes secret values from text about a packet (an error a request
 * handler threw, say): every occurrence of a secret attribute's value, as
 * text, JSON-escaped or as hex, becomes `<hidden, N bytes>`. Values of one
 * character are left alone (they would garble the text, and tell nothing).
 */
export class SecretScrubber {
  #forms: string[];

  /**
   * Collects the secret values of some attributes.
   *
   * @param attributes Attributes of the packets the text may be about.
   */
  constructor(
    attributes: Iterable<{ def: AttributeDef | undefined; name: string; value: unknown }>,
  ) {
    const found = new Set<string>();
    for (const attr of attributes) {
      const redacted = redactValue(attr.def, attr.name, attr.value);
      if (redacted !== attr.value) forms(secretParts(attr.def, attr.value), found);
    }
    // Longest first, so that a value is replaced before any value it contains.
    this.#forms = [...found].filter((form) => form.length > 1).sort((a, b) => b.length - a.length);
  }

  /** Whether there is anything to remove. */
  get empty(): boolean {
    return this.#forms.length === 0;
  }

  /**
   * The text with every secret value replaced.
   *
   * @param text Any text.
   * @returns The text, with secrets hidden.
   */
  scrub(text: string): string {
    let out = text;
    for (const form of this.#forms) {
      if (out.includes(form)) out = out.split(form).join(hiddenValue(form));
    }
    return out;
  }

  /**
   * An error with secret values removed from its message, stack and string
   * properties, and from its cause: the same error when it holds none, else a
   * copy with the same prototype (so `instanceof` and `code` still work).
   *
   * @param error Anything thrown.
   * @returns The error to log.
   */
  scrubError(error: unknown, depth = 0): unknown {
    if (this.empty) return error;
    if (typeof error === "string") return this.scrub(error);
    if (typeof error !== "object" || error === null || depth > 4) return error;
    const proto: unknown = Object.getPrototypeOf(error);
    // Errors, and plain objects thrown as errors; anything else (a Packet
    // inspects without secrets) is logged as it is.
    if (!(error instanceof Error) && proto !== Object.prototype && proto !== null) return error;
    let changed = false;
    const copy = Object.create(proto as object | null) as Error;
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
      // Read through accessors too (V8 may keep `stack` behind one).
      const value: unknown = (error as unknown as Record<PropertyKey, unknown>)[key];
      const scrubbed = typeof value === "object" && value !== null
        ? this.scrubError(value, depth + 1)
        : typeof value === "string"
        ? this.scrub(value)
        : value;
      if (scrubbed !== value) changed = true;
      Object.defineProperty(copy, key, {
        value: scrubbed,
        writable: true,
        enumerable: descriptor.enumerable ?? false,
        configurable: true,
      });
    }
    if (
      error instanceof Error && !Object.hasOwn(error, "stack") && typeof error.stack === "string"
    ) {
      const stack = this.scrub(error.stack);
      if (stack !== error.stack) changed = true;
      Object.defineProperty(copy, "stack", { value: stack, writable: true, configurable: true });
    }
    return changed ? copy : error;
  }
}

/** The secret parts of a value: all of it when `def` is secret, else its secret TLV children. */
function secretParts(def: AttributeDef | undefined, value: unknown): unknown {
  if (def === undefined || isSecretAttribute(def)) return value;
  if (typeof value !== "object" || value === null) return undefined;
  const parts: unknown[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const child = childByName(def, key);
    if (child === undefined || !holdsSecret(child)) continue;
    for (const item of Array.isArray(inner) ? inner : [inner]) {
      parts.push(secretParts(child, item));
    }
  }
  return { parts };
}

type Inspect = (value: unknown, options: unknown) => string;

/** Node's (and Bun's) inspect hook. */
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** Deno's inspect hook, `Symbol.for("Deno" + ".customInspect")` (spelled so no runtime global is named). */
const DENO_INSPECT = Symbol.for(["Deno", "customInspect"].join("."));

/**
 * Gives the objects of a class (`proto`: its prototype) an inspect view for
 * Node and Bun (`util.inspect`, `console.log`) and Deno (its `inspect` and
 * `console.log`): `label` and then `view(object)`, which must hold no
 * secret. At `depth` below 0 (nested too deep) only `short(object)` shows.
 */
export function safeInspect<T>(
  proto: object,
  label: string,
  view: (object: T) => unknown,
  short: (object: T) => string = () => `[${label}]`,
): void {
  const show = (object: T, depth: number, inspect: Inspect | undefined, options: unknown) => {
    if (depth < 0) return short(object);
    const shown = view(object);
    let text: string | undefined;
    try {
      text = inspect?.(shown, options) ?? JSON.stringify(shown, null, 2);
    } catch {
      text = undefined;
    }
    return `${label} ${text ?? "{}"}`;
  };
  Object.defineProperty(proto, NODE_INSPECT, {
    value(this: T, depth: number, options: unknown, inspect?: Inspect): string {
      return show(this, depth, inspect, options);
    },
  });
  Object.defineProperty(proto, DENO_INSPECT, {
    value(this: T, inspect?: Inspect, options?: unknown): string {
      return show(this, 1, inspect, options);
    },
  });
}

/**
 * Gives attribute records of a class an inspect view (see
 * {@linkcode safeInspect}): `{ name, value, tag }`, a secret value shown as
 * `<hidden, N bytes>`, as `Packet` does.
 */
export function inspectWithoutSecrets(proto: object): void {
  safeInspect(
    proto,
    "Attribute",
    (attr: { def: AttributeDef | undefined; name: string; value: unknown; tag?: unknown }) => {
      const value = redactValue(attr.def, attr.name, attr.value);
      return attr.tag === undefined
        ? { name: attr.name, value }
        : { name: attr.name, value, tag: attr.tag };
    },
    (attr) => `[Attribute ${attr.name}]`,
  );
}
