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
import { defByOid, RAW_NAME } from "../codec/raw_attribute.ts";
import { UsageError } from "./errors.ts";
import { fromHex, withArticle } from "./output.ts";

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
  /**
   * The value's octets, when a quoted value's `\ooo` escapes make it octets
   * that are not UTF-8 (as FreeRADIUS prints such a string): sent as they are.
   */
  readonly bytes?: Uint8Array;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*/;

/**
 * Parses one command-line attribute as radclient reads one: `Name=value`,
 * `Name = value`, `Name:tag=value`, with `=` (or `:=`, `+=`, `==`), the
 * value bare (everything after the operator, spaces around it dropped) or
 * in double or single quotes with FreeRADIUS's backslash escapes (see
 * {@linkcode unquote}).
 *
 * @param arg The argument.
 * @returns The attribute as text.
 * @throws {UsageError} when it is not `Name=value`, or a quoted value does not end with its quote.
 *
 * @example Usage
 * ```ts
 * import { parseAttributeArg } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseAttributeArg("User-Name=bob"), { name: "User-Name", tag: undefined, value: "bob" });
 * assert.deepEqual(parseAttributeArg('User-Name = "bob"'), { name: "User-Name", tag: undefined, value: "bob" });
 * assert.deepEqual(parseAttributeArg("Tunnel-Type:1=L2TP"), { name: "Tunnel-Type", tag: 1, value: "L2TP" });
 * assert.equal(parseAttributeArg("NAS-Port = 5").value, "5");
 * assert.equal(parseAttributeArg('Reply-Message="a=b"').value, "a=b");
 * assert.equal(parseAttributeArg("Reply-Message='it\\'s'").value, "it's");
 * assert.throws(() => parseAttributeArg("bob"), /Name=value/);
 * ```
 */
export function parseAttributeArg(arg: string): AttributeText {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._/-]*)(?::(\d+))?\s*(?::=|\+=|==|=)(.*)$/s.exec(arg);
  if (match === null) {
    const start = /^\s*([A-Za-z0-9][A-Za-z0-9._/-]*)/.exec(arg)?.[1];
    const shown = start !== undefined && defaultSecretNames(start) ? `${start}…` : arg;
    throw new UsageError(
      `Cannot read attribute "${shown}": write Name=value (or Name:tag=value), e.g. User-Name=bob`,
    );
  }
  const name = match[1]!;
  const value = match[3]!.trim();
  const quoteChar = value[0];
  if (quoteChar === '"' || quoteChar === "'") {
    const end = closingQuote(value, 0);
    if (end !== value.length - 1) {
      // A secret attribute's value is not quoted back (see secretNames).
      const shown = defaultSecretNames(name) ? `${name} = ${hiddenValue(value)}` : arg;
      throw new UsageError(
        end === -1
          ? `Cannot read attribute "${shown}": the value's ${quoteChar} has no closing ${quoteChar}`
          : `Cannot read attribute "${shown}": text after the closing ${quoteChar}; separate attributes with ", "`,
      );
    }
    return {
      name,
      tag: match[2] === undefined ? undefined : Number(match[2]),
      ...quotedValue(value.slice(1, -1), quoteChar),
    };
  }
  return { name, tag: match[2] === undefined ? undefined : Number(match[2]), value };
}

/**
 * Parses one command-line argument that holds one attribute or, as a
 * line of radclient's input, several separated by commas
 * (`'User-Name = "bob", NAS-Port = 5'`). An argument that does not read
 * as such a list is one attribute, so `Reply-Message=Hello, bob` keeps its
 * comma (quote a value that holds `, Name=`).
 *
 * @param arg The argument.
 * @returns The attributes in order.
 * @throws {UsageError} when it is not `Name=value`.
 *
 * @example Usage
 * ```ts
 * import { parseAttributeArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseAttributeArgs('User-Name = "bob", NAS-Port = 5').map((a) => a.value), ["bob", "5"]);
 * assert.deepEqual(parseAttributeArgs("Reply-Message=Hello, bob").map((a) => a.value), ["Hello, bob"]);
 * ```
 */
