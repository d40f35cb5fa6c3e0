/**
 * The `radkit` command: poke RADIUS servers and clients from a shell, on
 * Deno, Bun or Node, with radkit itself.
 *
 * - `radkit send` — like radclient: send Access, Accounting, CoA,
 *   Disconnect or Status-Server requests and print the replies.
 * - `radkit serve` — a demo server: users from a FreeRADIUS-style `users`
 *   file (PAP, CHAP), accounting, CoA and Disconnect acknowledged, on every
 *   core (`--workers`).
 * - `radkit decode` — one packet from hex, verified with the secret.
 * - `radkit dict` — look up the bundled or given FreeRADIUS dictionaries.
 *
 * Run it with `deno run -A --unstable-net jsr:@radkit/radius/cli`, `deno
 * task cli` in a clone, `bun src/cli/main.ts` or `node src/cli/main.ts`
 * (Node.js 22.18+ / 23.6+, which strip types), or `bin/radkit.mjs`.
 *
 * Exit status: 0 success (a positive reply for `send`), 1 error, timeout,
 * Access-Reject or NAK, 2 usage error. Errors are one line on stderr.
 *
 * @example Usage
 * ```ts
 * import { main } from "./main.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["dict", "User-Name"]), 0);
 * assert.equal(await main(["frobnicate"]), 2);
 * ```
 *
 * @module
 */
import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { decode, DECODE_HELP } from "./decode.ts";
import { dict, DICT_HELP } from "./dict.ts";
import { UsageError } from "./errors.ts";
import { err, flushOut, out, runtimeName } from "./runtime.ts";
import { send, SEND_HELP } from "./send.ts";
import { serve, SERVE_HELP } from "./serve.ts";

/**
 * The radkit version this CLI belongs to (the `version` of `deno.json`).
 *
 * @example Usage
 * ```ts
 * import { VERSION } from "./main.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = "0.1.0";

/** `radkit --help`. */
const HELP = `radkit ${VERSION}: RADIUS from the command line, with @radkit/radius.

Usage:
  radkit send   --server HOST[:PORT] --secret S [--code CODE] [--dict FILE]...
                [--timeout MS] [--retries N] [--json] ATTR=VALUE ...
  radkit serve  [--host H] [--auth-port P] [--acct-port P] [--coa-port P] --secret S
                [--users FILE] [--dict FILE]... [--workers N] [--json]
  radkit decode --secret S [--dict FILE]... [--json] HEX
  radkit dict   [--dict FILE]... [--stats | NAME | CODE]

Commands:
  send     Send requests (Access, Accounting, CoA, Disconnect, Status-Server) like radclient
  serve    Run a demo server: PAP/CHAP users from a users file, accounting, CoA, Disconnect
  decode   Decode and verify one packet given as hex
  dict     Look up attributes, values and vendors in the dictionary

Options:
  -h, --help     Show help; "radkit COMMAND --help" for a command's options and examples
  -V, --version  Show the version

Exit status: 0 success, 1 error / timeout / Access-Reject / NAK, 2 usage error.

Examples:
  radkit serve --secret testing123 --users ./users
  radkit send --server 127.0.0.1 --secret testing123 User-Name=bob User-Password=hello
  radkit send --server 127.0.0.1 --secret testing123 --code status-server
  radkit decode --secret testing123 0c0100260e...
  radkit dict --dict /usr/share/freeradius/dictionary 26.9.1`;

type Command = (args: readonly string[]) => Promise<number>;

const COMMANDS: ReadonlyMap<string, { run: Command; help: string }> = new Map([
  ["send", { run: send, help: SEND_HELP }],
  ["serve", { run: serve, help: SERVE_HELP }],
  ["decode", { run: decode, help: DECODE_HELP }],
  ["dict", { run: dict, help: DICT_HELP }],
]);

const NAMES = "send, serve, decode or dict";

/**
 * Runs the `radkit` command line and returns its exit status. Output goes
 * to stdout, errors as one line to stderr; nothing calls `process.exit`,
 * so it can be called from tests and other programs.
 *
 * @param args The arguments after the program name, e.g. `["send", "--server", …]`.
 * @returns 0 on success, 1 on an error (or Access-Reject / NAK for `send`), 2 on a usage error.
 *
 * @example Usage
 * ```ts
 * import { main } from "./main.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["--version"]), 0);
 * assert.equal(await main(["dict", "26.311.1"]), 0);
 * assert.equal(await main(["send", "--server", "127.0.0.1"]), 2); // no --secret
 * ```
 */
export async function main(args: string[]): Promise<number> {
  try {
    return await dispatch(args);
  } finally {
    flushOut();
  }
}

/** {@linkcode main} without the final write of buffered output. */
async function dispatch(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "-h" || command === "--help") {
    out(HELP);
    return 0;
  }
  if (command === "-V" || command === "--version" || command === "version") {
    out(`radkit ${VERSION} (@radkit/radius) on ${runtimeName()}`);
    return 0;
  }
  if (command === "help") {
    const topic = rest[0] === undefined ? undefined : COMMANDS.get(rest[0]);
    out(topic?.help ?? HELP);
    return 0;
  }
  if (command === undefined) {
    err(`radkit: give a command: ${NAMES}; see "radkit --help"`);
    return 2;
  }
  const entry = COMMANDS.get(command);
  if (entry === undefined) {
    const close = [...COMMANDS.keys()].find((name) => distance(name, command) <= 2);
    err(
      `radkit: unknown command "${command}"${
        close === undefined ? "" : ` (did you mean "${close}"?)`
      }: use ${NAMES}; see "radkit --help"`,
    );
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err(`radkit ${command}: ${message.replace(/\s*\n\s*/g, " ")}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** Levenshtein distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Whether this module is the program being run (not imported). */
function isEntryPoint(): boolean {
  const meta = import.meta as ImportMeta & { main?: boolean };
  if (typeof meta.main === "boolean") return meta.main; // Deno, Bun, Node 24.2+
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2));
}
