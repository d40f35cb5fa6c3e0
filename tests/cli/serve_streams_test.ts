// radkit serve --tcp-port / --tls-port: the same users answered over RADIUS
// over TCP (RFC 6613) and over TLS (RFC 6614), with the NAS certificate
// checked against --ca, and the counters of connections on stop.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streams } from "../../adapters/node.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import { dictionary } from "../server/_helpers.ts";
import { nasTls, StreamPeer } from "../server/_stream_peer.ts";
import { cli, root, serve, type Serving } from "./_cli.ts";

const T = { timeout: 60000 };
const pki = `${root}tests/fixtures/tls/`;

describe("radkit serve over TCP and TLS", T, () => {
  let server: Serving | undefined;
  let dir = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "radkit-serve-tls-"));
    writeFileSync(
      join(dir, "users"),
      'bob Cleartext-Password := "hello"\n  Reply-Message := "hi"\n',
    );
    server = await serve([
      "--secret",
      "radsec",
      "--users",
      join(dir, "users"),
      "--tcp-port",
      "0",
      "--tls-port",
      "0",
      "--cert",
      `${pki}server.pem`,
      "--key",
      `${pki}server.key`,
      "--ca",
      `${pki}ca.pem`,
    ]);
  }, T);
  after(async () => {
    const stopped = await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(stopped?.code, 0, `${stopped?.stdout}${stopped?.stderr}`);
  }, T);

  const portOf = (kind: "tcp" | "tls"): number => {
    const match = server!.output().match(new RegExp(`${kind} 127\\.0\\.0\\.1:(\\d+)`));
    assert.ok(match, server!.output());
    return Number(match[1]);
  };

  for (const kind of ["tcp", "tls"] as const) {
    test(`answers a user over ${kind.toUpperCase()}`, T, async () => {
      const peer = await StreamPeer.connect(
        streams(),
        portOf(kind),
        kind === "tls" ? nasTls() : undefined,
      );
      const request = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": "hello",
      });
      peer.send(request.encode("radsec"));
      const reply = Packet.decode(await peer.reply(), { dictionary, secret: "radsec", request });
      peer.destroy();
      assert.equal(reply.code, Code.AccessAccept);
      assert.equal(reply.get("Reply-Message"), "hi");
      const line = await server!.until(/Access-Accept/);
      assert.match(line, /Access-Request .*-> Access-Accept/);
    });
  }

  test(
    "refuses --tls-port without a certificate, and several workers with streams",
    T,
    async () => {
      const missing = await cli(["serve", "--secret", "x", "--tls-port", "0"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--tls-port needs --cert and --key/);
      const workers = await cli(["serve", "--secret", "x", "--tcp-port", "0", "--workers", "2"]);
      assert.equal(workers.code, 2);
      assert.match(workers.stderr, /served by one process/);
      const stray = await cli(["serve", "--secret", "x", "--cert", "a.pem"]);
      assert.equal(stray.code, 2);
      assert.match(stray.stderr, /--cert goes with --tls-port/);
    },
  );
});
