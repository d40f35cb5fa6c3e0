// radkit send against a real FreeRADIUS 3.2 (tests/freeradius/raddb: bob /
// hello, secret testing123, Access-Requests must carry a
// Message-Authenticator). FreeRADIUS before 3.2.5 sends none in its
// replies, hence --no-require-message-authenticator.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { cli, closedPort, lines } from "./_cli.ts";

const T = { timeout: 60000 };

describe("radkit send against FreeRADIUS", { ...T, ...needs("freeradius") }, () => {
  let server: FreeRadius | undefined;
  before(async () => {
    assertPeers("freeradius");
    server = await startFreeRadius();
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  const send = (args: readonly string[], host = "127.0.0.1") =>
    cli([
      "send",
      "--server",
      `${host.includes(":") ? `[${host}]` : host}:${server!.authPort}`,
      "--secret",
      FREERADIUS_SECRET,
      "--timeout",
      "1000",
      "--retries",
      "2",
      "--no-require-message-authenticator",
      ...args,
    ]);

  test("bob/hello: Access-Accept, exit 0, Reply-Message shown", T, async () => {
    const result = await send(["User-Name=bob", "User-Password=hello"]);
    assert.equal(result.code, 0, result.stdout + result.stderr + server!.log());
    assert.match(result.stdout, /^Received Access-Accept Id \d+ from 127\.0\.0\.1:\d+$/m);
    assert.match(result.stdout, /^\tReply-Message = "Hello, bob"$/m);
    assert.match(result.stdout, /^\tFramed-IP-Address = 192\.0\.2\.10$/m);
    assert.equal(result.stderr, "");
  });

  test("bob/hello over IPv6 with --json: one JSON object", T, async () => {
    const result = await send(["User-Name=bob", "User-Password=hello", "--json"], "::1");
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = lines(result.stdout);
    assert.equal(out.length, 1);
    const reply = JSON.parse(out[0]!);
    assert.equal(reply.code, "Access-Accept");
    assert.equal(typeof reply.id, "number");
    assert.deepEqual(
      reply.attributes.find((a: { name: string }) => a.name === "Reply-Message"),
      { name: "Reply-Message", value: "Hello, bob" },
    );
  });

  test("a wrong password: Access-Reject, exit 1", T, async () => {
    const result = await send(["User-Name=bob", "User-Password=wrong"]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /^Received Access-Reject /m);
    const unknown = await send(["User-Name=alice", "User-Password=x"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /Reply-Message = "Denied"/);
  });

  test("CHAP: --chap and CHAP-Password=<cleartext> are accepted", T, async () => {
    const chap = await send(["--chap", "User-Name=bob", "User-Password=hello"]);
    assert.equal(chap.code, 0, chap.stdout + chap.stderr + server!.log());
    assert.match(chap.stdout, /Received Access-Accept/);
    const radclientStyle = await send(["User-Name=bob", "CHAP-Password=hello"]);
    assert.equal(radclientStyle.code, 0, radclientStyle.stdout + radclientStyle.stderr);
    const wrong = await send(["User-Name=bob", "CHAP-Password=nope"]);
    assert.equal(wrong.code, 1);
  });

  test("accounting Start and Stop: Accounting-Response, exit 0", T, async () => {
    for (const status of ["Start", "Stop"]) {
      const result = await cli([
        "send",
        "--server",
        `127.0.0.1:${server!.acctPort}`,
        "--secret",
        FREERADIUS_SECRET,
        "--code",
        "accounting-request",
        "User-Name=bob",
        `Acct-Status-Type=${status}`,
        "Acct-Session-Id=cli-1",
      ]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^Received Accounting-Response /m);
    }
  });

  test("without --no-require-message-authenticator the hint names it", T, async () => {
    const result = await cli([
      "send",
      "--server",
      `127.0.0.1:${server!.authPort}`,
      "--secret",
      FREERADIUS_SECRET,
      "--timeout",
      "300",
      "--retries",
      "0",
      "User-Name=bob",
      "User-Password=hello",
    ]);
    if (result.code === 0) return; // a FreeRADIUS 3.2.5+ sends a Message-Authenticator
    assert.equal(result.code, 1);
    assert.equal(lines(result.stderr).length, 1, result.stderr);
    assert.match(result.stderr, /add --no-require-message-authenticator/);
  });
});

test("a server that does not answer: timeout message, exit 1", T, async () => {
  const port = await closedPort();
  const result = await cli([
    "send",
    "--server",
    `127.0.0.1:${port}`,
    "--secret",
    "testing123",
    "--timeout",
    "200",
    "--retries",
    "1",
    "User-Name=bob",
  ]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  const errors = lines(result.stderr);
  assert.equal(errors.length, 1, result.stderr);
  assert.match(
    errors[0]!,
    new RegExp(
      `^radkit send: No reply to Access-Request after 2 transmissions to 127\\.0\\.0\\.1:${port}; check`,
    ),
  );
});
