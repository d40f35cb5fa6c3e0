// Checks a whole FreeRADIUS dictionary tree the way FreeRADIUS itself loads
// it: the main `dictionary` and its $INCLUDEs, then every file it leaves out,
// each where it belongs. An independent line scan of the files must agree
// with what the parser built, name for name, number for number.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { DictionaryError } from "../../src/errors.ts";

const read = (path: string): Promise<string> => readFile(path, "utf8");

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

export function lines(file: string, text: string): Line[] {
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

/** A file of the tree that does not load as shipped, and why. */
export interface BrokenFile {
  /** The file name inside the tree. */
  readonly file: string;
  /** The line the load stops at. */
  readonly line: number;
  /** What the error says. */
  readonly message: RegExp;
  /** Lines to remove so that the rest of the file loads and is checked (else none is). */
  readonly remove?: RegExp;
}

/** How the files the main `dictionary` leaves out are loaded. */
export interface TreeLayout {
  /** The directory that holds `dictionary`. */
  readonly dir: string;
  /** Additions: they load on top of the full tree. */
  readonly onTop: readonly string[];
  /** Alternatives: refused next to the full tree, loaded on top of dictionary.rfc2865 alone. */
  readonly alternatives: readonly string[];
  /** Broken as shipped: refused on top of the full tree, as FreeRADIUS refuses them. */
  readonly broken: readonly BrokenFile[];
}

/**
 * Loads the whole tree and checks every ATTRIBUTE and VALUE line of every file.
 *
 * @returns A one-line summary, and the main dictionary.
 */
export async function checkTree(
  layout: TreeLayout,
): Promise<{ summary: string; main: Dictionary }> {
  const DIR = layout.dir;
  const all = (await readdir(DIR)).filter((name) => name.startsWith("dictionary")).sort();
  const texts = new Map<string, string>();
  for (const name of all) texts.set(name, await read(`${DIR}/${name}`));

  const loaded = new Set<string>();
  const main = await Dictionary.load(`${DIR}/dictionary`, (path) => {
    loaded.add(path.slice(DIR.length + 1));
    return read(path);
  });
  const extra = all.filter((name) => !loaded.has(name));
  assert.deepEqual(
    extra,
    [...layout.onTop, ...layout.alternatives, ...layout.broken.map((b) => b.file)].sort(),
  );

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

  for (const name of layout.onTop) {
    const dictionary = await main.extendFile(`${DIR}/${name}`, read);
    check(dictionary, scan.file(name, texts.get(name)!), counts);
  }
  const rfc = await Dictionary.load(`${DIR}/dictionary.rfc2865`, read);
  for (const name of layout.alternatives) {
    await assert.rejects(main.extendFile(`${DIR}/${name}`, read), DictionaryError, name);
    const dictionary = await rfc.extendFile(`${DIR}/${name}`, read);
    check(dictionary, scan.file(name, texts.get(name)!), counts);
  }
  const unchecked = { attributes: 0, values: 0 };
  for (const broken of layout.broken) {
    await assert.rejects(main.extendFile(`${DIR}/${broken.file}`, read), (error: unknown) => {
      assert.ok(error instanceof DictionaryError);
      assert.equal(error.file, `${DIR}/${broken.file}`);
      assert.equal(error.line, broken.line);
      assert.match(error.message, broken.message);
      return true;
    });
    const text = texts.get(broken.file)!;
    const all = lines(broken.file, text);
    if (broken.remove === undefined) {
      unchecked.attributes += all.filter((l) => l.fields[0] === "ATTRIBUTE").length;
      unchecked.values += all.filter((l) => l.fields[0] === "VALUE").length;
      continue;
    }
    // Without the offending lines, the rest of the file loads and is checked
    // like the others.
    const patched = text.replace(broken.remove, "# (removed by the test)");
    const kept = lines(broken.file, patched);
    unchecked.attributes += all.filter((l) => l.fields[0] === "ATTRIBUTE").length -
      kept.filter((l) => l.fields[0] === "ATTRIBUTE").length;
    unchecked.values += all.filter((l) => l.fields[0] === "VALUE").length -
      kept.filter((l) => l.fields[0] === "VALUE").length;
    const fixed = main.extend(patched, { filename: `${DIR}/${broken.file}` });
    check(fixed, scan.file(broken.file, patched), counts);
  }

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
  assert.equal(counts.attributes + unchecked.attributes, total.attributes);
  assert.equal(counts.values + unchecked.values, total.values);
  const summary = `${all.length} files (${loaded.size} through ${DIR}/dictionary, ` +
    `${layout.onTop.length} on top of it, ${layout.alternatives.length} alternatives on top of ` +
    `dictionary.rfc2865, ${layout.broken.length} broken as shipped: ` +
    `${layout.broken.map((b) => b.file).join(", ")}); ${total.attributes} ATTRIBUTE lines, ` +
    `${counts.attributes} checked by name, number and type (${counts.aliases} of them aliases ` +
    `of a later name); ${total.values} VALUE lines, ${counts.values} checked; ` +
    `${[...main.attributes()].length} attribute names and ${[...main.vendors()].length} ` +
    "vendor names in the main dictionary";
  return { summary, main };
}
