// Acceptance: every dictionary file Debian ships with FreeRADIUS 3.2
// (/usr/share/freeradius) loads, and an independent line scan of the files
// agrees with what the parser built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { needs } from "../_peers.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { DictionaryError } from "../../src/errors.ts";

const DIR = "/usr/share/freeradius";
const read = (path: string): Promise<string> => readFile(path, "utf8");

// The files the main `dictionary` does not $INCLUDE, and how each is loaded.
// FreeRADIUS itself (3.2.1, checked with radclient -D) treats them the same.
/** Additions: they load on top of the full tree. */
const ON_TOP = [
  "dictionary.alvarion.wimax.v2_2",
  "dictionary.cisco.vpn3000",
  "dictionary.dhcp",
  "dictionary.motorola.illegal",
  "dictionary.nokia.conflict",
  "dictionary.vqp",
];
/**
 * Alternatives to files of the tree (their own headers say they conflict):
 * they load on top of dictionary.rfc2865 alone, and are refused next to the
 * full tree. FreeRADIUS refuses them too, except dictionary.starent.vsa1,
 * whose `VENDOR Starent 8164 format=1,1` it silently lets replace format=2,2;
 * radkit refuses the format change.
 */
const ALTERNATIVES = [
  "dictionary.openser",
  "dictionary.rfc5090",
  "dictionary.starent.vsa1",
  "dictionary.wimax.alvarion",
  "dictionary.wimax.wichorus",
];
/**
 * Broken as shipped: VALUEs for FreeDHCP-Opcode, which no file defines.
 * FreeRADIUS 3.2.1 refuses it the same way ("No ATTRIBUTE "FreeDHCP-Opcode"
 * defined for VALUE").
 */
const BROKEN = { file: "dictionary.freedhcp", line: 238, attribute: "FreeDHCP-Opcode" };

// Deliberately separate from the parser's own table, so that a wrong entry
// there shows up here.
const TYPE_ALIASES: Record<string, string> = {
  uint8: "byte",
  uint16: "short",
  uint32: "integer",
  uint64: "integer64",
  int32: "signed",
  cidr: "ipv4prefix",
};

interface Line {
  readonly file: string;
  readonly line: number;
  readonly fields: string[];
}

