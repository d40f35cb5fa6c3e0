/**
 * Attributes as people type them: `Name=value` and `Name:1=value` on the
 * command line, and radclient's input format (`Attr = value, Attr2 = "x"`,
 * one packet per paragraph) in files and on standard input. Text values are
 * turned into what `Packet` takes, by the attribute's dictionary type.
 *
 * @module
 */
import {
  type AttributeDef,
  type AttributeValue,
  Dictionary,
  type DictionaryView,
  hiddenValue,
  isSecretAttribute,
  type Packet,
} from "../../mod.ts";
import { UsageError } from "./errors.ts";

/**
 * Whether the values of an attribute, by name, are secret (see
 * `isSecretAttribute`) in `dictionary`: what parse errors must not quote.
 *
 * @param dictionary The dictionary the names are looked up in.
 * @returns The test; unknown names are not secret.
 *
 * @example Usage
 * ```ts
 * import { Dictionary } from "../../mod.ts";
 * import { secretNames } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const secret = secretNames(Dictionary.default());
 * assert.equal(secret("user-password"), true);
 * assert.equal(secret("User-Name"), false);
 * ```
 */
export function secretNames(dictionary: DictionaryView): (name: string) => boolean {
  return (name) => {
    const def = dictionary.attribute(name);
    return def !== undefined && isSecretAttribute(def);
  };
}

let bundledSecretNames: ((name: string) => boolean) | undefined;
function defaultSecretNames(name: string): boolean {
  bundledSecretNames ??= secretNames(Dictionary.default());
  return bundledSecretNames(name);
}

/** One attribute as text: its name, its tag (RFC 2868) if any, and its value. */
export interface AttributeText {
  /** The attribute name as written. */
  readonly name: string;
  /** The tag of `Name:1=value`, else `undefined`. */
  readonly tag: number | undefined;
  /** The value, unquoted. */
  readonly value: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*/;

/**
 * Parses one command-line attribute: `Name=value`, `Name:tag=value`. The
 * value is everything after the first `=`; one pair of surrounding double
 * quotes is removed, so radclient-style `User-Name="bob"` also works.
 *
 * @param arg The argument.
 * @returns The attribute as text.
 * @throws {UsageError} when it is not `Name=value`.
 *
 * @example Usage
 * ```ts
 * import { parseAttributeArg } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseAttributeArg("User-Name=bob"), { name: "User-Name", tag: undefined, value: "bob" });
 * assert.deepEqual(parseAttributeArg("Tunnel-Type:1=L2TP"), { name: "Tunnel-Type", tag: 1, value: "L2TP" });
 * assert.equal(parseAttributeArg('Reply-Message="a=b"').value, "a=b");
 * assert.throws(() => parseAttributeArg("bob"), /Name=value/);
 * ```
 */
export function parseAttributeArg(arg: string): AttributeText {
  const match = /^([A-Za-z0-9][A-Za-z0-9._/-]*)(?::(\d+))?\s*=(.*)$/s.exec(arg);
  if (match === null) {
    throw new UsageError(
      `Cannot read attribute "${arg}": write Name=value (or Name:tag=value), e.g. User-Name=bob`,
    );
  }
  let value = match[3]!;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    value = unescape(value.slice(1, -1));
  }
  return { name: match[1]!, tag: match[2] === undefined ? undefined : Number(match[2]), value };
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, (_, char: string) => {
    switch (char) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      default:
        return char;
    }
  });
}

/**
 * Parses radclient's input format: attribute pairs `Name = value`
 * (operators `=`, `:=`, `+=`, `==` all add the attribute), separated by
 * commas and/or newlines; values bare or in double or single quotes with
 * backslash escapes; `#` comments; one packet per paragraph (packets are
 * separated by blank lines).
 *
 * @param text The input.
 * @param source The file name, for error messages.
 * @param isSecret Which names have secret values, never quoted in errors
 *   (default: those of the bundled dictionary).
 * @returns The packets' attributes; paragraphs without attributes are skipped.
 * @throws {UsageError} naming the line that does not parse.
 *
 * @example Usage
 * ```ts
 * import { parseRadclientText } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const packets = parseRadclientText(
 *   'User-Name = "bob", User-Password = "hello"\nNAS-Port = 1\n\n# next\nUser-Name = alice\n',
 *   "stdin",
 * );
 * assert.equal(packets.length, 2);
 * assert.deepEqual(packets[0]!.map((a) => a.name), ["User-Name", "User-Password", "NAS-Port"]);
 * assert.equal(packets[1]![0]!.value, "alice");
 * ```
 */
