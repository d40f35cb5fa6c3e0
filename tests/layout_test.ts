// The core in src/ is runtime-agnostic: it may use Web-standard globals only.
// (`deno task check` also type-checks src/ without Deno, Bun or Node typings.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src", import.meta.url));

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (name.endsWith(".ts")) yield path;
  }
}

test("src/ imports no node: modules and uses no Deno, Bun or process globals", () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(src)) {
    // The CLI is the one place allowed node:util's parseArgs (DESIGN.md).
    if (file.includes(`${join("src", "cli")}`)) continue;
    const code = readFileSync(file, "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
    if (/from\s+["']node:|import\(\s*["']node:/.test(code)) offenders.push(`${file}: node: import`);
    // (A quoted name such as Symbol.for("Deno.customInspect") is no use of the global.)
    if (/(?<!["'])\b(Deno|Bun|process)\./.test(code)) offenders.push(`${file}: runtime global`);
  }
  assert.deepEqual(offenders, []);
});

test("TypeScript in src/ uses erasable syntax only (no enum or namespace)", () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(src)) {
    const code = readFileSync(file, "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
    if (/^\s*(export\s+)?(const\s+)?enum\s/m.test(code)) offenders.push(`${file}: enum`);
    if (/^\s*(export\s+)?namespace\s/m.test(code)) offenders.push(`${file}: namespace`);
  }
  assert.deepEqual(offenders, []);
});
