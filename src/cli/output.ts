/**
 * How the CLI prints packets: attribute lines as radclient prints them
 * (`\tName = value`, strings quoted, bytes as `0x…`), JSON objects in the
 * shape of `Packet.toJSON()`, and hex.
 *
 * @module
 */
import type { Attribute, AttributeValue, Packet, PacketJson } from "../../mod.ts";
import { isSecretRecord, redactValue } from "../secrets.ts";

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

function quote(text: string): string {
  return `"${
    text.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t")
  }"`;
}

function valueText(value: AttributeValue, type: string | undefined): string {
  if (value instanceof Uint8Array) return `0x${toHex(value)}`;
  if (value instanceof Date) return quote(value.toISOString());
  if (typeof value === "string") {
    // radclient quotes Ascend filter text too.
    return type === "string" || type === "abinary" ? quote(value) : value;
  }
  if (typeof value === "object") {
    const parts = Object.entries(value).map(([name, inner]) =>
      `${name} = ${
        Array.isArray(inner)
          ? inner.map((v) => valueText(v, undefined)).join(", ")
          : valueText(inner as AttributeValue, undefined)
      }`
    );
    return `{ ${parts.join(", ")} }`;
  }
  return String(value);
}

/**
 * One attribute as radclient prints it: `Name = value`, `Name:tag = value`
 * for tagged ones, strings quoted, bytes as `0x…`.
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
  const name = attribute.tag === undefined ? attribute.name : `${attribute.name}:${attribute.tag}`;
  if (!hideSecrets) return `${name} = ${valueText(attribute.value, attribute.def?.type)}`;
  if (isSecret(attribute)) {
    return `${name} = ${redactValue(attribute.def, attribute.name, attribute.value)}`;
  }
  const shown = redactValue(attribute.def, attribute.name, attribute.value) as AttributeValue;
  return `${name} = ${valueText(shown, attribute.def?.type)}`;
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
  return packet.attributes().map((attribute) => `\t${formatAttribute(attribute, hideSecrets)}`);
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
