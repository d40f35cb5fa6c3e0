// The FreeRADIUS 3.2 dictionary text format, line by line: keywords, blocks
// (BEGIN-VENDOR / BEGIN-TLV) and `$INCLUDE`. What a definition means, and
// whether it clashes with an earlier one, is the builder's business.
import { DictionaryError } from "../errors.ts";
import type { Container, DictionaryBuilder, Origin, Slot, VendorSpace } from "./_builder.ts";
import { Lines } from "./_lines.ts";
import { resolveInclude } from "./_path.ts";

/**
 * The most files a chain of `$INCLUDE`s may hold, the first file included:
 * a deeper one is a `DictionaryError` (rather than a stack overflow).
 * FreeRADIUS 3.2 has no limit of its own (`my_dict_init` recurses, each
 * nested file keeping a descriptor open), so the usual 1,024 descriptors end
 * a chain after about 1,020 files ("Too many open files", radclient 3.2.1).
 * FreeRADIUS 4 names 32 as the most nested BEGIN
 * and `$INCLUDE` statements (`DICT_MAX_STACK`); the FreeRADIUS trees nest 2
 * deep, 3 from a raddb dictionary that includes them.
 */
export const MAX_INCLUDE_DEPTH = 32;

/**
 * Returns the text of an included file, or `undefined` when there is no such
 * file. `path` is already resolved against `from`, the including file.
 */
export type IncludeReader = (path: string, from: string) => string | undefined;

interface VendorBlock {
  readonly name: string;
  readonly space: VendorSpace;
  readonly container: Container;
  readonly origin: Origin;
}

interface TlvBlock {
  readonly name: string;
  readonly slot: Slot;
  readonly container: Container;
  readonly origin: Origin;
}

/**
 * Reads one dictionary file (and, recursively, what it includes) into a
 * builder. Blocks are per file, as in FreeRADIUS: an included file starts
 * outside any BEGIN-VENDOR, and every block must be closed in the file that
 * opened it.
 *
 * @param builder Receives the definitions.
 * @param text The file's text.
 * @param file The file's path, used to resolve includes and in errors.
 * @param include Reads included files; without it `$INCLUDE` is an error.
 * @param stack The files being read, outermost first, to detect include loops
 * and bound their depth ({@linkcode MAX_INCLUDE_DEPTH}, which also bounds
 * this recursion).
 */
