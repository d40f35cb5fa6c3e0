// radkit serve --host :: (one dual-stack socket): IPv4 clients are logged
// as IPv4 (127.0.0.1:port, not [::ffff:127.0.0.1]:port), IPv6 ones in
// brackets; and radkit send with radclient's spacing and quoting sends the
// values themselves (User-Name "bob", not ' "bob"').
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cli, serve, type Serving, waitFor } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "s3cret-dual";

describe("radkit serve --host ::", T, () => {
  let server: Serving | undefined;
  before(async () => {
    server = await serve(["--host", "::", "--secret", SECRET]);
  }, T);
  after(async () => {
    const stopped = await server?.stop();
    assert.equal(stopped?.code, 0, `${stopped?.stdout}${stopped?.stderr}`);
  }, T);

  const send = (host: string, ...attributes: string[]) =>
    cli([
      "send",
      "--server",
      `${host}:${server!.ports.acct}`,
      "--secret",
      SECRET,
      "--code",
      "accounting-request",
      "--timeout",
      "2000",
      ...attributes,
    ]);

  test("logs an IPv4 client as its IPv4 address", T, async () => {
    const result = await send("127.0.0.1", 'User-Name = "v4-bob"', "NAS-Port = 5");
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const line = await waitFor(
      () => server!.output().split("\n").find((l) => l.includes("v4-bob")),
      "the log line",
    );
    assert.match(line, / acct 127\.0\.0\.1:\d+ Accounting-Request /);
    assert.doesNotMatch(line, /ffff/);
    assert.match(line, /User-Name = "v4-bob", NAS-Port = 5\b/);
  });

  test("logs an IPv6 client in brackets", T, async () => {
    const result = await send("[::1]", "User-Name=v6-bob");
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const line = await waitFor(
      () => server!.output().split("\n").find((l) => l.includes("v6-bob")),
      "the log line",
    );
    assert.match(line, / acct \[::1\]:\d+ Accounting-Request /);
  });
});
