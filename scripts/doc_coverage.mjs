// Every exported symbol of the public entry points has JSDoc with an
// @example (deno doc --lint checks the JSDoc; this checks the examples).
// Usage: node scripts/doc_coverage.mjs  (exit 1 and a list when one lacks it)
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entries = [
  "mod.ts",
  "adapters/deno.ts",
  "adapters/bun.ts",
  "adapters/node.ts",
  "adapters/auto.ts",
  "adapters/workers.ts",
  "src/testing/memory_transport.ts",
  "src/cli/main.ts",
];
const json = JSON.parse(
  execFileSync(`${root}node_modules/.bin/deno`, ["doc", "--json", ...entries], {
    cwd: root,
    maxBuffer: 1 << 28,
  }),
);
let total = 0;
const missing = [];
for (const [file, module] of Object.entries(json.nodes)) {
  for (const symbol of module.symbols ?? []) {
    for (const declaration of symbol.declarations ?? []) {
      if (declaration.declarationKind === "private" || declaration.kind === "import") continue;
      total++;
      const tags = (declaration.jsDoc?.tags ?? []).map((tag) => tag.kind);
      if (!tags.includes("example")) {
        missing.push(`${declaration.kind} ${symbol.name} (${file.replace(`file://${root}`, "")})`);
      }
    }
  }
}
console.log(`${total - missing.length} of ${total} exported declarations have an @example`);
for (const line of missing) console.log(`  missing: ${line}`);
process.exit(missing.length === 0 ? 0 : 1);
