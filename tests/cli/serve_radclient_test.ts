// radkit serve answered to FreeRADIUS's radclient: PAP and CHAP users from a
// users file, a reject, accounting, Status-Server, CoA and Disconnect; the
// log lines; the counters printed on SIGTERM. radclient discards replies
// whose authenticators do not verify, so "Received ..." proves them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPeers, needs } from "../_peers.ts";
import { radclient } from "../_radclient.ts";
import { lines, serve, type Serving } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "testing123";
const USERS = `# test users
bob     Cleartext-Password := "hello"
        Reply-Message := "Hello, bob",
        Framed-IP-Address = 192.0.2.10

carol   Cleartext-Password := "pw", NAS-Identifier == "lab"
        Reply-Message = "Welcome to the lab",
        Fall-Through = Yes

DEFAULT NAS-Identifier == "lab"
        Class = "lab-user"

DEFAULT Auth-Type := Reject
        Reply-Message = "Denied"
`;

describe("radkit serve answered to radclient", { ...T, ...needs("radclient") }, () => {
  let dir = "";
  let server: Serving | undefined;
  before(async () => {
    assertPeers("radclient");
    dir = mkdtempSync(join(tmpdir(), "radkit-cli-serve-"));
    writeFileSync(join(dir, "users"), USERS);
    server = await serve([
      "--host",
      "127.0.0.1",
      "--secret",
      SECRET,
      "--users",
      join(dir, "users"),
    ]);
  }, T);
  after(async () => {
    try {
      const stopped = await server?.stop();
      if (stopped !== undefined) {
        assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
        assert.match(stopped.stdout, /stopped \(SIGTERM\): received \d+, replied \d+/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, T);

  const auth = () => `127.0.0.1:${server!.ports.auth}`;

  test("PAP bob/hello: Access-Accept with the users file's reply items", T, async () => {
    const result = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "bob"\nUser-Password = "hello"\nMessage-Authenticator = 0x00\n',
    );
    assert.equal(result.code, 0, result.stdout + result.stderr + server!.output());
    assert.match(result.stdout, /Received Access-Accept/);
    assert.match(result.stdout, /Reply-Message = "Hello, bob"/);
    assert.match(result.stdout, /Framed-IP-Address = 192\.0\.2\.10/);
    const pap =
      /auth 127\.0\.0\.1:\d+ Access-Request Id \d+ \[.*User-Password = <hidden, 5 bytes>.*\] -> Access-Accept \(PAP\)/;
    assert.match(await server!.until(pap), pap);
    assert.doesNotMatch(server!.output(), /hello/);
  });

  test("CHAP bob/hello is accepted", T, async () => {
    const result = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "bob"\nCHAP-Password = "hello"\nMessage-Authenticator = 0x00\n',
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Received Access-Accept/);
    assert.match(await server!.until(/-> Access-Accept \(CHAP\)/), /-> Access-Accept \(CHAP\)/);
  });

  test("a wrong password and an unknown user are rejected", T, async () => {
    const wrong = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "bob"\nUser-Password = "nope"\nMessage-Authenticator = 0x00\n',
    );
    assert.match(wrong.stdout, /Received Access-Reject/, wrong.stdout + wrong.stderr);
    const unknown = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "mallory"\nUser-Password = "x"\nMessage-Authenticator = 0x00\n',
    );
    assert.match(unknown.stdout, /Received Access-Reject/);
    assert.match(unknown.stdout, /Reply-Message = "Denied"/);
  });

  test("check items and Fall-Through: carol from the lab only", T, async () => {
    const lab = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "carol"\nUser-Password = "pw"\nNAS-Identifier = "lab"\nMessage-Authenticator = 0x00\n',
    );
    assert.match(lab.stdout, /Received Access-Accept/, lab.stdout + lab.stderr);
    assert.match(lab.stdout, /Reply-Message = "Welcome to the lab"/);
    assert.match(lab.stdout, /Class = 0x6c61622d75736572/);
    const elsewhere = await radclient(
      auth(),
      "auth",
      SECRET,
      'User-Name = "carol"\nUser-Password = "pw"\nNAS-Identifier = "home"\nMessage-Authenticator = 0x00\n',
    );
    assert.match(elsewhere.stdout, /Received Access-Reject/);
    assert.match(elsewhere.stdout, /Reply-Message = "Denied"/);
  });

  test("accounting Start/Stop and Status-Server are answered", T, async () => {
    for (const status of ["Start", "Stop"]) {
      const acct = await radclient(
        `127.0.0.1:${server!.ports.acct}`,
        "acct",
        SECRET,
        `User-Name = "bob"\nAcct-Status-Type = ${status}\nAcct-Session-Id = "s1"\n`,
      );
      assert.equal(acct.code, 0, acct.stdout + acct.stderr);
      assert.match(acct.stdout, /Received Accounting-Response/);
    }
    const status = await radclient(auth(), "status", SECRET, "Message-Authenticator = 0x00\n");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /Received Access-Accept/);
    const accounting = /acct 127\.0\.0\.1:\d+ Accounting-Request Id \d+ .*-> Accounting-Response/;
    assert.match(await server!.until(accounting), accounting);
  });

  test("CoA and Disconnect get an ACK", T, async () => {
    const coa = `127.0.0.1:${server!.ports.coa}`;
    const a = await radclient(coa, "coa", SECRET, 'User-Name = "bob"\n');
    assert.match(a.stdout, /Received CoA-ACK/, a.stdout + a.stderr);
    const d = await radclient(coa, "disconnect", SECRET, 'User-Name = "bob"\n');
    assert.match(d.stdout, /Received Disconnect-ACK/, d.stdout + d.stderr);
    assert.ok(lines(await server!.until(/Disconnect-ACK/)).length >= 3);
  });
});
