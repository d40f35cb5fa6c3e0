// Runs the one test suite under Deno, Bun and Node 24, one runtime after the
// other, streams their output, then prints each runtime's pass/fail counts.
// Exits non-zero if any runtime fails. Plain JavaScript so that the machine's
// own Node.js (any version) can start it.
//
//   node scripts/test_all.mjs [deno|bun|node ...] [-- extra test file globs]
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// deno-lint-ignore no-control-regex -- terminal colour codes start with ESC
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;
const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

const runtimes = {
  deno: {
    command: [bin("deno"), "test", "-A", "--unstable-net", "--parallel", "tests/"],
    counts: (out) => {
      const m = [
        ...out.matchAll(
          /\| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/g,
        ),
      ].at(-1);
      return m && { pass: +m[1], fail: +m[2], skip: +(m[3] ?? 0) };
    },
    // Deno ends with a FAILURES section of "name => ./file:line:column" lines.
    failures: (out) => out.split(" FAILURES ")[1]?.match(/^.+ => \.\/\S+:\d+:\d+$/gm) ?? [],
  },
  bun: {
    command: [bin("bun"), "test", "--timeout", "120000", "tests/"],
    counts: (out) => {
      const pass = out.match(/^\s*(\d+) pass$/m);
      const fail = out.match(/^\s*(\d+) fail$/m);
      const skip = out.match(/^\s*(\d+) skip$/m);
      return pass && fail && { pass: +pass[1], fail: +fail[1], skip: +(skip?.[1] ?? 0) };
    },
    failures: (out) => out.match(/^\(fail\) .*$/gm) ?? [],
  },
  node: {
    command: [bin("node"), "--test", "--test-concurrency=1", "tests/**/*_test.ts"],
    counts: (out) => {
      const pass = out.match(/^[ℹ#] pass (\d+)$/m);
      const fail = out.match(/^[ℹ#] fail (\d+)$/m);
      const skip = out.match(/^[ℹ#] skipped (\d+)$/m);
      return pass && fail && { pass: +pass[1], fail: +fail[1], skip: +(skip?.[1] ?? 0) };
    },
    failures: (out) =>
      (out.match(/^\s*✖ .*$/gm) ?? []).filter((l) => !l.includes("failing tests:")),
  },
};

const selected = process.argv.slice(2).filter((a) => a in runtimes);
const names = selected.length > 0 ? selected : Object.keys(runtimes);

function run(name) {
  const [command, ...args] = runtimes[name].command;
  if (!existsSync(command)) {
    console.error(`${command} is missing: run "npm ci" first`);
    return Promise.resolve({ name, code: 1, counts: undefined });
  }
  console.log(`\n=== ${name}: ${[command.replace(root, ""), ...args].join(" ")}`);
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on(
      "close",
      (code) =>
        resolve({
          name,
          code: code ?? 1,
          counts: runtimes[name].counts(output),
          // Deno colours its output when FORCE_COLOR is set at all, even to 0.
          failures: [...new Set(runtimes[name].failures(output.replace(ANSI_COLOUR, "")))],
        }),
    );
  });
}

const results = [];
for (const name of names) results.push(await run(name));

console.log("\n=== test summary");
let failed = false;
for (const { name, code, counts, failures } of results) {
  const ok = code === 0 && counts && counts.fail === 0;
  if (!ok) failed = true;
  const detail = counts
    ? `${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`
    : "counts not found";
  console.log(`${name.padEnd(5)} ${ok ? "PASS" : "FAIL"}  ${detail}  (exit ${code})`);
  // Repeated here because CI logs keep only the tail of the output.
  for (const line of failures.slice(0, 20)) console.log(`      ${line.trim()}`);
}
process.exit(failed ? 1 : 0);
