/**
 * Command-line options, parsed with `node:util`'s `parseArgs` (in Deno, Bun
 * and Node alike), with errors turned into one-line {@linkcode UsageError}s
 * that name the subcommand's `--help`.
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./errors.ts";

/** One option: a string (possibly repeated) or a boolean switch. */
export interface FlagSpec {
  /** `"string"` takes a value, `"boolean"` is a switch. */
  readonly type: "string" | "boolean";
  /** One-letter alias, e.g. `"f"` for `-f`. */
  readonly short?: string;
  /** Whether it may be given several times (values collect into an array). */
  readonly multiple?: boolean;
}

/** What {@linkcode parseFlags} returns: option values by name, and the positionals. */
export interface ParsedFlags {
  /** Option values: a string, a string array for `multiple`, or `true`. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The arguments that are not options, in order. */
  readonly positionals: readonly string[];
}

/**
 * Parses a subcommand's arguments.
 *
 * @param args The arguments after the subcommand name.
 * @param spec The options it takes (`help` is always added).
 * @param command The subcommand, for the hint in error messages.
 * @returns The option values and positionals.
 * @throws {UsageError} for an unknown option or a missing option value.
 *
 * @example Usage
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const { values, positionals } = parseFlags(
 *   ["--dict", "a", "--dict", "b", "--json", "User-Name=bob"],
 *   { dict: { type: "string", multiple: true }, json: { type: "boolean" } },
 *   "send",
 * );
 * assert.deepEqual(values.dict, ["a", "b"]);
 * assert.equal(values.json, true);
 * assert.deepEqual(positionals, ["User-Name=bob"]);
 * assert.throws(() => parseFlags(["--nope"], {}, "send"), /radkit send --help/);
 * ```
 */
export function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, FlagSpec>>,
  command: string,
): ParsedFlags {
  const options: Record<string, FlagSpec> = { help: { type: "boolean", short: "h" }, ...spec };
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: options as ParseArgsOptionsConfig,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedFlags["values"], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs messages can span lines and end with advice meant for scripts.
    const first = message.split("\n")[0]!.replace(/\.?\s*To specify a positional.*$/, "");
    throw new UsageError(`${first}; see "radkit ${command} --help"`, { cause: error });
  }
}

/**
 * The value of a string option given once (the last one wins if repeated).
 *
 * @param flags Parsed flags.
 * @param name The option name.
 * @returns The value, or `undefined` when absent.
 *
 * @example Usage
 * ```ts
 * import { parseFlags, stringFlag } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = parseFlags(["--secret", "s3"], { secret: { type: "string" } }, "send");
 * assert.equal(stringFlag(flags, "secret"), "s3");
 * assert.equal(stringFlag(flags, "server"), undefined);
 * ```
 */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags.values[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === "string" ? value : undefined;
}

/**
 * Every value of a repeatable string option.
 *
 * @param flags Parsed flags.
 * @param name The option name.
 * @returns The values in order; empty when absent.
 *
 * @example Usage
 * ```ts
 * import { listFlag, parseFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = parseFlags(["--dict", "a"], { dict: { type: "string", multiple: true } }, "dict");
 * assert.deepEqual(listFlag(flags, "dict"), ["a"]);
 * ```
 */
export function listFlag(flags: ParsedFlags, name: string): string[] {
  const value = flags.values[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

/**
 * A required string option.
 *
 * @param flags Parsed flags.
 * @param name The option name.
 * @param hint What the value is, with an example, for the error message.
 * @param command The subcommand, for the `--help` hint.
 * @returns The value.
 * @throws {UsageError} when the option is missing or empty.
 *
 * @example Usage
 * ```ts
 * import { parseFlags, requiredFlag } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = parseFlags([], { secret: { type: "string" } }, "send");
 * assert.throws(
 *   () => requiredFlag(flags, "secret", "the shared secret, e.g. --secret testing123", "send"),
 *   /Missing --secret/,
 * );
 * ```
 */
export function requiredFlag(
  flags: ParsedFlags,
  name: string,
  hint: string,
  command: string,
): string {
  const value = stringFlag(flags, name);
  if (value === undefined || value === "") {
    throw new UsageError(`Missing --${name}: ${hint}; see "radkit ${command} --help"`);
  }
  return value;
}

/**
 * An integer option within a range.
 *
 * @param flags Parsed flags.
 * @param name The option name.
 * @param fallback The value when the option is absent.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @returns The number.
 * @throws {UsageError} when the value is not an integer in range.
 *
 * @example Usage
 * ```ts
 * import { integerFlag, parseFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = parseFlags(["--retries", "2"], { retries: { type: "string" } }, "send");
 * assert.equal(integerFlag(flags, "retries", 3, 0, 100), 2);
 * assert.equal(integerFlag(flags, "timeout", 3000, 1, 600000), 3000);
 * ```
 */
export function integerFlag(
  flags: ParsedFlags,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = stringFlag(flags, name);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new UsageError(`Invalid --${name} "${text}": give a whole number from ${min} to ${max}`);
  }
  return value;
}
