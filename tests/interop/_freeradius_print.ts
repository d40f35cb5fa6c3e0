// Shared by the differential interop tests: radkit's decoded attributes
// printed the way FreeRADIUS 3.2 prints value pairs (`radclient -x`,
// `freeradius -X`), and the attribute blocks radclient prints. Comparing
// text lines makes every disagreement readable: name, tag and value at once.
import type { Attribute } from "../../src/codec/attribute.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";
import type { AttributeValue, TlvValue } from "../../src/codec/values.ts";
import { toHex } from "./codec_udp.ts";

/**
 * Length of the UTF-8 character at `bytes[i]` as FreeRADIUS's fr_utf8_char()
 * accepts it (src/lib/print.c), or 0: control characters and DEL are not
 * printable, overlong and surrogate forms are refused.
 */
function utf8Char(bytes: Uint8Array, i: number): number {
  const left = bytes.length - i;
  const b0 = bytes[i]!;
  const at = (k: number) => bytes[i + k]!;
  const cont = (k: number) => at(k) >= 0x80 && at(k) <= 0xbf;
  if (b0 < 0x20) return 0;
  if (b0 <= 0x7e) return 1;
  if (b0 <= 0xc1) return 0;
  if (left < 2) return 0;
  if (b0 <= 0xdf && cont(1)) return 2;
  if (left < 3) return 0;
  if (b0 === 0xe0 && at(1) >= 0xa0 && at(1) <= 0xbf && cont(2)) return 3;
  if (((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) && cont(1) && cont(2)) return 3;
  if (b0 === 0xed && at(1) >= 0x80 && at(1) <= 0x9f && cont(2)) return 3;
  if (left < 4) return 0;
  if (b0 === 0xf0 && at(1) >= 0x90 && at(1) <= 0xbf && cont(2) && cont(3)) return 4;
  if (b0 >= 0xf1 && b0 <= 0xf3 && cont(1) && cont(2) && cont(3)) return 4;
  if (b0 === 0xf4 && at(1) >= 0x80 && at(1) <= 0x8f && cont(2) && cont(3)) return 4;
  return 0;
}

/**
 * A string value in double quotes as FreeRADIUS's fr_prints() writes it:
 * `"` `\` CR LF TAB escaped, valid UTF-8 kept, any other byte as `\ooo`
 * octal, and one trailing NUL dropped.
 */
export function quoted(bytes: Uint8Array): string {
  let out = '"';
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length;
  const escapes: Record<number, string> = {
    0x22: '\\"',
    0x5c: "\\\\",
    13: "\\r",
    10: "\\n",
    9: "\\t",
  };
  for (let i = 0; i < end;) {
    const escape = escapes[bytes[i]!];
    if (escape !== undefined) {
      out += escape;
      i++;
      continue;
    }
    const size = utf8Char(bytes.subarray(0, end), i);
    if (size === 0) {
      out += `\\${bytes[i]!.toString(8).padStart(3, "0")}`;
      i++;
      continue;
    }
    out += new TextDecoder().decode(bytes.subarray(i, i + size));
    i += size;
  }
  return `${out}"`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A date as FreeRADIUS prints it in UTC (`"%b %e %Y %H:%M:%S %Z"`, quoted). */
function dateText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `"${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, " ")} ` +
    `${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:` +
    `${two(date.getUTCSeconds())} UTC"`;
}

/** One value as FreeRADIUS prints it, for an attribute of type `type`. */
export function valueText(value: AttributeValue, type: string | undefined): string {
  if (value instanceof Uint8Array) return type === "string" ? quoted(value) : `0x${toHex(value)}`;
  if (value instanceof Date) return dateText(value);
  if (typeof value === "string") {
    return type === "string" ? quoted(new TextEncoder().encode(value)) : value;
  }
  return String(value);
}

/** The leaves of a TLV value, flattened to the lines FreeRADIUS 3.2 prints (one per leaf). */
function tlvLines(def: AttributeDef, value: TlvValue): string[] {
  const lines: string[] = [];
  for (const [name, entry] of Object.entries(value)) {
    const child = [...def.children.values()].find((c) => c.name === name);
    for (const item of Array.isArray(entry) ? entry : [entry]) {
      if (child?.type === "tlv" && typeof item === "object" && !(item instanceof Uint8Array)) {
        lines.push(...tlvLines(child, item as TlvValue));
      } else {
        lines.push(`${name} = ${valueText(item, child?.type)}`);
      }
    }
  }
  return lines;
}

/** A radkit attribute as the line(s) FreeRADIUS prints for it: `Name[:tag] = value`. */
export function freeradiusLines(attr: Attribute): string[] {
  const def = attr.def;
  const value = attr.value;
  if (attr.verbatim === true && def !== undefined) {
    // Not decodable as its type: FreeRADIUS prints it by number, tag octet included.
    const tag = attr.tag === undefined ? "" : attr.tag.toString(16).padStart(2, "0");
    return [`Attr-${def.oid} = 0x${tag}${toHex(value as Uint8Array)}`];
  }
  if (
    def?.type === "tlv" && typeof value === "object" && !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  ) {
    return tlvLines(def, value);
  }
  // FreeRADIUS gives every decoded has_tag attribute a tag, 0 when the
  // value carried none (TAG_NONE), and prints it (src/lib/print.c).
  const tag = def?.flags.hasTag ? `:${attr.tag ?? 0}` : "";
  return [`${attr.name}${tag} = ${valueText(value, def?.type)}`];
}

/** One `Sent …` or `Received …` block radclient -x printed: its header line and attribute lines. */
export interface PrintedBlock {
  readonly header: string;
  readonly lines: string[];
}

/** Every block of `kind` radclient printed, attribute lines without their leading tab. */
export function printedBlocks(stdout: string, kind: "Sent" | "Received"): PrintedBlock[] {
  const blocks: PrintedBlock[] = [];
  let current: PrintedBlock | undefined;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("\t") && current !== undefined) {
      current.lines.push(line.slice(1));
      continue;
    }
    current = undefined;
    if (line.startsWith(`${kind} `)) {
      current = { header: line, lines: [] };
      blocks.push(current);
    }
  }
  return blocks;
}
