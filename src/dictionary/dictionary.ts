// The loaded dictionary: parse / load FreeRADIUS files, extend them, and
// answer lookups by name, number, OID and vendor from maps built once.
import { bundled } from "../../dictionaries/bundled.ts";
import { DictionaryError } from "../errors.ts";
import { DictionaryBuilder, type DictionaryData } from "./_builder.ts";
import { resolveInclude } from "./_path.ts";
import { closestNames } from "./_suggest.ts";
import { type IncludeReader, MAX_INCLUDE_DEPTH, parseInto } from "./parser.ts";
import type { AttributeDef, VendorDef } from "./model.ts";
import type { AnyAttributes, AttributeMapOf } from "../attribute_map.ts";
import type { AttributeTypes } from "../../dictionaries/attribute_types.ts";

/**
 * Options of {@linkcode Dictionary.parse} and {@linkcode Dictionary.prototype.extend}.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type ParseOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const files: Record<string, string> = {
 *   "raddb/dictionary.extra": "ATTRIBUTE Site-Extra 193 string\n",
 * };
 * const options: ParseOptions = {
 *   filename: "raddb/dictionary.site",
 *   include: (name) => files[name],
 * };
 * const dictionary = Dictionary.parse("$INCLUDE dictionary.extra\n", options);
 * assert.equal(dictionary.attribute("Site-Extra")?.code, 193);
 * assert.throws(() => Dictionary.parse("ATTRIBUTE Broken\n", options), {
 *   name: "DictionaryError",
 *   file: "raddb/dictionary.site",
 *   line: 1,
 * });
 * ```
 */
export interface ParseOptions {
  /**
   * The name of the text's file: used in error messages and to resolve its
   * `$INCLUDE`s. Defaults to `"dictionary"`.
   */
  filename?: string;
  /**
   * Returns the text of an included file, or `undefined` (or throws) when it
   * does not exist. `name` is already resolved against `from`, the including
   * file, POSIX-style. Without this option an `$INCLUDE` is an error (and an
   * `$INCLUDE-` is skipped). A chain of `$INCLUDE`s holds at most 32 files,
   * the first one included.
   */
  include?: (name: string, from: string) => string | undefined;
}

/**
 * Reads a file's text, for {@linkcode Dictionary.load}; may be sync or async.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type ReadText } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // On a server: const readText: ReadText = (path) => readFile(path, "utf8");
 * const files = new Map([["/etc/raddb/dictionary", "ATTRIBUTE Site-Flag 192 integer\n"]]);
 * const readText: ReadText = async (path) => {
 *   const text = files.get(path);
 *   if (text === undefined) throw new Error(`ENOENT: ${path}`);
 *   return text;
 * };
 * const dictionary = await Dictionary.load("/etc/raddb/dictionary", readText);
 * assert.equal(dictionary.attribute("Site-Flag")?.type, "integer");
 * await assert.rejects(Dictionary.load("/nowhere", readText), { name: "DictionaryError" });
 * ```
 */
export type ReadText = (path: string) => string | Promise<string>;

/** One parse call, kept so that a later `extend` can replay it exactly. */
interface Layer {
  readonly file: string;
  readonly text: string;
  readonly includes: ReadonlyMap<string, string | undefined>;
}

const EMPTY: DictionaryData = new DictionaryBuilder().build();

/**
 * A RADIUS dictionary: attribute names, numbers, types, flags, vendors and
 * enumerated VALUEs, read from FreeRADIUS 3.2 dictionary files.
 *
 * Dictionaries are immutable. {@linkcode Dictionary.parse},
 * {@linkcode Dictionary.load} and {@linkcode Dictionary.default} make one;
 * {@linkcode Dictionary.prototype.extend} and
 * {@linkcode Dictionary.prototype.extendFile} return a new dictionary with more
 * files read on top, with FreeRADIUS's rules for re-definitions. A file that
 * fails to parse throws a `DictionaryError` naming the file and line, and
 * leaves every existing dictionary as it was.
 *
 * Redefinitions, as in FreeRADIUS 3.2: an identical ATTRIBUTE or VENDOR line is
 * allowed; the same name with another number, type or flags is an error; a new
 * name for a number already named is an alias: both names resolve, and lookups
 * by number answer the name defined last. The same holds for VALUE names of an
 * attribute (the same name with another number is an error).
 *
 * @example Usage
 * ```ts
 * import { Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.parse(`
 * ATTRIBUTE  Service-Type  6  integer
 * VALUE      Service-Type  Framed-User  2
 * `);
 * const serviceType = dictionary.attribute("service-type");
 * assert.equal(serviceType?.code, 6);
 * assert.equal(serviceType?.valueNumbers.get("framed-user"), 2);
 * assert.equal(dictionary.standard(6), serviceType);
 * ```
 */