export function parseRadclientText(
  text: string,
  source: string,
  isSecret: (name: string) => boolean = defaultSecretNames,
): AttributeText[][] {
  const packets: AttributeText[][] = [];
  let current: AttributeText[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === "") {
      if (current.length > 0) packets.push(current);
      current = [];
      continue;
    }
    try {
      for (const { op, ...item } of parsePairs(line, isSecret)) {
        if (!SEND_OPS.has(op)) throw new Error(`operator "${op}" does not add an attribute; use =`);
        current.push(item);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`Cannot read ${source} line ${index + 1}: ${reason}`, { cause: error });
    }
  }
  if (current.length > 0) packets.push(current);
  return packets;
}

const SEND_OPS = new Set(["=", ":=", "+=", "=="]);

/** An attribute pair with its operator, as {@linkcode parsePairs} reads it. */
export interface AttributePair extends AttributeText {
  /** The operator: `=`, `:=`, `+=`, `==`, `!=`, `>=`, `<=`, `>`, `<`, `=~`, `!~`, `=*`, `!*`. */
  readonly op: string;
}

/**
 * Reads the attribute pairs of one line in FreeRADIUS's syntax (radclient
 * input, `users` files): `Name op value`, comma-separated, values bare or
 * quoted, `#` starting a comment.
 *
 * @param line One line of text.
 * @param isSecret Which names have secret values, never quoted in errors
 *   (default: those of the bundled dictionary).
 * @returns The pairs in order.
 * @throws {Error} describing what is wrong.
 *
 * @example Usage
 * ```ts
 * import { parsePairs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePairs('Cleartext-Password := "he said \\"hi\\"", NAS-Port != 3 # note'), [
 *   { name: "Cleartext-Password", tag: undefined, op: ":=", value: 'he said "hi"' },
 *   { name: "NAS-Port", tag: undefined, op: "!=", value: "3" },
 * ]);
 * ```
 */
export function parsePairs(
  line: string,
  isSecret: (name: string) => boolean = defaultSecretNames,
): AttributePair[] {
  const items: AttributePair[] = [];
  let pos = 0;
  const skipSpace = () => {
    while (pos < line.length && (line[pos] === " " || line[pos] === "\t")) pos++;
  };
  for (;;) {
    skipSpace();
    if (pos >= line.length || line[pos] === "#") return items;
    const name = NAME.exec(line.slice(pos))?.[0];
    if (name === undefined) {
      // Only up to the next comma: what follows may be a secret attribute's pair.
      const rest = line.slice(pos);
      const comma = rest.indexOf(",");
      throw new Error(
        `expected an attribute name at "${comma === -1 ? rest : `${rest.slice(0, comma)}…`}"`,
      );
    }
    pos += name.length;
    let tag: number | undefined;
    const tagMatch = /^:(\d+)/.exec(line.slice(pos));
    if (tagMatch !== null) {
      tag = Number(tagMatch[1]);
      pos += tagMatch[0].length;
    }
    skipSpace();
    const op = /^(:=|\+=|==|!=|>=|<=|=~|!~|=\*|!\*|=|>|<)/.exec(line.slice(pos))?.[0];
    if (op === undefined) throw new Error(`expected "=" after ${name}`);
    pos += op.length;
    skipSpace();
    let value: string;
    const quote = line[pos];
    if (quote === '"' || quote === "'") {
      let end = pos + 1;
      while (end < line.length && line[end] !== quote) end += line[end] === "\\" ? 2 : 1;
      if (end >= line.length) throw new Error(`unterminated string for ${name}`);
      value = unescape(line.slice(pos + 1, end));
      pos = end + 1;
    } else {
      let end = pos;
      while (end < line.length && line[end] !== "," && line[end] !== "#") end++;
      value = line.slice(pos, end).trim();
      pos = end;
    }
    items.push({ name, tag, op, value });
    skipSpace();
    if (pos < line.length && line[pos] === ",") pos++;
    else if (pos < line.length && line[pos] !== "#") {
      throw new Error(
        `expected "," after ${name} = ${isSecret(name) ? hiddenValue(value) : value}`,
      );
    }
  }
}

