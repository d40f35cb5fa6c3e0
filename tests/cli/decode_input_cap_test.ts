// radkit decode reads at most 1 MiB, every other command at most 64 MiB of a
// file: an endless or huge input stops with an error once the cap is
// passed, without reading (or buffering) the rest; a dump of a maximum-size
// packet (4,096 bytes, RFC 2865 §3), as real tcpdump -X and tshark -x print
// it, is far below the cap and decodes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { decode } from "../../src/cli/decode.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { childEnv, cli, lines, root, scriptCommand } from "./_cli.ts";

const T = { timeout: 60000 };
const MiB = 1024 * 1024;
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/capture/${name}`, import.meta.url), "utf8");

/**
 * Runs `radkit decode --secret s -` and writes hex to its standard input
 * until it exits (or `most` bytes are written): how much it took, and how it ended.
 */
function feedEndlessly(
  most: number,
): Promise<{ code: number | null; stderr: string; written: number }> {
  const { command, args } = scriptCommand(`${root}src/cli/main.ts`);
  const child = spawn(command, [...args, "decode", "--secret", "s", "-"], {
    cwd: root,
    env: childEnv,
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  child.stdin!.on("error", () => {}); // EPIPE once it stopped reading
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  let ended = false;
  closed.then(() => (ended = true));
  const timer = setTimeout(() => child.kill("SIGKILL"), 50000);
  return (async () => {
    const chunk = new TextEncoder().encode("00 ".repeat(21846)); // 64 KiB of hex
    let written = 0;
    while (!ended && written < most) {
      written += chunk.length;
      if (!child.stdin!.write(chunk)) {
        await Promise.race([new Promise((resolve) => child.stdin!.once("drain", resolve)), closed]);
      }
    }
    child.stdin!.end();
    const code = await closed;
    clearTimeout(timer);
    return { code, stderr, written };
  })();
}

test(
  "radkit decode - stops reading past 1 MiB of standard input, with a usage error",
  T,
  async () => {
    const { code, stderr, written } = await feedEndlessly(256 * MiB);
    console.log(`decode read an endless input until it had written ${written} bytes`);
    assert.equal(code, 2, stderr);
    assert.equal(lines(stderr).length, 1, stderr);
    assert.match(stderr, /^radkit decode: The input is larger than 1 MiB: .*tcpdump -c 1/);
    // What the pipe and the streams hold on top of the cap, not the 256 MiB offered.
    assert.ok(written < 8 * MiB, `${written} bytes were written before it stopped`);
  },
);

test("decode() refuses arguments of more than 1 MiB of hex", async () => {
  const half = "00".repeat(MiB / 4); // 512 KiB of text each
  await assert.rejects(
    decode(["--secret", "s", half, half, "00"]),
    (error) => error instanceof UsageError && /larger than 1 MiB/.test(error.message),
  );
  // At the cap the input is read (and here fails as hex of no packet, not for its size).
  await assert.rejects(
    decode(["--secret", "s", half, half.slice(1)]),
    (error) => error instanceof Error && !/larger than 1 MiB/.test(error.message),
  );
});

for (const name of ["tcpdump-X-max-size.txt", "tshark-x-max-size.txt"]) {
  test(`radkit decode - reads ${name}: a 4096-byte packet's dump`, T, async () => {
    const input = fixture(name);
    assert.ok(input.length > 16000 && input.length < 20000, `${input.length}`);
    const result = await cli(["decode", "--secret", "testing123", "-"], { input });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = lines(result.stdout);
    assert.match(out[0]!, /^Accounting-Request Id 42 length 4096 /);
    assert.match(out[1]!, /verified: Request Authenticator/);
    assert.equal(out.filter((line) => line.startsWith("\tClass = ")).length, 16);
  });
}

// Every other file the CLI reads (users files, packet lists, dictionaries,
// certificates) stops at MAX_TEXT_INPUT: /dev/zero is an endless file. A
// file flag that cannot be read is a usage error (2); a dictionary, an error (1).
for (
  const [command, status, args] of [
    ["send", 2, ["send", "--server", "127.0.0.1:1", "--secret", "s", "--file", "/dev/zero"]],
    ["serve", 2, ["serve", "--secret", "s", "--auth-port", "0", "--users", "/dev/zero"]],
    ["dict", 1, ["dict", "--dict", "/dev/zero", "--stats"]],
  ] as const
) {
  test(
    `radkit ${command} stops reading an endless file past 64 MiB (exit ${status})`,
    T,
    async () => {
      const result = await cli(args);
      assert.equal(result.code, status, result.stdout + result.stderr);
      assert.match(result.stderr, /\/dev\/zero.*more than 67108864 bytes/);
    },
  );
}
