/**
 * Writes a TypeScript module of attribute types for a dictionary: the
 * `AttributeValues` (VALUE names of each enumerated attribute) and
 * `AttributeTypes` (attribute name → value type) maps that `Dictionary`,
 * `Packet`, `Client` and `Server` take as their type parameter.
 * `dictionaries/attribute_types.ts` is this module for the bundled
 * dictionaries; `radkit dict --types` writes it for any other.
 *
 * @module
 */
import type { AttributeDef } from "./model.ts";

/** How {@linkcode renderTypesModule} frames the module. */
export interface TypesModuleOptions {
  /** Comment lines at the top (each starting with `//`), ending in a newline. */
  readonly header: string;
  /** What the types describe, e.g. `"radkit's bundled dictionaries"`. */
  readonly subject: string;
  /** Where `Tagged` is imported from, e.g. `"@radkit/radius"`. */
  readonly importFrom: string;
  /**
   * JSDoc lines (` * …`) of `@example` blocks for the `AttributeValues` and
   * `AttributeTypes` interfaces, if any.
   */
  readonly examples?: { readonly values: readonly string[]; readonly types: readonly string[] };
}

/**
 * The module's text.
 *
 * @param attributes The dictionary's attributes (top level and vendor), in order.
 * @param options How to frame the module.
 * @returns TypeScript source, formatted as `deno fmt` leaves it.
 */
export function renderTypesModule(
  attributes: readonly AttributeDef[],
  options: TypesModuleOptions,
): string {
  const out = [
    options.header,
    "/**",
    ` * Value types of the attributes of ${options.subject}, so that the`,
    " * compiler checks attribute names and values and editors list them.",
    " *",
    " * @module",
    " */",
    `import type { Tagged } from ${JSON.stringify(options.importFrom)};`,
    "",
    "/**",
    ` * The VALUE names of each enumerated attribute of ${options.subject}.`,
    ...(options.examples?.values ?? []),
    " */",
    "export interface AttributeValues {",
  ];
  for (const def of attributes) {
    if (def.valueAliases.length === 0 || !ENUMERABLE.has(def.type)) continue;
    const names = def.valueAliases.map((name) => JSON.stringify(name));
    out.push(`  /** The VALUE names of ${def.name}. */`, `  ${JSON.stringify(def.name)}:`);
    for (const name of names) out.push(`    | ${name}`);
    out[out.length - 1] += ";";
  }
  out.push(
    "}",
    "",
    "/**",
    ` * The value type of each attribute of ${options.subject}, by name.`,
    ...(options.examples?.types ?? []),
    " */",
    "export interface AttributeTypes {",
  );
  for (const def of attributes) {
    out.push(`  /** ${describe(def)} */`);
    out.push(`  ${JSON.stringify(def.name)}: ${valueType(def, "  ")};`);
  }
  out.push("}", "");
  return out.join("\n");
}

const ENUMERABLE: ReadonlySet<string> = new Set([
  "integer",
  "short",
  "byte",
  "signed",
  "integer64",
]);

function describe(def: AttributeDef): string {
  const type = def.size === undefined ? def.type : `octets[${def.size}]`;
  const where = def.vendor === undefined ? "Attribute" : `${def.vendor.name} attribute`;
  return `${where} ${def.oid}, ${type}${def.flags.hasTag ? ", tagged" : ""}.`;
}

function valueType(def: AttributeDef, indent: string): string {
  const plain = plainType(def, indent);
  return def.flags.hasTag ? `${plain} | Tagged<${plain}>` : plain;
}

function plainType(def: AttributeDef, indent: string): string {
  switch (def.type) {
    case "string":
    case "ipaddr":
    case "ipv6addr":
    case "combo-ip":
    case "ipv4prefix":
    case "ipv6prefix":
    case "ifid":
    case "ether":
      return "string";
    case "integer":
    case "short":
    case "byte":
    case "signed":
      return enumerated(def, "number");
    case "integer64":
      return enumerated(def, "bigint");
    case "bool":
      return "boolean";
    case "date":
      return "Date";
    case "tlv": {
      if (def.children.size === 0) return "Record<string, unknown>";
      const inner = `${indent}  `;
      // A repeated child is an array of its values, in order (codec TlvValue).
      const fields = [...def.children.values()].map((child) => {
        const type = valueType(child, inner);
        const many = /^[\w.]+$/.test(type) ? `${type}[]` : `(${type})[]`;
        return `${inner}${JSON.stringify(child.name)}?: ${type} | ${many};`;
      });
      return `{\n${fields.join("\n")}\n${indent}}`;
    }
    case "abinary":
      return "string"; // filter text (bytes that print as no filter are not decoded: getRaw())
    case "octets":
    case "vsa":
    case "extended":
    case "long-extended":
    case "evs":
      return "Uint8Array";
  }
}

function enumerated(def: AttributeDef, number: string): string {
  return def.valueAliases.length === 0
    ? number
    : `AttributeValues[${JSON.stringify(def.name)}] | ${number}`;
}