export class Dictionary<A extends object = AnyAttributes> {
  static #default: Dictionary<AttributeTypes> | undefined;

  /**
   * The attribute map this dictionary is typed with: a type-only member
   * (always `undefined` at run time) through which `Packet`, `Client` and
   * `Server` learn the names and value types to check.
   */
  declare readonly "~attributes"?: AttributeMapOf<A>;

  #data: DictionaryData = EMPTY;
  #layers: readonly Layer[] = [];

  /**
   * Parses dictionary text, with its `$INCLUDE`s read through
   * `options.include`.
   *
   * @param text The text of the entry file.
   * @param options Its file name and how to read included files.
   * @returns The dictionary.
   * @throws {DictionaryError} When a line cannot be parsed or a definition
   * conflicts with another; the error names the file and line.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const files: Record<string, string> = {
   *   "dict/dictionary": "$INCLUDE dictionary.acme\n",
   *   "dict/dictionary.acme": "VENDOR Acme 9999\nATTRIBUTE Acme-Role 1 string Acme\n",
   * };
   * const dictionary = Dictionary.parse(files["dict/dictionary"]!, {
   *   filename: "dict/dictionary",
   *   include: (name) => files[name],
   * });
   * assert.equal(dictionary.byOid("26.9999.1")?.name, "Acme-Role");
   * ```
   */
  static parse<A extends object = AnyAttributes>(
    text: string,
    options?: ParseOptions,
  ): Dictionary<A> {
    return new Dictionary().extend<A>(text, options);
  }

  /**
   * Loads a dictionary file and everything it `$INCLUDE`s, resolved relative
   * to each including file. All files are read first (through `readText`,
   * concurrently), then parsed. A chain of `$INCLUDE`s holds at most 32
   * files, the first one included.
   *
   * @param path The entry file, e.g. `/usr/share/freeradius/dictionary`.
   * @param readText Reads one file's text; a thrown error means it cannot be read.
   * @returns The dictionary.
   * @throws {DictionaryError} When a file cannot be read or parsed, or
   * `$INCLUDE`s nest more than 32 files deep.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const files = new Map([
   *   ["/etc/raddb/dictionary", "$INCLUDE local/dictionary.site\n"],
   *   ["/etc/raddb/local/dictionary.site", "ATTRIBUTE Site-Flag 3000 integer\n"],
   * ]);
   * const read = (path: string): string => {
   *   const text = files.get(path);
   *   if (text === undefined) throw new Error(`ENOENT: ${path}`);
   *   return text;
   * };
   * const dictionary = await Dictionary.load("/etc/raddb/dictionary", read);
   * assert.equal(dictionary.attribute("Site-Flag")?.type, "integer");
   * ```
   */
  static load<A extends object = AnyAttributes>(
    path: string,
    readText: ReadText,
  ): Promise<Dictionary<A>> {
    return new Dictionary().extendFile<A>(path, readText);
  }

