// POSIX-style path joining for `$INCLUDE`, without `node:path` so that the
// core stays runtime-agnostic.

/**
 * Resolves an `$INCLUDE` target against the file that includes it, as
 * FreeRADIUS does: an absolute name stands alone, a relative one is taken
 * from the directory of the including file (src/lib/dict.c `my_dict_init`).
 *
 * @param name The name written after `$INCLUDE`.
 * @param from The path of the including file.
 * @returns The normalised path (`.` and `..` segments removed).
 */
export function resolveInclude(name: string, from: string): string {
  if (name.startsWith("/")) return normalize(name);
  const slash = from.lastIndexOf("/");
  return normalize(slash < 0 ? name : from.slice(0, slash + 1) + name);
}

/**
 * Removes `.` and `..` segments and doubled slashes from a POSIX path.
 *
 * @param path A relative or absolute path.
 * @returns The same path in normal form; `..` above the root of an absolute
 * path is dropped, above a relative path it is kept.
 */
export function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined === "" ? "." : joined;
}
