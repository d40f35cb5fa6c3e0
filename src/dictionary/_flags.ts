// The fourth column of an ATTRIBUTE line: comma-separated flags, or (old
// style) the name of the vendor the attribute belongs to.
import { parseNumber } from "./_number.ts";
import type { AttributeFlags, EncryptMethod } from "./model.ts";

/** Flags with nothing set, shared by every attribute without a flags column. */
export const NO_FLAGS: AttributeFlags = Object.freeze({
  hasTag: false,
  encrypt: 0,
  array: false,
  concat: false,
  virtual: false,
  secret: false,
});

/** What the fourth column turned out to be. */
export type FlagsColumn =
  | { readonly kind: "flags"; readonly flags: AttributeFlags }
  | { readonly kind: "vendor"; readonly name: string }
  | { readonly kind: "error"; readonly reason: string };

/** The flags radkit understands, for error messages. */
export const KNOWN_FLAGS = "has_tag, encrypt=1|2|3, array, concat, virtual, secret";

/**
 * Parses the fourth column of an ATTRIBUTE line the way FreeRADIUS 3.2's
 * `process_attribute` does: a comma-separated list of flags, or a single word
 * that is not a flag, which then names a vendor (checked by the caller).
 *
 * @param column The column as written.
 * @returns The flags as written (the caller checks them against the type and
 * adds the implied `secret`), a vendor name to look up, or why the column is
 * invalid.
 */
export function parseFlagsColumn(column: string): FlagsColumn {
  let hasTag = false;
  let encrypt: EncryptMethod = 0;
  let array = false;
  let concat = false;
  let virtual = false;
  let secret = false;
  const keys = column.split(",");
  // FreeRADIUS stops at an empty key, which tolerates a trailing comma.
  if (keys.length > 1 && keys[keys.length - 1] === "") keys.pop();
  for (const key of keys) {
    if (key === "has_tag" || key === "has_tag=1") hasTag = true;
    else if (key === "array") array = true;
    else if (key === "concat") concat = true;
    else if (key === "virtual") virtual = true;
    else if (key === "secret") secret = true;
    else if (key.startsWith("encrypt=")) {
      const method = parseNumber(key.slice(8));
      if (method === undefined || method > 3) {
        return {
          kind: "error",
          reason: `invalid flag "${key}"; use encrypt=1 (User-Password), ` +
            "encrypt=2 (Tunnel-Password) or encrypt=3 (Ascend-Send-Secret)",
        };
      }
      encrypt = method as EncryptMethod;
    } else if (keys.length === 1 && key !== "" && !key.includes("=")) {
      return { kind: "vendor", name: key };
    } else {
      return { kind: "error", reason: `unknown flag "${key}"; use ${KNOWN_FLAGS}` };
    }
  }
  return {
    kind: "flags",
    flags: Object.freeze({ hasTag, encrypt, array, concat, virtual, secret }),
  };
}