export function parseAttributeArgs(arg: string): AttributeText[] {
  let pairs: AttributePair[] | undefined;
  try {
    pairs = parsePairs(arg);
  } catch {
    pairs = undefined;
  }
  if (pairs !== undefined && pairs.length > 1 && pairs.every((pair) => SEND_OPS.has(pair.op))) {
    return pairs.map(({ op: _, ...item }) => item);
  }
  return [parseAttributeArg(arg)];
}

/** The index of the quote that closes the one at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  const quoteChar = text[start];
  for (let end = start + 1; end < text.length; end += text[end] === "\\" ? 2 : 1) {
    if (text[end] === quoteChar) return end;
  }
  return -1;
}

/**
 * The value of a quoted string, the quotes removed, escapes read as
 * FreeRADIUS 3.2 reads them (`value_data_from_str`): in double quotes
 * `\n`, `\r`, `\t`, `\\`, `\"` and three octal digits (`\101`, one
 * octet), any other backslash kept as it is; in single quotes only `\'`
 * and `\\`. Octets that are not UTF-8 (`"\377"`) read as U+FFFD here;
 * {@linkcode unquoteBytes} gives them.
 *
 * @param text The text between the quotes.
 * @param quoteChar The quote: `"` or `'`.
 * @returns The value.
 *
 * @example Usage
 * ```ts
 * import { unquote } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unquote('say \\"hi\\"\\n\\101\\d', '"'), 'say "hi"\nA\\d');
 * assert.equal(unquote("it\\'s \\n", "'"), "it's \\n");
 * assert.equal(unquote("caf\\303\\251", '"'), "café");
 * ```
 */
export function unquote(text: string, quoteChar: '"' | "'"): string {
  return new TextDecoder().decode(unquoteBytes(text, quoteChar));
}

/**
 * The octets of a quoted string, read as {@linkcode unquote} reads it:
 * the text as UTF-8, each `\ooo` escape one octet.
 *
 * @param text The text between the quotes.
 * @param quoteChar The quote: `"` or `'`.
 * @returns The octets.
 *
 * @example Usage
 * ```ts
 * import { unquoteBytes } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(unquoteBytes("a\\377", '"'), new Uint8Array([0x61, 0xff]));
 * ```
 */
