/**
 * `radkit dict`: looks things up in the loaded dictionary: counts, an
 * attribute by name or by number path (`26.9.1`), or a vendor; or writes the
 * TypeScript attribute map of the loaded dictionary (`--types`).
 *
 * @module
 */
import type { AttributeDef, Dictionary, VendorDef } from "../../mod.ts";
import { loadDictionary } from "./dictionary.ts";
import { UsageError } from "./errors.ts";
import { listFlag, parseFlags } from "./flags.ts";
import { out } from "./runtime.ts";
import { renderTypesModule } from "../dictionary/_types_module.ts";

/** `radkit dict --help`. */
export const DICT_HELP: string =
  `Look up the loaded dictionary: counts, an attribute by name or number, or a vendor;
or write its attribute types as a TypeScript module.

Usage:
  radkit dict [--dict FILE]... [--json] [--stats | NAME | CODE]
  radkit dict [--dict FILE]... --types [--types-import SPECIFIER] > attributes.ts

Options:
  --dict FILE           Read a FreeRADIUS dictionary file on top of the bundled ones
                        (repeatable; $INCLUDEs are relative to the file). A first FILE
                        that defines the RFC attributes itself, such as
                        /usr/share/freeradius/dictionary, replaces them.
  --stats               Print counts: attributes, VALUEs, vendors, files (the default).
  --json                Print JSON instead of text.
  --types               Print a TypeScript module declaring AttributeTypes (name -> value
                        type) and AttributeValues (VALUE names) for every attribute of
                        the loaded dictionary, for Dictionary.load<AttributeTypes>(...).
  --types-import SPEC   Where the module imports radkit's Tagged type from
                        (default "@radkit/radius").
  -h, --help            Show this help.

NAME is an attribute or vendor name (any letter case); CODE is an attribute's
number path as FreeRADIUS prints it: 1, 26.311.1 (vendor 311, type 1), 241.1.

Examples:
  radkit dict --stats
  radkit dict User-Name
  radkit dict 26.311.1
  radkit dict --dict /usr/share/freeradius/dictionary --stats
  radkit dict --dict /usr/share/freeradius/dictionary Cisco-AVPair --json
  radkit dict --dict /etc/raddb/dictionary --types > radius_attributes.ts`;

/** Dictionary counts, as `--stats` prints them. */
interface Stats {
  readonly attributes: number;
  readonly names: number;
  readonly values: number;
  readonly vendors: number;
  readonly files: number;
  readonly bundled: boolean;
}

function stats(dictionary: Dictionary, files: number, bundled: boolean): Stats {
  const defs = new Set<AttributeDef>();
  let names = 0;
  for (const def of dictionary.attributes()) {
    names++;
    defs.add(def);
  }
  let values = 0;
  for (const def of defs) values += def.valueNumbers.size;
  const vendors = new Set<VendorDef>(dictionary.vendors());
  return { attributes: defs.size, names, values, vendors: vendors.size, files, bundled };
}

function flagList(def: AttributeDef): string[] {
  const flags: string[] = [];
  if (def.flags.hasTag) flags.push("has_tag");
  if (def.flags.encrypt !== 0) flags.push(`encrypt=${def.flags.encrypt}`);
  if (def.flags.array) flags.push("array");
  if (def.flags.concat) flags.push("concat");
  if (def.flags.virtual) flags.push("virtual");
  if (def.flags.secret) flags.push("secret");
  return flags;
}

function typeText(def: AttributeDef): string {
  return def.size === undefined ? def.type : `${def.type}[${def.size}]`;
}

function attributeJson(def: AttributeDef): Record<string, unknown> {
  return {
    name: def.name,
    oid: def.oid,
    code: def.code,
    type: typeText(def),
    vendor: def.vendor === undefined ? null : { name: def.vendor.name, id: def.vendor.id },
    parent: def.parent?.name ?? null,
    flags: flagList(def),
    values: Object.fromEntries(
      [...def.valueNames].map((
        [number, name],
      ) => [name, typeof number === "bigint" ? String(number) : number]),
    ),
  };
}

function printAttribute(def: AttributeDef): void {
  out(`${def.name}`);
  out(`  oid     ${def.oid}`);
  out(`  type    ${typeText(def)}`);
  const flags = flagList(def);
  out(`  flags   ${flags.length === 0 ? "none" : flags.join(",")}`);
  if (def.vendor !== undefined) out(`  vendor  ${def.vendor.name} (${def.vendor.id})`);
  if (def.parent !== undefined) out(`  parent  ${def.parent.name} (${def.parent.oid})`);
  if (def.children.size > 0) {
    out(`  members ${[...def.children.values()].map((child) => child.name).join(", ")}`);
  }
  if (def.valueNames.size === 0) out("  values  none");
  else {
    out(`  values  ${def.valueNames.size}`);
    for (const [number, name] of def.valueNames) out(`    ${name} = ${number}`);
  }
}

