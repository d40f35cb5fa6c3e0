// radkit's command line itself: help, version, and usage errors (exit 2,
// one helpful line on stderr), spawned as a user would run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cli, lines, root } from "./_cli.ts";

const T = { timeout: 60000 };

/** Asserts exit 2 and exactly one stderr line matching `pattern`, nothing on stdout. */
async function usageError(args: readonly string[], pattern: RegExp): Promise<void> {
  const result = await cli(args);
  assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
  assert.equal(result.stdout, "");
  const errors = lines(result.stderr);
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0]!, pattern);
}

test("radkit --help lists the commands with examples; each command has --help", T, async () => {
  const top = await cli(["--help"]);
  assert.equal(top.code, 0);
  for (const command of ["send", "serve", "decode", "dict"]) {
    assert.match(top.stdout, new RegExp(`radkit ${command}`));
    const help = await cli([command, "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage:/);
    assert.match(help.stdout, /Examples:/);
    assert.equal(help.stderr, "");
  }
});

test("radkit --version prints the version of deno.json", T, async () => {
  const { version } = JSON.parse(readFileSync(`${root}deno.json`, "utf8")) as { version: string };
  const result = await cli(["--version"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, new RegExp(`^radkit ${version.replaceAll(".", "\\.")} `));
});

test("an unknown or missing command exits 2 with one line naming the commands", T, async () => {
  await usageError(["frobnicate"], /unknown command "frobnicate".*send, serve, decode or dict/);
  await usageError(["sned"], /did you mean "send"/);
  await usageError([], /give a command/);
});

test("send without --secret or --server exits 2 and says what to give", T, async () => {
  await usageError(["send", "--server", "127.0.0.1", "User-Name=bob"], /Missing --secret.*--help/);
  await usageError(["send", "--secret", "s", "User-Name=bob"], /Missing --server/);
  await usageError(["serve", "--auth-port", "0"], /Missing --secret/);
  await usageError(["decode", "0c"], /Missing --secret/);
});

test("send rejects a malformed ATTR=VALUE with exit 2 and the expected form", T, async () => {
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "bob"],
    /Cannot read attribute "bob": write Name=value/,
  );
});

test("send names the closest attribute for an unknown one, exit 2", T, async () => {
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "User-Nme=bob"],
    /Unknown attribute "User-Nme": did you mean "User-Name"/,
  );
});

test("send rejects a value that does not fit its attribute, exit 2", T, async () => {
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "NAS-IP-Address=10.0.0.300"],
    /NAS-IP-Address/,
  );
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "Service-Type=Nonsense"],
    /Service-Type.*known: "Login-User"/,
  );
});

test("unknown options, bad numbers and bad codes exit 2 with the command's --help", T, async () => {
  await usageError(["send", "--sever", "x"], /--sever.*radkit send --help/);
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "--timeout", "soon"],
    /Invalid --timeout "soon"/,
  );
  await usageError(
    ["send", "--server", "127.0.0.1", "--secret", "s", "--code", "access-accept"],
    /Unknown --code "access-accept"/,
  );
  await usageError(["send", "--server", "127.0.0.1:99999", "--secret", "s"], /Invalid --server/);
  await usageError(["decode", "--secret", "s", "01zz"], /not hex/);
  await usageError(["dict", "User-Name", "NAS-Port"], /one NAME or CODE/);
});