  /**
   * The dictionaries bundled with radkit (RFC 2865 and the RFCs after it,
   * plus Microsoft's vendor attributes), built once and cached. No I/O.
   *
   * @returns The shared bundled dictionary.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.default();
   * assert.equal(dictionary.attribute("User-Name")?.code, 1);
   * assert.equal(Dictionary.default(), dictionary);
   * ```
   */
  static default(): Dictionary<AttributeTypes> {
    Dictionary.#default ??= Dictionary.parse<AttributeTypes>(bundled["dictionary"] ?? "", {
      filename: "dictionary",
      include: (name) => Object.hasOwn(bundled, name) ? bundled[name] : undefined,
    });
    return Dictionary.#default;
  }

  /**
   * Returns a new dictionary: this one plus the given text read on top of
   * it, so the text can add VALUEs to attributes defined here or attributes
   * to vendors defined here. This dictionary does not change, even when the
   * text fails to parse. (The new dictionary is built by re-reading the
   * texts this one was made from, which a dictionary keeps for this purpose:
   * about 1 ms for the bundled dictionaries, 60 ms for the whole Debian tree.)
   *
   * @param text The text of the file to add.
   * @param options Its file name and how to read files it includes.
   * @returns The extended dictionary.
   * @throws {DictionaryError} When a line cannot be parsed or conflicts with
   * a definition of this dictionary.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const base = Dictionary.parse("ATTRIBUTE Service-Type 6 integer\n");
   * const more = base.extend("VALUE Service-Type Login-User 1\n", { filename: "dictionary.local" });
   * assert.equal(more.attribute("Service-Type")?.valueNames.get(1), "Login-User");
   * assert.equal(base.attribute("Service-Type")?.valueNames.size, 0);
   * ```
   */
  extend<B extends object = A & AnyAttributes>(
    text: string,
    options?: ParseOptions,
  ): Dictionary<B> {
    const file = options?.filename ?? "dictionary";
    const reader = options?.include;
    const includes = new Map<string, string | undefined>();
    const include: IncludeReader | undefined = reader === undefined ? undefined : (path, from) => {
      const included = reader(path, from);
      includes.set(path, included);
      return included;
    };
    const builder = new DictionaryBuilder();
    for (const layer of this.#layers) {
      parseInto(builder, layer.text, layer.file, (path) => layer.includes.get(path));
    }
    parseInto(builder, text, file, include);
    builder.finish();
    return Dictionary.#create<B>(builder.build(), [...this.#layers, { file, text, includes }]);
  }

  /**
   * Returns a new dictionary: this one plus a file (and what it includes)
   * read on top of it, as {@linkcode Dictionary.load} reads files.
   *
   * @param path The file to add.
   * @param readText Reads one file's text; a thrown error means it cannot be read.
   * @returns The extended dictionary.
   * @throws {DictionaryError} When a file cannot be read or parsed.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const read = (): string => "VALUE Service-Type Site-Specific 200\n";
   * const dictionary = await Dictionary.default().extendFile("/etc/raddb/dictionary", read);
   * assert.equal(dictionary.attribute("Service-Type")?.valueNumbers.get("site-specific"), 200);
   * ```
   */
  async extendFile<B extends object = A & AnyAttributes>(
    path: string,
    readText: ReadText,
  ): Promise<Dictionary<B>> {
    const files = await prefetch(path, readText);
    const root = files.get(path);
    if (typeof root !== "string") {
      const reason = root instanceof Error ? root.message : String(root);
      throw new DictionaryError(`cannot read "${path}": ${reason}`, { file: path, line: 0 }, {
        cause: root,
      });
    }
    return this.extend<B>(root, {
      filename: path,
      include: (name) => {
        const text = files.get(name);
        if (text instanceof Error) throw text;
        return text;
      },
    });
  }

  /**
   * Looks an attribute up by name, ignoring case as FreeRADIUS does.
   *
   * @param name The attribute name.
   * @returns Its definition, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse("ATTRIBUTE User-Name 1 string\n");
   * assert.equal(dictionary.attribute("USER-NAME")?.name, "User-Name");
   * assert.equal(dictionary.attribute("User-Nme"), undefined);
   * ```
   */
  attribute(name: string): AttributeDef | undefined {
    return this.#data.byName.get(name) ?? this.#data.byLowerName.get(name.toLowerCase());
  }

  /**
   * Looks up a top-level IETF attribute (no vendor) by its one-byte type.
   * When several names share the number, the one defined last answers.
   *
   * @param code The attribute type, 1..255.
   * @returns Its definition, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse("ATTRIBUTE User-Name 1 string\n");
   * assert.equal(dictionary.standard(1)?.name, "User-Name");
   * assert.equal(dictionary.standard(2), undefined);
   * ```
   */
  standard(code: number): AttributeDef | undefined {
    return this.#data.standard[code];
  }

  /**
   * Looks an attribute up by its dotted number path, as FreeRADIUS prints it:
   * `"1"`, `"26.9.1"` (vendor 9, type 1), `"241.1"`, `"241.26.12345.1"`.
   *
   * @param oid The dotted path, decimal numbers only.
   * @returns Its definition, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse(
   *   "ATTRIBUTE Extended-Attribute-1 241 extended\nATTRIBUTE Frag-Status 241.1 integer\n",
   * );
   * assert.equal(dictionary.byOid("241.1")?.name, "Frag-Status");
   * ```
   */
  byOid(oid: string): AttributeDef | undefined {
    return this.#data.byOid.get(oid);
  }

  /**
   * Looks a vendor up by name (ignoring case) or by number. When several
   * names share a number, the one defined last answers.
   *
   * @param nameOrId The vendor name or IANA Private Enterprise Number.
   * @returns Its definition, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse(
   *   "VENDOR Cisco 9\nBEGIN-VENDOR Cisco\nATTRIBUTE Cisco-AVPair 1 string\nEND-VENDOR Cisco\n",
   * );
   * assert.equal(dictionary.vendor("cisco")?.id, 9);
   * assert.equal(dictionary.vendor(9)?.attributes.get(1)?.name, "Cisco-AVPair");
   * ```
   */
  vendor(nameOrId: string | number): VendorDef | undefined {
    if (typeof nameOrId === "number") return this.#data.vendorsById.get(nameOrId);
    return this.#data.vendorsByName.get(nameOrId) ??
      this.#data.vendorsByLowerName.get(nameOrId.toLowerCase());
  }

  /**
   * Every attribute name, aliases included, in order of first definition.
   *
   * @returns An iterator over the definitions.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse("ATTRIBUTE A-1 1 string\nATTRIBUTE A-2 2 string\n");
   * assert.deepEqual([...dictionary.attributes()].map((a) => a.name), ["A-1", "A-2"]);
   * ```
   */
  attributes(): IterableIterator<AttributeDef> {
    return this.#data.attributes.values();
  }

  /**
   * Every vendor name, aliases included, in order of first definition.
   *
   * @returns An iterator over the definitions.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse("VENDOR Cisco 9\nVENDOR Microsoft 311\n");
   * assert.deepEqual([...dictionary.vendors()].map((v) => v.id), [9, 311]);
   * ```
   */
  vendors(): IterableIterator<VendorDef> {
    return this.#data.vendors.values();
  }

  /**
   * The attribute names closest to a misspelt one, for "did you mean"
   * messages: small edit distance (case-insensitive), then names containing it.
   *
   * @param name The name that was not found.
   * @param max How many names to return at most (default 3).
   * @returns Attribute names, best first; empty when none is close.
   *
   * @example Usage
   * ```ts
   * import { Dictionary } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const dictionary = Dictionary.parse(
   *   "ATTRIBUTE User-Name 1 string\nATTRIBUTE User-Password 2 string\n",
   * );
   * assert.deepEqual(dictionary.suggest("User-Nmae"), ["User-Name"]);
   * ```
   */
  suggest(name: string, max: number = 3): string[] {
    return closestNames(name, this.#data.byName.keys(), max);
  }

  static #create<B extends object>(data: DictionaryData, layers: readonly Layer[]): Dictionary<B> {
    const dictionary = new Dictionary<B>();
    dictionary.#data = data;
    dictionary.#layers = layers;
    return dictionary;
  }
}

