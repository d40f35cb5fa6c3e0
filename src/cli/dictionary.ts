/**
 * The dictionary a CLI command works with: the bundled RFC dictionaries,
 * plus every `--dict FILE` (FreeRADIUS format, `$INCLUDE`s resolved
 * relative to the including file) read on top, in order. A first `--dict`
 * file that defines the RFC attributes itself (User-Name, number 1), such
 * as FreeRADIUS's main `dictionary`, replaces the bundled dictionaries
 * instead: it would clash with them.
 *
 * @module
 */
import { Dictionary } from "../../mod.ts";
import { readText } from "./runtime.ts";

/** A loaded dictionary and how many files were read for it. */
export interface LoadedDictionary {
  /** The bundled dictionaries extended with the given files, or the files alone. */
  readonly dictionary: Dictionary;
  /** Files read from disk (each `--dict` file and what it includes). */
  readonly files: number;
  /** Whether the bundled dictionaries are part of it. */
  readonly bundled: boolean;
}

/**
 * Loads the bundled dictionary extended with `--dict` files.
 *
 * @param paths The `--dict` files, in order.
 * @returns The dictionary and the number of files read.
 * @throws {DictionaryError} naming the file and line that fails to read or parse.
 *
 * @example Usage
 * ```ts
 * import { loadDictionary } from "./dictionary.ts";
 * import assert from "node:assert/strict";
 *
 * const { dictionary, files, bundled } = await loadDictionary([]);
 * assert.equal(dictionary.attribute("User-Name")?.code, 1);
 * assert.equal(files, 0);
 * assert.equal(bundled, true);
 * ```
 */
export async function loadDictionary(paths: readonly string[]): Promise<LoadedDictionary> {
  let dictionary: Dictionary = Dictionary.default();
  let bundled = true;
  const files = new Set<string>();
  const read = async (path: string): Promise<string> => {
    const text = await readText(path);
    files.add(path);
    return text;
  };
  for (const [index, path] of paths.entries()) {
    if (index === 0) {
      const alone = await Dictionary.load(path, read).catch(() => undefined);
      if (alone?.standard(1) !== undefined) {
        dictionary = alone;
        bundled = false;
        continue;
      }
    }
    dictionary = await dictionary.extendFile(path, read);
  }
  return { dictionary, files: files.size, bundled };
}