export function unquoteBytes(text: string, quoteChar: '"' | "'"): Uint8Array {
  const encoder = new TextEncoder();
  const out: number[] = [];
  let literal = "";
  const flush = () => {
    for (const byte of encoder.encode(literal)) out.push(byte);
    literal = "";
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const next = text[i + 1];
    if (char !== "\\" || next === undefined) {
      literal += char;
      continue;
    }
    if (next === "\\" || next === quoteChar) {
      literal += next;
      i++;
    } else if (quoteChar === "'") {
      literal += char;
    } else if (next === "n" || next === "r" || next === "t") {
      literal += next === "n" ? "\n" : next === "r" ? "\r" : "\t";
      i++;
    } else if (/^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      flush();
      out.push(parseInt(text.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else {
      literal += char;
    }
  }
  flush();
  return Uint8Array.from(out);
}

/** A quoted value as text, and as octets when they are not UTF-8. */
function quotedValue(
  text: string,
  quoteChar: '"' | "'",
): { value: string; bytes?: Uint8Array } {
  const bytes = unquoteBytes(text, quoteChar);
  try {
    return { value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { value: new TextDecoder().decode(bytes), bytes };
  }
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
    let bytes: Uint8Array | undefined;
    const quote = line[pos];
    if (quote === '"' || quote === "'") {
      const end = closingQuote(line, pos);
      if (end === -1) throw new Error(`unterminated string for ${name}`);
      ({ value, bytes } = quotedValue(line.slice(pos + 1, end), quote));
      pos = end + 1;
    } else {
      let end = pos;
      while (end < line.length && line[end] !== "," && line[end] !== "#") end++;
      value = line.slice(pos, end).trim();
      pos = end;
    }
    items.push({ name, tag, op, value, ...(bytes === undefined ? {} : { bytes }) });
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
 * @throws {UsageError} for structural types (vsa, extended, and tlv unless given 0x… bytes), which
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
    case "tlv": {
      // A TLV whose content did not decode is printed as its bytes: re-sent as they are.
      const bytes = /^0x/i.test(text) ? fromHex(text) : undefined;
      if (bytes !== undefined) return bytes;
      throw new UsageError(
        `${def.name} is a tlv container: give the attributes inside it instead (or its content as 0x…)`,
      );
    }
    case "vsa":
    case "extended":
    case "long-extended":
    case "evs":
      throw new UsageError(
        `${def.name} is ${withArticle(def.type)} container: give the attributes inside it instead`,
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
  // Consecutive members of one TLV go back into one TLV attribute, as
  // FreeRADIUS 3.2 encodes them (and as radkit prints a TLV: member by member).
  let group: { top: AttributeDef; value: TlvValue } | undefined;
  const flush = () => {
    if (group !== undefined) add(packet, group.top, group.value, undefined);
    group = undefined;
  };
  for (const item of items) {
    const member = tlvMember(dictionary, item);
    if (member !== undefined) {
      if (item.tag !== undefined) throw new UsageError(`${item.name} takes no tag`);
      if (group?.top !== member.path[0]) flush();
      group ??= { top: member.path[0]!, value: {} };
      insert(group.value, member.path.slice(1).map((def) => def.name), member.name, member.value);
      continue;
    }
    flush();
    const def = dictionary.attribute(item.name);
    if (def === undefined) {
      if (RAW_NAME.test(item.name)) {
        add(packet, item.name, rawValue(item), item.tag);
        continue;
      }
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
    const bytes = item.bytes !== undefined && (def.type === "string" || def.type === "octets")
      ? item.bytes
      : undefined;
    add(packet, def, bytes ?? attributeValue(def, item.value), item.tag);
  }
  flush();
  return packet;
}

type TlvValue = { [name: string]: AttributeValue | AttributeValue[] };

function add(
  packet: Packet,
  def: AttributeDef | string,
  value: AttributeValue,
  tag: number | undefined,
): void {
  const name = typeof def === "string" ? def : def.name;
  try {
    packet.add(name, tag === undefined ? value : { tag, value });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

function rawValue(item: AttributeText): Uint8Array {
  const bytes = /^0x/i.test(item.value) ? fromHex(item.value) : undefined;
  if (bytes === undefined) {
    throw new UsageError(
      `${item.name} is an attribute the dictionary lacks: give its value as raw bytes, e.g. ${item.name}=0x0102`,
    );
  }
  return bytes;
}

/** Where a TLV member goes: its TLVs from the top one down, its name and value. */
interface TlvMember {
  readonly path: readonly AttributeDef[];
  readonly name: string;
  readonly value: AttributeValue;
}

/**
 * A member of a TLV: a named attribute whose parent is a TLV, or an
 * `Attr-<oid>.<n>` whose `<oid>` is a TLV (a member the dictionary lacks,
 * raw bytes, as radkit decode prints it).
 */
function tlvMember(dictionary: DictionaryView, item: AttributeText): TlvMember | undefined {
  const def = dictionary.attribute(item.name);
  let parent: AttributeDef | undefined;
  let value: AttributeValue;
  let name: string;
  if (def !== undefined) {
    if (def.parent?.type !== "tlv") return undefined;
    parent = def.parent;
    name = def.name;
    value = item.bytes !== undefined && (def.type === "string" || def.type === "octets")
      ? item.bytes
      : attributeValue(def, item.value);
  } else {
    const oid = /^Attr-(\d+(?:\.\d+)*)\.\d+$/i.exec(item.name);
    if (oid === null) return undefined;
    parent = defByOid(dictionary, oid[1]!.split(".").map(Number));
    if (parent?.type !== "tlv") return undefined;
    name = `Attr-${item.name.slice(5)}`;
    value = rawValue(item);
  }
  const path: AttributeDef[] = [];
  for (let at: AttributeDef | undefined = parent; at?.type === "tlv"; at = at.parent) {
    path.unshift(at);
  }
  return { path, name, value };
}

/** Puts a member value into a TLV value, under its TLVs; a repeated member becomes a list. */
function insert(target: TlvValue, path: readonly string[], name: string, value: AttributeValue) {
  let at = target;
  for (const key of path) {
    const inner = at[key];
    if (inner === undefined || Array.isArray(inner) || typeof inner !== "object") at[key] = {};
    at = at[key] as TlvValue;
  }
  const existing = at[name];
  if (existing === undefined) at[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else at[name] = [existing, value];
}
