/**
 * Options that name a file to read (`--cert`, `--key`, `--ca`): read once,
 * with an error that names the option and the path.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import { type ParsedFlags, stringFlag } from "./flags.ts";
import { readText } from "./runtime.ts";

/**
 * The text of the file an option names.
 *
 * @param flags The parsed command line.
 * @param name The option, without dashes.
 * @returns The file's text, or `undefined` when the option was not given.
 * @throws {UsageError} when the file cannot be read.
 *
 * @example Usage
 * ```ts
 * import { readFileFlag } from "./file_flag.ts";
 * import { parseFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = parseFlags(["--ca", "/nonexistent/ca.pem"], { ca: { type: "string" } }, "send");
 * await assert.rejects(readFileFlag(flags, "ca"), /Cannot read --ca "\/nonexistent\/ca.pem"/);
 * assert.equal(await readFileFlag(flags, "cert"), undefined);
 * ```
 */
export async function readFileFlag(flags: ParsedFlags, name: string): Promise<string | undefined> {
  const path = stringFlag(flags, name);
  if (path === undefined) return undefined;
  try {
    return await readText(path);
  } catch (error) {
    throw new UsageError(`Cannot read --${name} "${path}": ${(error as Error).message}`);
  }
}