function vendorJson(vendor: VendorDef): Record<string, unknown> {
  return {
    vendor: vendor.name,
    id: vendor.id,
    format: `${vendor.typeLength},${vendor.lengthLength}${vendor.continuation ? ",c" : ""}`,
    attributes: [...vendor.attributes.values()].map((def) => def.name),
  };
}

/**
 * Runs `radkit dict`.
 *
 * @param args The arguments after `dict`.
 * @returns The exit status: 0 found, 1 not found or unreadable dictionary.
 * @throws {UsageError} for a command line that does not parse (`main` prints it, exit 2).
 *
 * @example Usage
 * ```ts
 * import { dict } from "./dict.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(dict(["User-Name", "NAS-Port"]), /one NAME or CODE/);
 * ```
 */
export async function dict(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args, {
    dict: { type: "string", multiple: true },
    stats: { type: "boolean" },
    json: { type: "boolean" },
    types: { type: "boolean" },
    "types-import": { type: "string" },
  }, "dict");
  if (flags.values.help === true) {
    out(DICT_HELP);
    return 0;
  }
  const json = flags.values.json === true;
  if (flags.positionals.length > 1 || (flags.positionals.length === 1 && flags.values.stats)) {
    throw new UsageError(
      'Give one NAME or CODE, or --stats, e.g. radkit dict User-Name; see "radkit dict --help"',
    );
  }
  const typesImport = flags.values["types-import"];
  if (flags.values.types === true) {
    if (flags.positionals.length > 0 || flags.values.stats === true || json) {
      throw new UsageError(
        "--types prints a module for the whole dictionary: drop NAME, --stats and --json",
      );
    }
  } else if (typesImport !== undefined) {
    throw new UsageError("--types-import goes with --types");
  }
  const loaded = await loadDictionary(listFlag(flags, "dict"));
  const { dictionary } = loaded;
  if (flags.values.types === true) {
    const files = listFlag(flags, "dict");
    out(renderTypesModule([...dictionary.attributes()], {
      header: "// Generated by `radkit dict --types" +
        files.map((file) => ` --dict ${file}`).join("") +
        "`.\n// Regenerate it when the dictionary changes; do not edit.\n",
      subject: files.length === 0 ? "radkit's bundled dictionaries" : "the loaded dictionary",
      importFrom: typeof typesImport === "string" ? typesImport : "@radkit/radius",
    }));
    return 0;
  }
  const query = flags.positionals[0];
  if (query === undefined) {
    const counts = stats(dictionary, loaded.files, loaded.bundled);
    if (json) out(JSON.stringify(counts));
    else {
      out(
        `attributes  ${counts.attributes}${
          counts.names > counts.attributes ? ` (${counts.names} names with aliases)` : ""
        }`,
      );
      out(`values      ${counts.values}`);
      out(`vendors     ${counts.vendors}`);
      out(
        `files       ${counts.files}${
          counts.bundled ? counts.files > 0 ? " + bundled" : " (bundled only)" : ""
        }`,
      );
    }
    return 0;
  }
  const isCode = /^\d+(\.\d+)*$/.test(query);
  const def = isCode ? dictionary.byOid(query) : dictionary.attribute(query);
  if (def !== undefined) {
    if (json) out(JSON.stringify(attributeJson(def)));
    else printAttribute(def);
    return 0;
  }
  const vendorMatch = /^26\.(\d+)$/.exec(query);
  const vendor = isCode
    ? vendorMatch === null ? undefined : dictionary.vendor(Number(vendorMatch[1]))
    : dictionary.vendor(query);
  if (vendor !== undefined) {
    if (json) out(JSON.stringify(vendorJson(vendor)));
    else {
      out(`${vendor.name}`);
      out(`  vendor  ${vendor.id}`);
      out(`  format  ${vendorJson(vendor).format}`);
      out(`  attributes ${vendor.attributes.size}`);
    }
    return 0;
  }
  if (isCode) {
    throw new NotFound(
      `No attribute with number ${query} in the dictionary; load more with --dict FILE`,
    );
  }
  const close = dictionary.suggest(query, 3);
  throw new NotFound(
    `No attribute or vendor "${query}"${
      close.length > 0
        ? `: did you mean ${close.map((name) => `"${name}"`).join(" or ")}?`
        : "; load a dictionary that defines it with --dict FILE"
    }`,
  );
}

/** A lookup that found nothing: exit 1, not a usage error. */
class NotFound extends Error {
  override name = "NotFound";
}