/**
 * Turns a text value into what `Packet` takes for the attribute: numbers
 * for integer types (or the VALUE name as given), a bigint for integer64,
 * seconds or a date text for `date`, and text for the rest (octets take
 * `0x…` hex or text).
 *
 * @param def The attribute's definition.
 * @param text The value as typed.
 * @returns The value for `Packet.add`.
 * @throws {UsageError} for structural types (tlv, vsa, extended), which
 * take their members instead.
 *
 * @example Usage
 * ```ts
 * import { Dictionary } from "../../mod.ts";
 * import { attributeValue } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * assert.equal(attributeValue(dictionary.attribute("NAS-Port")!, "7"), 7);
 * assert.equal(attributeValue(dictionary.attribute("Service-Type")!, "Framed-User"), "Framed-User");
 * assert.equal(attributeValue(dictionary.attribute("User-Name")!, "007"), "007");
 * ```
 */
export function attributeValue(def: AttributeDef, text: string): AttributeValue {
  switch (def.type) {
    case "integer":
    case "short":
    case "byte":
    case "signed":
      if (/^-?\d+$/.test(text) || /^0x[0-9a-f]+$/i.test(text)) return Number(text);
      return text;
    case "integer64":
      return /^\d+$/.test(text) ? BigInt(text) : text;
    case "date": {
      if (/^\d+$/.test(text)) return Number(text);
      const time = Date.parse(text);
      return Number.isNaN(time) ? text : new Date(time);
    }
    case "tlv":
    case "vsa":
    case "extended":
    case "long-extended":
    case "evs":
      throw new UsageError(
        `${def.name} is a ${def.type} container: give the attributes inside it instead`,
      );
    default:
      return text;
  }
}

/**
 * Adds text attributes to a packet, checking names, tags and values
 * against its dictionary.
 *
 * @param packet The packet to add to.
 * @param items The attributes as text, in order (repeats allowed).
 * @returns The packet.
 * @throws {UsageError} for an unknown name (with suggestions), a tag on an
 * attribute that takes none, or a value that does not fit.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { addAttributes, parseAttributeArg } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create(Code.AccessRequest, Dictionary.default());
 * addAttributes(packet, ["User-Name=bob", "Class=a", "Class=b"].map(parseAttributeArg));
 * assert.deepEqual(packet.getAll("Class"), [new TextEncoder().encode("a"), new TextEncoder().encode("b")]);
 * assert.throws(() => addAttributes(packet, [parseAttributeArg("User-Nam=x")]), /did you mean "User-Name"/);
 * ```
 */
export function addAttributes(packet: Packet, items: readonly AttributeText[]): Packet {
  const dictionary: DictionaryView = packet.dictionary;
  for (const item of items) {
    const def = dictionary.attribute(item.name);
    if (def === undefined) {
      const close = dictionary.suggest(item.name, 3);
      const hint = close.length > 0
        ? `did you mean ${close.map((name) => `"${name}"`).join(" or ")}?`
        : "load a dictionary that defines it with --dict FILE";
      throw new UsageError(`Unknown attribute "${item.name}": ${hint}`);
    }
    if (item.tag !== undefined && !def.flags.hasTag) {
      const shown = isSecretAttribute(def) ? hiddenValue(item.value) : item.value;
      throw new UsageError(`${def.name} takes no tag: write ${def.name}=${shown}`);
    }
    if (item.tag !== undefined && item.tag > 31) {
      throw new UsageError(`Invalid tag ${item.tag} for ${def.name}: tags are 0..31`);
    }
    const value = attributeValue(def, item.value);
    try {
      packet.add(def.name, item.tag === undefined ? value : { tag: item.tag, value });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  }
  return packet;
}
