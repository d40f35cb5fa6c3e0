// radkit dict --types: the module it writes compiles, and code typed with it
// has its names and VALUE names checked (Debian's FreeRADIUS tree and a site
// dictionary), which `deno check` proves on every runtime the suite runs on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertPeers, needs } from "../_peers.ts";
import { cli } from "./_cli.ts";

const T = { timeout: 120000 };
const DEBIAN = "/usr/share/freeradius/dictionary";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");
const MOD = join(ROOT, "mod.ts");

/** Runs `deno check` on a file; resolves to its exit code and output. */
function denoCheck(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(DENO, ["check", "--quiet", "--no-config", file], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => output += chunk);
    child.stderr.on("data", (chunk) => output += chunk);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Writes the generated module and a program using it into a fresh directory. */
async function project(types: string, program: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "radkit-types-"));
  await writeFile(join(dir, "attributes.ts"), types);
  await writeFile(join(dir, "main.ts"), program);
  return dir;
}

test("dict --types writes the bundled map as the library ships it", T, async () => {
  const result = await cli(["dict", "--types", "--types-import", "./tagged.ts"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^import type \{ Tagged \} from "\.\/tagged\.ts";$/m);
  assert.match(result.stdout, /^ {2}"User-Name": string;$/m);
  assert.match(
    result.stdout,
    /^ {2}"Service-Type": AttributeValues\["Service-Type"\] \| number;$/m,
  );
  assert.match(result.stdout, /^ {2}"Tunnel-Type": .*\| Tagged<.*>;$/m);
});

test("dict --types refuses look-up arguments", T, async () => {
  const result = await cli(["dict", "--types", "User-Name"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--types prints a module for the whole dictionary/);
  const lone = await cli(["dict", "--types-import", "x"]);
  assert.equal(lone.code, 2);
  assert.match(lone.stderr, /--types-import goes with --types/);
});

test(
  "dict --types on Debian's tree writes a module that compiles, VALUE aliases included",
  { ...T, ...needs("dictionaries") },
  async () => {
    assertPeers("dictionaries");
    const result = await cli(["dict", "--dict", DEBIAN, "--types", "--types-import", MOD]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ {2}"Cisco-AVPair": string;$/m);
    assert.match(result.stdout, /^ {4}\| "Alive"$/m); // Acct-Status-Type 3, an alias
    const dir = await project(
      result.stdout,
      `
import { Code, Dictionary, Packet } from ${JSON.stringify(MOD)};
import type { AttributeTypes } from "./attributes.ts";

const dictionary = Dictionary.parse<AttributeTypes>("");
const request = Packet.create(Code.AccountingRequest, dictionary, {
  "Acct-Status-Type": "Alive",
  "Cisco-AVPair": "shell:priv-lvl=15",
  "Tunnel-Type": { tag: 1, value: "VLAN" },
});
export const avpair: string | undefined = request.get("Cisco-AVPair");
`,
    );
    try {
      const checked = await denoCheck(join(dir, "main.ts"));
      assert.equal(checked.code, 0, checked.output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test(
  "dict --types for a vendor dictionary: misspelled names and VALUE names do not compile",
  { ...T, ...needs("dictionaries") },
  async () => {
    assertPeers("dictionaries");
    const cisco = "/usr/share/freeradius/dictionary.cisco";
    const result = await cli(["dict", "--dict", cisco, "--types", "--types-import", MOD]);
    assert.equal(result.code, 0, result.stderr);
    const program = `
import { Code, Dictionary, Packet } from ${JSON.stringify(MOD)};
import type { AttributeTypes } from "./attributes.ts";

const dictionary = Dictionary.parse<AttributeTypes>("");
const request = Packet.create(Code.AccountingRequest, dictionary, {
  "Cisco-AVPair": "shell:priv-lvl=15",
  "Acct-Status-Type": "Start",
});
export const avpair: string | undefined = request.get("Cisco-AVPair");
// @ts-expect-error misspelled vendor attribute
request.get("Cisco-AVPiar");
// @ts-expect-error not a VALUE of Acct-Status-Type
request.set("Acct-Status-Type", "Strat");
`;
    const dir = await project(result.stdout, program);
    try {
      const checked = await denoCheck(join(dir, "main.ts"));
      assert.equal(checked.code, 0, checked.output);
      // Without the expectations the program must fail: they are real errors.
      await writeFile(join(dir, "main.ts"), program.replaceAll("// @ts-expect-error", "//"));
      const broken = await denoCheck(join(dir, "main.ts"));
      assert.notEqual(broken.code, 0);
      assert.match(broken.output, /Cisco-AVPiar/);
      assert.match(broken.output, /Strat/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
