// radkit send when packets fail: with --parallel, a failure that settles
// while an earlier packet is still awaited must be reported like any other,
// never crash the process as an unhandled rejection, and the exit status
// says that something failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Server } from "../../src/server.ts";
import { udp } from "../_udp.ts";
import { cli, closedPort, lines } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "s3cret-failures";
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

/** Every line of stderr is one of ours: no stack trace, no "Uncaught", no "unhandled". */
function assertReportedOnly(stderr: string): void {
  for (const line of lines(stderr)) assert.match(line, /^radkit send: /, stderr);
  assert.doesNotMatch(stderr, /uncaught|unhandled/i);
}

/** A request over RADIUS's 4,096 bytes: the Client rejects it at once, before sending. */
const OVERSIZED = Array.from({ length: 20 }, () => `Class = 0x${"ab".repeat(250)}`).join("\n");

test(
  "send --file - --parallel 2: every failure is reported, in order, even one that fails while an earlier packet is awaited; exit 1",
  T,
  async () => {
    const port = await closedPort();
    const result = await cli([
      "send",
      "--server",
      `127.0.0.1:${port}`,
      "--secret",
      SECRET,
      "--timeout",
      "300",
      "--retries",
      "0",
      "--parallel",
      "2",
      "--file",
      "-",
    ], { input: `User-Name = "alice"\n\n${OVERSIZED}\n\nUser-Name = "carol"\n` });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(result.stdout, "");
    const errors = lines(result.stderr);
    assert.equal(errors.length, 3, result.stderr);
    assert.match(errors[0]!, /^radkit send: No reply to Access-Request after 1 transmission to /);
    assert.match(errors[1]!, /4096/);
    assert.match(errors[2]!, /^radkit send: No reply to Access-Request after 1 transmission to /);
    assertReportedOnly(result.stderr);
  },
);

test(
  "send --parallel 2: failures and a reply in one run are each reported in order, exit 1",
  T,
  async () => {
    // Answers bob only; alice's and carol's requests are dropped, so they time out.
    const server = new Server({
      transport: udp(),
      dictionary: Dictionary.default(),
      clients: [{ address: "127.0.0.1", secret: SECRET }],
      logger: QUIET,
      handleAccessRequest: (request) =>
        request.get("User-Name") === "bob" ? request.reply(Code.AccessAccept) : undefined,
    });
    try {
      const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
      const result = await cli([
        "send",
        "--server",
        `127.0.0.1:${auth!.port}`,
        "--secret",
        SECRET,
        "--timeout",
        "300",
        "--retries",
        "0",
        "--parallel",
        "2",
        "-",
      ], { input: 'User-Name = "alice"\n\nUser-Name = "carol"\n\nUser-Name = "bob"\n' });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /^Sent Access-Request Id \d+ to 127\.0\.0\.1:\d+\nReceived Access-Accept /,
      );
      assert.equal(lines(result.stderr).length, 2, result.stderr);
      assertReportedOnly(result.stderr);
      assert.equal(server.stats().droppedBy["handler-dropped"], 2);
    } finally {
      await server.close();
    }
  },
);