export function parseInto(
  builder: DictionaryBuilder,
  text: string,
  file: string,
  include: IncludeReader | undefined,
  stack: string[] = [],
): void {
  builder.loaded.add(file);
  stack.push(file);
  let vendor: VendorBlock | undefined;
  const tlvs: TlvBlock[] = [];
  const lines = new Lines(text);
  for (let fields = lines.next(); fields !== undefined; fields = lines.next()) {
    const keyword = fields[0]!.toUpperCase();
    const args = fields.slice(1);
    const origin: Origin = { file, line: lines.line };
    switch (keyword) {
      case "ATTRIBUTE": {
        columns(keyword, args, 3, 4, "name number type [flags]", origin);
        const base = tlvs[tlvs.length - 1]?.container ?? vendor?.container ?? builder.root;
        builder.defineAttribute(args, base, origin);
        break;
      }
      case "VALUE":
        columns(keyword, args, 3, 3, "attribute name number", origin);
        builder.defineValue(args, origin);
        break;
      case "VENDOR":
        columns(keyword, args, 2, 3, "name number [format=t,l]", origin);
        builder.defineVendor(args[0]!, args[1]!, args[2], origin);
        break;
      case "BEGIN-VENDOR": {
        columns(keyword, args, 1, 2, "name [format=Extended-Vendor-Specific-N]", origin);
        const name = args[0]!;
        if (vendor !== undefined) {
          throw new DictionaryError(
            `BEGIN-VENDOR ${name} inside the block of vendor ${vendor.name} opened at line ` +
              `${vendor.origin.line}; close it with END-VENDOR ${vendor.name} first`,
            origin,
          );
        }
        const container = builder.vendorBlock(name, args[1], origin);
        const space = builder.vendorSpace(name)!;
        vendor = { name, space, container, origin };
        break;
      }
      case "END-VENDOR": {
        columns(keyword, args, 1, 1, "name", origin);
        const name = args[0]!;
        const tlv = tlvs[tlvs.length - 1];
        if (tlv !== undefined) {
          throw new DictionaryError(
            `END-VENDOR ${name} inside BEGIN-TLV ${tlv.name} (line ${tlv.origin.line}); ` +
              `close it with END-TLV ${tlv.name} first`,
            origin,
          );
        }
        if (vendor === undefined) {
          throw new DictionaryError(
            `END-VENDOR ${name} without BEGIN-VENDOR ${name} in this file`,
            origin,
          );
        }
        if (builder.vendorSpace(name) !== vendor.space) {
          throw new DictionaryError(
            `END-VENDOR ${name} does not match BEGIN-VENDOR ${vendor.name} at line ` +
              `${vendor.origin.line}; write END-VENDOR ${vendor.name}`,
            origin,
          );
        }
        vendor = undefined;
        break;
      }
      case "BEGIN-TLV": {
        columns(keyword, args, 1, 1, "name", origin);
        const name = args[0]!;
        const container = builder.tlvBlock(name, origin);
        tlvs.push({ name, slot: builder.attributeSlot(name)!, container, origin });
        break;
      }
      case "END-TLV": {
        columns(keyword, args, 1, 1, "name", origin);
        const name = args[0]!;
        const tlv = tlvs[tlvs.length - 1];
        if (tlv === undefined) {
          throw new DictionaryError(
            `END-TLV ${name} without BEGIN-TLV ${name} in this file`,
            origin,
          );
        }
        if (builder.attributeSlot(name) !== tlv.slot) {
          throw new DictionaryError(
            `END-TLV ${name} does not match BEGIN-TLV ${tlv.name} at line ${tlv.origin.line}; ` +
              `write END-TLV ${tlv.name}`,
            origin,
          );
        }
        tlvs.pop();
        break;
      }
      case "$INCLUDE":
      case "$INCLUDE-":
      case "$-INCLUDE": {
        columns(fields[0]!, args, 1, 1, "file", origin);
        // `$INCLUDE-` (also spelled `$-INCLUDE`) silently skips a file that
        // cannot be read (FreeRADIUS `my_dict_init` returning -2).
        includeFile(builder, args[0]!, keyword !== "$INCLUDE", include, stack, origin);
        break;
      }
      default:
        throw new DictionaryError(
          `unknown keyword "${fields[0]}"; expected ATTRIBUTE, VALUE, VENDOR, BEGIN-VENDOR, ` +
            "END-VENDOR, BEGIN-TLV, END-TLV, $INCLUDE or $INCLUDE-",
          origin,
        );
    }
  }
  const tlv = tlvs[tlvs.length - 1];
  if (tlv !== undefined) {
    throw new DictionaryError(
      `BEGIN-TLV ${tlv.name} is never closed; add END-TLV ${tlv.name} before the end of the file`,
      tlv.origin,
    );
  }
  if (vendor !== undefined) {
    throw new DictionaryError(
      `BEGIN-VENDOR ${vendor.name} is never closed; add END-VENDOR ${vendor.name} before the ` +
        "end of the file",
      vendor.origin,
    );
  }
  stack.pop();
}

function columns(
  keyword: string,
  args: readonly string[],
  min: number,
  max: number,
  usage: string,
  origin: Origin,
): void {
  if (args.length >= min && args.length <= max) return;
  const problem = args.length < min ? "too few columns" : "too many columns";
  throw new DictionaryError(`${problem} for ${keyword}; write ${keyword} ${usage}`, origin);
}

function includeFile(
  builder: DictionaryBuilder,
  name: string,
  optional: boolean,
  include: IncludeReader | undefined,
  stack: string[],
  origin: Origin,
): void {
  const path = resolveInclude(name, origin.file);
  const loop = stack.indexOf(path);
  if (loop >= 0) {
    throw new DictionaryError(
      `$INCLUDE ${name} makes an include loop: ${[...stack.slice(loop), path].join(" -> ")}`,
      origin,
    );
  }
  // FreeRADIUS reads each file once per load and skips later includes of it.
  if (builder.loaded.has(path)) return;
  if (stack.length >= MAX_INCLUDE_DEPTH) {
    throw new DictionaryError(
      `$INCLUDE ${name} nests "${path}" too deep: a chain of $INCLUDEs holds at most ` +
        `${MAX_INCLUDE_DEPTH} files (${stack[0]} -> ... -> ${origin.file} -> ${path}); ` +
        "include the files from fewer levels",
      origin,
    );
  }
  let text: string | undefined;
  let cause: unknown;
  if (include !== undefined) {
    try {
      const read: unknown = include(path, origin.file);
      if (read === undefined || typeof read === "string") text = read;
      else cause = new TypeError(`the include function returned ${kind(read)}, not a string`);
    } catch (error) {
      cause = error;
    }
  }
  if (text === undefined) {
    if (optional) return;
    const why = include === undefined
      ? "no include function was given; pass options.include or use Dictionary.load"
      : cause === undefined
      ? "no such file"
      : cause instanceof Error
      ? cause.message
      : String(cause);
    throw new DictionaryError(
      `cannot read "${path}" included by $INCLUDE ${name}: ${why}`,
      origin,
      { cause },
    );
  }
  parseInto(builder, text, path, include, stack);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "object"}`;
  return `a ${typeof value}`;
}
