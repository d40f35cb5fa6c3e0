// radkit send --tcp / --tls [--radius-1.1]: the same requests and output as
// over UDP, to a radkit Server's TCP and TLS ports.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { streams } from "../../adapters/node.ts";
import { Code } from "../../src/codec/code.ts";
import { Server } from "../../src/server.ts";
import { dictionary } from "../server/_helpers.ts";
import { fingerprint, serverTls } from "../server/_stream_peer.ts";
import { cli, root } from "./_cli.ts";

const T = { timeout: 60000 };
const pki = `${root}tests/fixtures/tls/`;

async function withServer(run: (tcp: number, tls: number) => Promise<void>): Promise<void> {
  const server = new Server({
    streams: streams(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: "radsec" }],
    handleAccessRequest: (request) =>
      request.reply(
        request.get("User-Password") === "hello" ? Code.AccessAccept : Code.AccessReject,
        { "Reply-Message": "over a stream" },
      ),
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
  });
  const { tcp, tls } = await server.listen({
    hostname: "127.0.0.1",
    tcp: { port: 0 },
    tls: { port: 0, ...serverTls(), radius11: "prefer" },
  });
  try {
    await run(tcp!.port, tls!.port);
  } finally {
    await server.close();
  }
}

const nas = ["--ca", `${pki}ca.pem`, "--cert", `${pki}nas1.pem`, "--key", `${pki}nas1.key`];

describe("radkit send over TCP and TLS", T, () => {
  test("--tcp, --tls (secret radsec by default) and --tls --radius-1.1", T, async () => {
    await withServer(async (tcp, tls) => {
      const runs: [string, string[]][] = [
        ["tcp", ["--server", `127.0.0.1:${tcp}`, "--secret", "radsec", "--tcp"]],
        ["tls", ["--server", `127.0.0.1:${tls}`, "--tls", ...nas]],
        ["radius/1.1", ["--server", `127.0.0.1:${tls}`, "--tls", "--radius-1.1", ...nas]],
        [
          "a pinned certificate",
          [
            "--server",
            `127.0.0.1:${tls}`,
            "--tls",
            "--cert",
            `${pki}nas1.pem`,
            "--key",
            `${pki}nas1.key`,
            "--fingerprint",
            fingerprint("server"),
          ],
        ],
      ];
      for (const [what, args] of runs) {
        const result = await cli(["send", ...args, "User-Name=bob", "User-Password=hello"]);
        assert.equal(result.code, 0, `${what}: ${result.stdout}${result.stderr}`);
        assert.match(result.stdout, /Received Access-Accept Id \d+ from 127\.0\.0\.1:\d+/, what);
        assert.match(result.stdout, /Reply-Message = "over a stream"/, what);
      }
      const accounting = await cli([
        "send",
        "--server",
        `127.0.0.1:${tls}`,
        "--tls",
        ...nas,
        "--code",
        "acct",
        "Acct-Status-Type=Start",
      ]);
      assert.equal(accounting.code, 0, accounting.stderr);
      assert.match(accounting.stdout, /Received Accounting-Response/);
    });
  });

  test("fails clearly on a server certificate from another CA", T, async () => {
    await withServer(async (_tcp, tls) => {
      const result = await cli([
        "send",
        "--server",
        `127.0.0.1:${tls}`,
        "--tls",
        "--ca",
        `${pki}other_ca.pem`,
        "--cert",
        `${pki}nas1.pem`,
        "--key",
        `${pki}nas1.key`,
        "--timeout",
        "1000",
        "User-Name=bob",
      ]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stderr, /radkit send: .*certificate/i);
    });
  });

  test("usage errors: --tcp with --tls, --ca without --tls, --cert without --key", T, async () => {
    const both = await cli(["send", "--server", "127.0.0.1", "--secret", "s", "--tcp", "--tls"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--tcp or --tls, not both/);
    const stray = await cli(["send", "--server", "127.0.0.1", "--secret", "s", "--ca", "x.pem"]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--ca goes with --tls/);
    const half = await cli(["send", "--server", "127.0.0.1", "--tls", "--cert", `${pki}nas1.pem`]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--cert and --key go together/);
  });
});
