#!/usr/bin/env node
// The `radkit` command for npm and Bun users (package.json "bin"): runs the
// TypeScript CLI in src/cli/main.ts with the runtime that started this file.
//
//   npx radkit --help          (in a clone, after npm ci; or npm link once)
//   bun bin/radkit.mjs --help
//   deno run -A --unstable-net bin/radkit.mjs --help
//
// Needs a runtime that runs TypeScript: Bun, Deno, or Node.js 22.18+ / 23.6+
// (type stripping on by default; 22.6–22.17 need --experimental-strip-types).
// Node.js does not strip types under node_modules/, so this works from a
// clone or `npm link`, not from a copy installed into node_modules; there,
// use Deno (`deno run -A --unstable-net jsr:@radkit/radius/cli`) or Bun.
import module from "node:module";
import process from "node:process";

// Node.js 22.8+: cache the type-stripped, compiled modules between runs.
module.enableCompileCache?.();

let main;
try {
  ({ main } = await import("../src/cli/main.ts"));
} catch (error) {
  const code = error?.code ?? "";
  if (
    code === "ERR_UNKNOWN_FILE_EXTENSION" || code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING"
  ) {
    console.error(
      `radkit: this Node.js (${process.version}) cannot run TypeScript here (${code}): ` +
        "use Node.js 22.18+ / 23.6+ from a clone, Bun (bun bin/radkit.mjs) or Deno " +
        "(deno run -A --unstable-net jsr:@radkit/radius/cli)",
    );
    process.exit(1);
  }
  throw error;
}
process.exitCode = await main(process.argv.slice(2));
