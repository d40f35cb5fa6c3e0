/**
 * How the CLI prints packets: attribute lines as radclient prints them
 * (`\tName = value`, strings quoted, bytes as `0x…`), JSON objects in the
 * shape of `Packet.toJSON()`, and hex.
 *
 * @module
 */
import type { Attribute, AttributeDef, AttributeValue, Packet, PacketJson } from "../../mod.ts";
import { isSecretRecord, redactValue } from "../secrets.ts";

/**
 * A word with its indefinite article, by its first letter: "an
 * Access-Accept", "a CoA-ACK", "an extended", "a tlv". Enough for the packet
 * type and attribute type names the CLI prints.
 *
 * @param word The word.
 * @returns `"a word"` or `"an word"`.
 *
 * @example Usage
 * ```ts
 * import { withArticle } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(withArticle("Access-Accept"), "an Access-Accept");
 * assert.equal(withArticle("CoA-ACK"), "a CoA-ACK");
 * ```
 */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/**
 * Hex text of bytes, lower case, no separators.
 *
 * @param bytes The bytes.
 * @returns The hex text.
 *
 * @example Usage
 * ```ts
 * import { toHex } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toHex(new Uint8Array([1, 0xab])), "01ab");
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Whether an attribute's value must stay out of logs (`isSecretAttribute`:
 * hidden ones such as User-Password, `secret` ones, CHAP, MS-CHAP and EAP
 * material), also for an attribute the dictionary lacks, by its number.
 *
 * @param attribute The attribute.
 * @returns `true` when its value is secret.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { isSecret } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 * });
 * assert.deepEqual(packet.attributes().map(isSecret), [false, true]);
 * ```
 */
export function isSecret(attribute: Attribute): boolean {
  return isSecretRecord(attribute);
}

/**
 * A string value in double quotes, escaped as FreeRADIUS 3.2 prints it
 * (`fr_prints`): `\\`, `\"`, `\n`, `\r`, `\t`, and other control
 * characters as three octal digits, so that the text reads back as the
 * same value in radclient's input and in `radkit send`.
 *
 * @param text The value.
 * @returns The quoted text.
 *
 * @example Usage
 * ```ts
 * import { quote } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(quote('a"b\\c\n\u0001'), '"a\\"b\\\\c\\n\\001"');
 * ```
 */
export function quote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char === "\\" || char === '"') out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/**
 * Octets of a `string` value that are not all UTF-8, quoted as FreeRADIUS
 * prints them (`fr_prints`): UTF-8 characters as they are, every other
 * octet as `\ooo`, which radclient and `radkit send` read back as that octet.
 */