function lines(file: string, text: string): Line[] {
  return text.split("\n").map((raw, i) => ({
    file,
    line: i + 1,
    fields: raw.replace(/#.*/, "").trim().split(/\s+/).filter((f) => f !== ""),
  })).filter((l) => l.fields.length > 0);
}

function number(text: string): string {
  return text.split(".").map((part) => String(Number.parseInt(part, /^0x/i.test(part) ? 16 : 10)))
    .join(".");
}

interface Expected {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly oid: string;
  readonly type: string;
  readonly size: number | undefined;
}

interface ExpectedValue {
  readonly file: string;
  readonly line: number;
  readonly attribute: string;
  readonly name: string;
  readonly value: bigint;
}

/**
 * A minimal scan: ATTRIBUTE and VALUE lines, with just enough context
 * (VENDOR numbers, BEGIN-VENDOR with or without an EVS format, BEGIN-TLV,
 * the old-style vendor column) to say which dotted number each ATTRIBUTE
 * must get. It does not check flags, nor re-implement any validation.
 */
class Scan {
  readonly vendors = new Map<string, number>();
  readonly oids = new Map<string, string>();
  readonly attributes: Expected[] = [];
  readonly values: ExpectedValue[] = [];

  file(file: string, text: string): { attributes: Expected[]; values: ExpectedValue[] } {
    const attributes: Expected[] = [];
    const values: ExpectedValue[] = [];
    let vendor: string | undefined;
    const tlvs: string[] = [];
    for (const { line, fields } of lines(file, text)) {
      const [keyword, a = "", b = "", c = "", d] = fields;
      switch (keyword) {
        case "VENDOR":
          this.vendors.set(a.toLowerCase(), Number(b));
          break;
        case "BEGIN-VENDOR": {
          const id = this.vendors.get(a.toLowerCase())!;
          const evs = b.startsWith("format=") ? this.oids.get(b.slice(7).toLowerCase()) : undefined;
          vendor = evs === undefined ? `26.${id}` : `${evs}.${id}`;
          break;
        }
        case "END-VENDOR":
          vendor = undefined;
          break;
        case "BEGIN-TLV":
          tlvs.push(this.oids.get(a.toLowerCase())!);
          break;
        case "END-TLV":
          tlvs.pop();
          break;
        case "ATTRIBUTE": {
          const base = tlvs.at(-1) ?? vendor ??
            (d !== undefined && this.vendors.has(d.toLowerCase())
              ? `26.${this.vendors.get(d.toLowerCase())}`
              : undefined);
          const oid = base === undefined ? number(b) : `${base}.${number(b)}`;
          const sized = /^octets\[(\d+)\]$/i.exec(c);
          const lower = c.toLowerCase();
          const type = sized !== null ? "octets" : TYPE_ALIASES[lower] ?? lower;
          const expected = {
            file,
            line,
            name: a,
            oid,
            type,
            size: sized ? Number(sized[1]) : undefined,
          };
          this.oids.set(a.toLowerCase(), oid);
          attributes.push(expected);
          break;
        }
        case "VALUE":
          values.push({ file, line, attribute: a, name: b, value: BigInt(c) });
          break;
      }
    }
    this.attributes.push(...attributes);
    this.values.push(...values);
    return { attributes, values };
  }
}

function check(
  dictionary: Dictionary,
  found: { attributes: Expected[]; values: ExpectedValue[] },
  counts: { attributes: number; values: number; aliases: number },
): void {
  for (const e of found.attributes) {
    const where = `${e.file}:${e.line} ${e.name}`;
    const def = dictionary.attribute(e.name);
    assert.ok(def !== undefined, `${where} not found by name`);
    assert.equal(def.type, e.type, `${where} type`);
    assert.equal(def.size, e.size, `${where} size`);
    assert.equal(def.oid, e.oid, `${where} oid`);
    const byNumber = dictionary.byOid(e.oid);
    assert.ok(byNumber !== undefined, `${where} not found by oid ${e.oid}`);
    assert.equal(byNumber.oid, e.oid, where);
    if (byNumber !== def) counts.aliases++;
    const parts = e.oid.split(".").map(Number);
    if (parts.length === 1 && parts[0]! < 256) {
      assert.equal(dictionary.standard(parts[0]!), byNumber);
    }
    if (parts.length === 3 && parts[0] === 26) {
      assert.equal(dictionary.vendor(parts[1]!)?.attributes.get(parts[2]!), byNumber, where);
    }
    if (parts.length === 4 && parts[1] === 26 && parts[0]! >= 241) {
      const evs = dictionary.vendor(parts[2]!)?.evsAttributes.get(parts[0]!)?.get(parts[3]!);
      assert.equal(evs, byNumber, where);
    }
    counts.attributes++;
  }
  for (const v of found.values) {
    const where = `${v.file}:${v.line} VALUE ${v.attribute} ${v.name}`;
    const def = dictionary.attribute(v.attribute);
    assert.ok(def !== undefined, `${where}: attribute not found`);
    const value = def.type === "integer64" ? v.value : Number(v.value);
    assert.equal(def.valueNumbers.get(v.name.toLowerCase()), value, where);
    const printed = def.valueNames.get(value);
    assert.ok(printed !== undefined, `${where}: no name for ${value}`);
    assert.equal(def.valueNumbers.get(printed.toLowerCase()), value, where);
    counts.values++;
  }
}

test(
  "Dictionary.load() reads all Debian FreeRADIUS dictionaries; a line scan agrees with it",
  needs("dictionaries"),
  async () => {
    const all = (await readdir(DIR)).filter((name) => name.startsWith("dictionary")).sort();
    const texts = new Map<string, string>();
    for (const name of all) texts.set(name, await read(`${DIR}/${name}`));

    const loaded = new Set<string>();
    const main = await Dictionary.load(`${DIR}/dictionary`, (path) => {
      loaded.add(path.slice(DIR.length + 1));
      return read(path);
    });
    const extra = all.filter((name) => !loaded.has(name));
    assert.deepEqual(extra, [...ON_TOP, ...ALTERNATIVES, BROKEN.file].sort());

    // The scan follows the load order: the main file's $INCLUDE lines.
    const order = [
      "dictionary",
      ...lines("dictionary", texts.get("dictionary")!)
        .filter((l) => l.fields[0] === "$INCLUDE").map((l) => l.fields[1]!),
    ];
    assert.deepEqual([...order].sort(), [...loaded].sort());
    const scan = new Scan();
    const counts = { attributes: 0, values: 0, aliases: 0 };
    for (const name of order) check(main, scan.file(name, texts.get(name)!), counts);

    for (const name of ON_TOP) {
      const dictionary = await main.extendFile(`${DIR}/${name}`, read);
      check(dictionary, scan.file(name, texts.get(name)!), counts);
    }
    const rfc = await Dictionary.load(`${DIR}/dictionary.rfc2865`, read);
    for (const name of ALTERNATIVES) {
      await assert.rejects(main.extendFile(`${DIR}/${name}`, read), DictionaryError, name);
      const dictionary = await rfc.extendFile(`${DIR}/${name}`, read);
      check(dictionary, scan.file(name, texts.get(name)!), counts);
    }
    await assert.rejects(main.extendFile(`${DIR}/${BROKEN.file}`, read), (error: unknown) => {
      assert.ok(error instanceof DictionaryError);
      assert.equal(error.file, `${DIR}/${BROKEN.file}`);
      assert.equal(error.line, BROKEN.line);
      assert.match(error.message, new RegExp(`attribute "${BROKEN.attribute}", which no file`));
      return true;
    });
    // Without its two VALUE lines for the missing attribute, the rest of the
    // file loads and is checked like the others.
    const patched = texts.get(BROKEN.file)!.replace(
      new RegExp(`^VALUE\\s+${BROKEN.attribute}\\s.*$`, "gm"),
      "# (removed by the test)",
    );
    const fixed = main.extend(patched, { filename: `${DIR}/${BROKEN.file}` });
    const found = scan.file(BROKEN.file, patched);
    check(fixed, found, counts);
    const broken = { attributes: 0, values: 2 };

    const total = {
      attributes: all.reduce(
        (n, f) => n + lines(f, texts.get(f)!).filter((l) => l.fields[0] === "ATTRIBUTE").length,
        0,
      ),
      values: all.reduce(
        (n, f) => n + lines(f, texts.get(f)!).filter((l) => l.fields[0] === "VALUE").length,
        0,
      ),
    };
    assert.equal(counts.attributes + broken.attributes, total.attributes);
    assert.equal(counts.values + broken.values, total.values);
    console.log(
      `Debian FreeRADIUS dictionaries: ${all.length} files (${loaded.size} through ` +
        `${DIR}/dictionary, ${ON_TOP.length} on top of it, ${ALTERNATIVES.length} alternatives ` +
        `on top of dictionary.rfc2865, 1 broken as shipped: ${BROKEN.file}); ` +
        `${total.attributes} ATTRIBUTE lines, ${counts.attributes} checked by name, number and ` +
        `type (${counts.aliases} of them aliases of a later name); ${total.values} VALUE lines, ` +
        `${counts.values} checked (all but the ${broken.values} broken ones of ${BROKEN.file}, ` +
        "whose other lines are checked with those two removed); " +
        `${[...main.attributes()].length} attribute names and ${[...main.vendors()].length} ` +
        "vendor names in the main dictionary",
    );
  },
);
