// radkit send against radkit serve: every request code, CHAP, --json,
// repeated and tagged attributes, and bulk input in radclient's format.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, lines, serve, type Serving, waitFor } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "s3cret-cli";

describe("radkit send → radkit serve", T, () => {
  let dir = "";
  let server: Serving | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "radkit-cli-"));
    writeFileSync(
      join(dir, "users"),
      'bob Cleartext-Password := "hello"\n\tReply-Message := "Hello, bob",\n\tClass = "a",\n\tClass += "b"\n',
    );
    server = await serve(["--secret", SECRET, "--users", join(dir, "users"), "--json"]);
  }, T);
  after(async () => {
    try {
      const stopped = await server?.stop();
      if (stopped !== undefined) {
        assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
        const last = JSON.parse(lines(stopped.stdout).at(-1)!);
        assert.equal(last.event, "stopped");
        assert.ok(last.stats.replied > 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, T);

  const to = (port: "auth" | "acct" | "coa") => ["--server", `127.0.0.1:${server!.ports[port]}`];
  const common = ["--secret", SECRET, "--timeout", "1000", "--retries", "2"];

  test("PAP and CHAP accept, --json shape, repeated reply attributes", T, async () => {
    for (const extra of [["User-Password=hello"], ["--chap", "User-Password=hello"]]) {
      const result = await cli([
        "send",
        ...to("auth"),
        ...common,
        "--json",
        "User-Name=bob",
        ...extra,
      ]);
      assert.equal(result.code, 0, result.stdout + result.stderr + server!.output());
      const reply = JSON.parse(result.stdout);
      assert.equal(reply.code, "Access-Accept");
      assert.deepEqual(
        reply.attributes.filter((a: { name: string }) => a.name === "Class").map((
          a: { value: string },
        ) => a.value),
        ["0x61", "0x62"],
      );
    }
    const log = lines(await server!.until(/"reason":"CHAP"/)).map((line) => JSON.parse(line));
    const requests = log.filter((entry) => entry.request !== undefined);
    assert.ok(requests.some((entry) => entry.reason === "CHAP"));
    assert.ok(
      requests.every((entry) =>
        entry.request.attributes.every((a: { name: string; value: unknown }) =>
          !/Password/.test(a.name) || /^<hidden, \d+ bytes>$/.test(String(a.value))
        )
      ),
    );
  });

  test("accounting, CoA, Disconnect and Status-Server get their positive reply", T, async () => {
    const cases: [string, "auth" | "acct" | "coa", string[], string][] = [
      [
        "accounting-request",
        "acct",
        ["Acct-Status-Type=Start", "Class=x", "Class=y"],
        "Accounting-Response",
      ],
      ["coa-request", "coa", ["User-Name=bob", "Session-Timeout=60"], "CoA-ACK"],
      ["disconnect", "coa", ["User-Name=bob"], "Disconnect-ACK"],
      ["status-server", "auth", [], "Access-Accept"],
      ["status-server", "acct", [], "Accounting-Response"],
    ];
    for (const [code, port, attributes, expected] of cases) {
      const result = await cli(["send", ...to(port), ...common, "--code", code, ...attributes]);
      assert.equal(result.code, 0, `${code}: ${result.stdout}${result.stderr}`);
      assert.match(
        result.stdout,
        new RegExp(`^Received ${expected} Id \\d+ from 127\\.0\\.0\\.1:\\d+$`, "m"),
      );
    }
  });

  test("tagged attributes are sent with their tag", T, async () => {
    const result = await cli([
      "send",
      ...to("acct"),
      ...common,
      "--code",
      "accounting-request",
      "Acct-Status-Type=Start",
      "Tunnel-Type:1=L2TP",
      "Tunnel-Medium-Type:1=IPv4",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const entry = await waitFor(
      () =>
        lines(server!.output()).map((line) => JSON.parse(line)).findLast((e) =>
          e.request?.attributes.some((a: { name: string }) => a.name === "Tunnel-Type")
        ),
      "the log line",
    );
    assert.deepEqual(
      entry.request.attributes.find((a: { name: string }) => a.name === "Tunnel-Type"),
      {
        name: "Tunnel-Type",
        value: "L2TP",
        tag: 1,
      },
    );
  });

  test(
    "bulk from stdin in radclient's format, --parallel, exit 1 if one is rejected",
    T,
    async () => {
      const input = [
        'User-Name = "bob", User-Password = "hello"',
        "",
        "# a comment between packets",
        'User-Name = "bob"',
        'User-Password = "wrong"',
        "",
        "User-Name = bob, User-Password = hello",
        "",
      ].join("\n");
      const result = await cli(["send", ...to("auth"), ...common, "--parallel", "3", "-"], {
        input,
      });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const received = lines(result.stdout).filter((line) => line.startsWith("Received"));
      assert.deepEqual(received.map((line) => line.split(" ")[1]), [
        "Access-Accept",
        "Access-Reject",
        "Access-Accept",
      ]);
    },
  );

  test("bulk from a file with --json prints one object per packet", T, async () => {
    const file = join(dir, "packets.txt");
    writeFileSync(
      file,
      'User-Name = "bob", User-Password = "hello"\n\nUser-Name = "bob", User-Password = "hello"\n',
    );
    const result = await cli(["send", ...to("auth"), ...common, "--json", "--file", file]);
    assert.equal(result.code, 0, result.stderr);
    const replies = lines(result.stdout).map((line) => JSON.parse(line));
    assert.deepEqual(replies.map((reply) => reply.code), ["Access-Accept", "Access-Accept"]);
  });

  test("a wrong secret times out with a hint, exit 1", T, async () => {
    const result = await cli([
      "send",
      ...to("auth"),
      "--secret",
      "wrong",
      "--timeout",
      "200",
      "--retries",
      "0",
      "User-Name=bob",
    ]);
    assert.equal(result.code, 1);
    assert.equal(lines(result.stderr).length, 1);
    assert.match(result.stderr, /No reply to Access-Request.*--secret/);
  });
});

test(
  "radkit serve --quiet answers without a line per request, and still prints its counters",
  T,
  async () => {
    const server = await serve(["--secret", SECRET, "--quiet", "--workers", "1"]);
    let stopped;
    try {
      const to = ["--server", `127.0.0.1:${server.ports.acct}`, "--secret", SECRET];
      const result = await cli(["send", ...to, "--code", "accounting-request", "User-Name=bob"]);
      assert.equal(result.code, 0, result.stderr + server.output());
      assert.match(result.stdout, /Accounting-Response/);
    } finally {
      stopped = await server.stop();
    }
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.doesNotMatch(stopped.stdout, /Accounting-Request/);
    assert.match(stopped.stdout, /listening/);
    assert.match(lines(stopped.stdout).at(-1)!, /replied 1\b|"replied":1\b/);
  },
);

test("radkit serve: --quiet and --show-secrets contradict each other (exit 2)", T, async () => {
  const result = await cli(["serve", "--secret", SECRET, "--quiet", "--show-secrets"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--quiet/);
});