function quoteBytes(bytes: Uint8Array): string {
  let text = "";
  let out = "";
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length;) {
    const length = utf8Length(bytes, i);
    if (length === 0) {
      out += quote(text).slice(1, -1) + `\\${bytes[i]!.toString(8).padStart(3, "0")}`;
      text = "";
      i++;
    } else {
      text += decoder.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return `"${out}${quote(text).slice(1, -1)}"`;
}

/** The length of the well-formed UTF-8 character at `i` (RFC 3629 §4), or 0. */
function utf8Length(bytes: Uint8Array, i: number): number {
  const first = bytes[i]!;
  const cont = (at: number, low = 0x80, high = 0xbf) =>
    at < bytes.length && bytes[at]! >= low && bytes[at]! <= high;
  if (first < 0x80) return 1;
  if (first >= 0xc2 && first <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

function valueText(value: AttributeValue, type: string | undefined): string {
  if (value instanceof Uint8Array) {
    return type === "string" ? quoteBytes(value) : `0x${toHex(value)}`;
  }
  if (value instanceof Date) return quote(value.toISOString());
  if (typeof value === "string") {
    // radclient quotes Ascend filter text too.
    return type === "string" || type === "abinary" ? quote(value) : value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no"; // as FreeRADIUS prints a bool
  return String(value);
}

/** A TLV child by name (or undefined for an `Attr-<oid>` child the dictionary lacks). */
function childDef(def: AttributeDef | undefined, name: string): AttributeDef | undefined {
  if (def === undefined) return undefined;
  for (const child of def.children.values()) if (child.name === name) return child;
  return undefined;
}

/** `[name, value, def]` of every leaf of a value, TLVs flattened in order. */
function leaves(
  name: string,
  value: AttributeValue,
  def: AttributeDef | undefined,
): [string, AttributeValue, AttributeDef | undefined][] {
  if (
    typeof value !== "object" || value instanceof Uint8Array || value instanceof Date
  ) return [[name, value, def]];
  const result: [string, AttributeValue, AttributeDef | undefined][] = [];
  for (const [childName, inner] of Object.entries(value)) {
    const child = childDef(def, childName);
    for (const item of Array.isArray(inner) ? inner : [inner]) {
      result.push(...leaves(childName, item as AttributeValue, child));
    }
  }
  return result;
}

/**
 * One attribute as radclient (FreeRADIUS 3.2) prints it, one line per
 * value: `Name = value`, `Name:tag = value` for tagged ones, strings in
 * double quotes, bytes as `0x…`. A TLV is printed as its members, each
 * under its own name (`WiMAX-Release = "2.1"`), as FreeRADIUS 3.2 does;
 * `radkit send` puts consecutive members back into one TLV.
 *
 * @param attribute The attribute.
 * @param hideSecrets Print `<hidden, N bytes>` for secret values (see {@linkcode isSecret}),
 *   also TLV members.
 * @returns The lines (several for a TLV).
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { formatAttributeLines } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessAccept, Dictionary.default(), {
 *   "Reply-Message": "Hello, bob",
 * });
 * assert.deepEqual(formatAttributeLines(packet.attributes()[0]!), ['Reply-Message = "Hello, bob"']);
 * ```
 */
export function formatAttributeLines(attribute: Attribute, hideSecrets = false): string[] {
  const def = attribute.def;
  if (attribute.verbatim === true && def !== undefined && !(hideSecrets && isSecret(attribute))) {
    // A value that did not decode as its type: FreeRADIUS names it by number
    // (`Attr-120 = 0x00`), tag octet included, and so can it be sent back.
    const bytes = attribute.value as Uint8Array;
    const tag = attribute.tag === undefined ? "" : attribute.tag.toString(16).padStart(2, "0");
    return [`Attr-${def.oid} = 0x${tag}${toHex(bytes)}`];
  }
  const name = attributeName(attribute);
  const redacted = hideSecrets
    ? redactValue(attribute.def, attribute.name, attribute.value) as AttributeValue
    : attribute.value;
  if (hideSecrets && isSecret(attribute)) return [`${name} = ${redacted}`];
  const items = leaves(attribute.name, attribute.value, attribute.def);
  if (items.length === 1 && items[0]![0] === attribute.name) {
    return [`${name} = ${valueText(attribute.value, attribute.def?.type)}`];
  }
  // redactValue keeps a TLV's shape and replaces secret members by `<hidden, N bytes>`.
  const shown = redacted === attribute.value
    ? items
    : leaves(attribute.name, redacted, attribute.def);
  return items.map(([member, value, def], index) => {
    const text = shown[index]![1];
    return `${member} = ${text === value ? valueText(value, def?.type) : text}`;
  });
}

function attributeName(attribute: Attribute): string {
  return attribute.tag === undefined ? attribute.name : `${attribute.name}:${attribute.tag}`;
}

/**
 * One attribute as radclient prints it, on one line: see
 * {@linkcode formatAttributeLines}; a TLV's members are joined with `, `.
 *
 * @param attribute The attribute.
 * @param hideSecrets Print `<hidden, N bytes>` for secret values (see {@linkcode isSecret}),
 *   also inside TLVs.
 * @returns The text.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { formatAttribute } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessAccept, Dictionary.default(), {
 *   "Reply-Message": "Hello, bob",
 *   "Service-Type": "Framed-User",
 *   "Tunnel-Type": { tag: 1, value: "L2TP" },
 * });
 * assert.deepEqual(packet.attributes().map((a) => formatAttribute(a)), [
 *   'Reply-Message = "Hello, bob"',
 *   "Service-Type = Framed-User",
 *   "Tunnel-Type:1 = L2TP",
 * ]);
 * ```
 */
export function formatAttribute(attribute: Attribute, hideSecrets = false): string {
  return formatAttributeLines(attribute, hideSecrets).join(", ");
}

/**
 * The packet's attributes as radclient prints them, one per line, each
 * indented with a tab.
 *
 * @param packet The packet.
 * @param hideSecrets Print `<hidden, N bytes>` for secret values.
 * @returns The lines.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { attributeLines } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 * });
 * assert.deepEqual(attributeLines(packet, true), [
 *   '\tUser-Name = "bob"',
 *   "\tUser-Password = <hidden, 5 bytes>",
 * ]);
 * ```
 */
export function attributeLines(packet: Packet, hideSecrets = false): string[] {
  return packet.attributes().flatMap((attribute) =>
    formatAttributeLines(attribute, hideSecrets).map((line) => `\t${line}`)
  );
}

/**
 * The packet as `Packet.toJSON()` gives it (`{ code, id, authenticator,
 * attributes: [{ name, value, tag? }] }`), with secret values replaced by
 * `"<hidden, N bytes>"` unless they are to be shown.
 *
 * @param packet The packet.
 * @param hideSecrets Replace secret values.
 * @returns The plain object.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { packetJson } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 * }, { id: 7 });
 * const json = packetJson(packet, true);
 * assert.equal(json.code, "Access-Request");
 * assert.equal(json.id, 7);
 * assert.deepEqual(json.attributes[1], { name: "User-Password", value: "<hidden, 5 bytes>" });
 * assert.equal(packetJson(packet, false).attributes[1]?.value, "hello");
 * ```
 */
export function packetJson(packet: Packet, hideSecrets = true): PacketJson {
  return packet.toJSON({ reveal: !hideSecrets });
}

/**
 * Bytes from hex text, ignoring whitespace, `:` and `-` separators and a
 * leading `0x`.
 *
 * @param text The hex text.
 * @returns The bytes, or `undefined` when the text is not whole hex bytes.
 *
 * @example Usage
 * ```ts
 * import { fromHex } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(fromHex("01 ab:FF"), new Uint8Array([1, 0xab, 0xff]));
 * assert.equal(fromHex("abc"), undefined);
 * ```
 */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/^\s*0x/i, "").replace(/[\s:-]|0x/gi, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) return undefined;
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
