// The secret scan through the CLI, as a user runs it: `radkit send` with a
// too-long User-Password and other bad secret values, `radkit decode` of
// packets that carry secrets, and `radkit serve` logging MS-CHAP, CHAP and
// EAP requests. Nothing printed may carry a secret unless --show-secrets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Client } from "../../src/client.ts";
import { udp } from "../_udp.ts";
import { parsePairs, parseRadclientText } from "../../src/cli/args.ts";
import { parseUsers } from "../../src/cli/users_file.ts";
import { cli, closedPort, lines, serve, type Serving, waitFor } from "../cli/_cli.ts";
import { Capture, leak, secretBytes, secretText } from "./_scan.ts";

const T = { timeout: 120000 };
const SECRET = "s3cret-scan";
const dictionary = Dictionary.default();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

function assertClean(where: string, ...texts: string[]): void {
  for (const text of texts) {
    assert.equal(leak(text), undefined, `${where} printed a secret:\n${text.slice(0, 2000)}`);
  }
}

test("radkit send with a 130-character User-Password prints no password", T, async () => {
  const port = await closedPort();
  const base = ["send", "--server", `127.0.0.1:${port}`, "--secret", SECRET, "--timeout", "100"];
  const runs: string[][] = [
    [...base, "User-Name=bob", `User-Password=${secretText(130)}`],
    [...base, `User-Password:1=${secretText(20)}`], // no tag on User-Password
    [...base, `Tunnel-Password:1=${secretText(300)}`],
    [...base, `MS-MPPE-Send-Key=0x${hex(secretBytes(8))}z`],
    [...base, `MS-CHAP-Challenge=0x${hex(secretBytes(300))}`],
    [...base, `CHAP-Password=0x${hex(secretBytes(300))}`],
    [...base, "--json", `EAP-Message=${secretText(20)}`, "--retries", "0"],
  ];
  for (const args of runs) {
    const result = await cli(args);
    assert.notEqual(result.code, 0, args.join(" "));
    assert.ok(result.stderr.length > 0, args.join(" "));
    assertClean(args.at(-1)!, result.stdout, result.stderr);
  }
  const long = await cli(runs[0]!);
  assert.match(long.stderr, /Invalid value <hidden, 130 bytes> for User-Password/);

  // radclient-format input whose lines do not parse.
  const bad = [
    `User-Name = bob, User-Password = "${secretText(30)}" junk`,
    `User-Name = bob, ?x, User-Password = "${secretText(30)}"`,
    `User-Password = "${secretText(200)}"`,
  ];
  for (const input of bad) {
    const result = await cli([...base, "-"], { input: `${input}\n` });
    assert.notEqual(result.code, 0);
    assertClean(input, result.stdout, result.stderr);
  }
});

/** An Access-Request carrying secrets of every kind, as a NAS would send it. */
function secretRequest(): Uint8Array {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": secretText(40),
    "CHAP-Challenge": secretBytes(16),
    "MS-CHAP-Challenge": secretBytes(16),
    "MS-CHAP2-Response": secretBytes(50),
    "EAP-Message": secretBytes(40),
  }).encode(SECRET);
}

test("radkit decode hides secret values unless --show-secrets", T, async () => {
  const datagram = hex(secretRequest());
  for (const extra of [[], ["--json"]]) {
    const result = await cli(["decode", "--secret", SECRET, ...extra, datagram]);
    assert.equal(result.code, 0, result.stderr);
    assertClean(`decode ${extra.join(" ")}`, result.stdout, result.stderr);
    assert.match(result.stdout, /User-Password.{1,12}<hidden, 40 bytes>/);
    assert.match(result.stdout, /MS-CHAP2-Response.{1,12}<hidden, 50 bytes>/);
    assert.match(result.stdout, /bob/);
  }
  const shown = await cli(["decode", "--secret", SECRET, "--show-secrets", datagram]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.ok(shown.stdout.includes(secretText(40)), "--show-secrets prints the password");
  const json = await cli(["decode", "--secret", SECRET, "--show-secrets", "--json", datagram]);
  assert.equal(JSON.parse(json.stdout).attributes[2].value, secretText(40));
});

test("CLI parsers quote no secret value in their errors", () => {
  const capture = new Capture();
  const lines = [
    `User-Password = "${secretText(30)}" junk`,
    `Tunnel-Password:1 = "${secretText(30)}" junk`,
    `User-Name = bob, ?x, User-Password = "${secretText(30)}"`,
  ];
  for (const line of lines) {
    try {
      parsePairs(line);
      assert.fail(line);
    } catch (error) {
      capture.addError("parsePairs", error);
    }
    try {
      parseRadclientText(`${line}\n`, "input");
      assert.fail(line);
    } catch (error) {
      capture.addError("parseRadclientText", error);
    }
  }
  for (
    const users of [
      `bob Cleartext-Password := "${secretText(30)}" junk\n`,
      `bob User-Password == "${secretText(30)}" x\n`,
    ]
  ) {
    try {
      parseUsers(users, "users");
      assert.fail(users);
    } catch (error) {
      capture.addError("parseUsers", error);
    }
  }
  assert.ok(capture.texts.length > 20);
  assert.deepEqual(capture.leaks(), []);
  // A value of a non-secret attribute is still quoted, as before.
  assert.throws(() => parsePairs('Reply-Message = "hi" junk'), /after Reply-Message = hi$/);
});

describe("radkit serve logs no challenge, response or password", T, () => {
  let dir = "";
  const servers: Serving[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "radkit-secrets-"));
    writeFileSync(join(dir, "users"), `bob Cleartext-Password := "${secretText(40)}"\n`);
  });
  after(async () => {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const json of [false, true]) {
    test(`${json ? "JSON" : "text"} log lines`, T, async () => {
      const server = await serve([
        "--secret",
        SECRET,
        "--users",
        join(dir, "users"),
        ...(json ? ["--json"] : []),
      ]);
      servers.push(server);
      const transport = udp();
      const client = new Client({
        transport,
        server: "127.0.0.1",
        secret: SECRET,
        dictionary,
        ports: { auth: server.ports.auth },
        timeout: 2000,
        retries: 1,
      });
      try {
        const request = Packet.create(Code.AccessRequest, dictionary, {
          "User-Name": "bob",
          "User-Password": secretText(40),
          "MS-CHAP-Challenge": secretBytes(16),
          "MS-CHAP2-Response": secretBytes(50),
          "EAP-Message": secretBytes(40),
          "CHAP-Challenge": secretBytes(16),
        });
        const reply = await client.send(request);
        // Random bytes for an EAP-Message: the EAP server refuses them. What
        // matters here is what the log line of that exchange shows.
        assert.equal(reply.code, Code.AccessReject);
      } finally {
        await client.close();
      }
      const logged = await waitFor(
        () => lines(server.output()).find((line) => line.includes("Access-Request")),
        "the request's log line",
      );
      assertClean("serve", server.output());
      assert.match(logged, /MS-CHAP-Challenge.{1,12}<hidden, 16 bytes>/);
      assert.match(logged, /MS-CHAP2-Response.{1,12}<hidden, 50 bytes>/);
      assert.match(logged, /EAP-Message.{1,12}<hidden, 40 bytes>/);
      assert.match(logged, /User-Password.{1,12}<hidden, 40 bytes>/);
      assert.match(logged, /bob/);
    });
  }
});