/**
 * Reads a file and, recursively and concurrently, every file it includes,
 * down to the depth the parser opens ({@linkcode MAX_INCLUDE_DEPTH}). A file
 * that cannot be read is kept as its error, so that the parser can report it
 * at the `$INCLUDE` line (or skip it for `$INCLUDE-`).
 */
async function prefetch(
  path: string,
  readText: ReadText,
): Promise<Map<string, string | Error>> {
  const files = new Map<string, string | Error>();
  const reads = new Map<string, Promise<void>>();
  const read = async (file: string): Promise<void> => {
    let text: unknown;
    try {
      text = await readText(file);
    } catch (error) {
      files.set(file, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (typeof text !== "string") {
      // The usual slip: readFile(path) without "utf8" gives bytes.
      const what = text === null || text === undefined ? String(text) : text.constructor?.name;
      files.set(file, new TypeError(`readText returned ${what}, not a string; read it as text`));
      return;
    }
    files.set(file, text);
  };
  // The shallowest depth each file was reached at (the entry file is 1): a
  // file first reached deep, then shallower, has its includes read then.
  const depths = new Map<string, number>();
  const visit = async (file: string, depth: number): Promise<void> => {
    const reached = depths.get(file);
    if (reached !== undefined && reached <= depth) return;
    depths.set(file, depth);
    let reading = reads.get(file);
    if (reading === undefined) reads.set(file, reading = read(file));
    await reading;
    const text = files.get(file);
    if (typeof text !== "string" || depth >= MAX_INCLUDE_DEPTH) return;
    await Promise.all(
      includedNames(text).map((name) => visit(resolveInclude(name, file), depth + 1)),
    );
  };
  await visit(path, 1);
  return files;
}

const INCLUDE_LINE = /^[ \t]*\$(?:INCLUDE-?|-INCLUDE)[ \t]+([^ \t\r\n#]+)/gim;

function includedNames(text: string): string[] {
  return Array.from(text.matchAll(INCLUDE_LINE), (match) => match[1]!);
}
