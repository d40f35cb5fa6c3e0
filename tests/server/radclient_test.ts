// FreeRADIUS's radclient (3.2) against a radkit Server on 127.0.0.1 and ::1,
// over this runtime's own UDP adapter. radclient discards replies whose
// Response Authenticator or Message-Authenticator is wrong, so "Received
// Access-Accept" proves both. Debian's radclient 3.2.1 sends a
// Message-Authenticator only when its input asks with
// "Message-Authenticator = 0x00".
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { radclient, type RadclientResult } from "../_radclient.ts";
import { udp } from "../_udp.ts";
import { Server, type ServerAddresses } from "../../src/server.ts";
import { Code } from "../../src/codec/code.ts";
import { verifyChapPassword } from "../../src/chap.ts";
import { dictionary, quiet, SECRET } from "./_helpers.ts";

/** The seed guide's server: bob/hello (PAP or CHAP) gets a framed IP. */
function seedServer(): Server {
  return new Server({
    transport: udp(),
    dictionary,
    clients: [
      { address: "127.0.0.1", secret: SECRET },
      { address: "::1", secret: SECRET },
    ],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    handleAccessRequest(request) {
      const ok = request.get("User-Name") === "bob" &&
        (request.get("User-Password") === "hello" || verifyChapPassword(request, "hello"));
      return ok
        ? request.reply(Code.AccessAccept, {
          "Service-Type": "Framed-User",
          "Framed-IP-Address": "192.168.0.1",
          "Framed-IPv6-Prefix": "fc66::1/64",
        })
        : request.reply(Code.AccessReject);
    },
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
  });
}

/** Starts the server on `hostname`, runs `body`, closes it. */
async function withSeedServer(
  hostname: string,
  body: (server: Server, bound: ServerAddresses, host: string) => Promise<void>,
): Promise<void> {
  assertPeers("radclient");
  const server = seedServer();
  try {
    const bound = await server.listen({ hostname, auth: 0, acct: 0 });
    await body(server, bound, hostname.includes(":") ? `[${hostname}]` : hostname);
  } finally {
    await server.close();
  }
}

/** The attribute lines radclient printed under its "Received <code>" line. */
function received(result: RadclientResult, code: string): string[] {
  const lines = result.stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`Received ${code} `));
  assert.notEqual(start, -1, `radclient got no ${code}:\n${result.stdout}${result.stderr}`);
  const attributes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("\t")) break;
    attributes.push(line.trim());
  }
  return attributes;
}

const PAP = 'User-Name = "bob"\nUser-Password = "hello"\nMessage-Authenticator = 0x00\n';

test(
  "radclient → Server: PAP Access-Accept with Message-Authenticator first",
  needs("radclient"),
  async () => {
    await withSeedServer("127.0.0.1", async (server, { auth }, host) => {
      const result = await radclient(`${host}:${auth!.port}`, "auth", SECRET, PAP);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const attributes = received(result, "Access-Accept");
      assert.match(attributes[0]!, /^Message-Authenticator = 0x[0-9a-f]{32}$/);
      assert.deepEqual(attributes.slice(1), [
        "Service-Type = Framed-User",
        "Framed-IP-Address = 192.168.0.1",
        "Framed-IPv6-Prefix = fc66::/64", // bits past the prefix length are zero on the wire (RFC 3162 §2.3)
      ]);
      assert.equal((await quiet(server, 1)).replied, 1);
    });
  },
);

test(
  "radclient → Server: PAP with a wrong password gets Access-Reject",
  needs("radclient"),
  async () => {
    await withSeedServer("127.0.0.1", async (_server, { auth }, host) => {
      const input = 'User-Name = "bob"\nUser-Password = "wrong"\nMessage-Authenticator = 0x00\n';
      const result = await radclient(`${host}:${auth!.port}`, "auth", SECRET, input);
      const attributes = received(result, "Access-Reject");
      assert.match(attributes[0]!, /^Message-Authenticator = 0x[0-9a-f]{32}$/);
    });
  },
);

test("radclient → Server: CHAP Access-Accept", needs("radclient"), async () => {
  await withSeedServer("127.0.0.1", async (_server, { auth }, host) => {
    const input = 'User-Name = "bob"\nCHAP-Password = "hello"\nMessage-Authenticator = 0x00\n';
    const result = await radclient(`${host}:${auth!.port}`, "auth", SECRET, input);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    received(result, "Access-Accept");
  });
});

test(
  "radclient → Server: Accounting-Request gets Accounting-Response",
  needs("radclient"),
  async () => {
    await withSeedServer("127.0.0.1", async (_server, { acct }, host) => {
      const input = 'User-Name = "bob"\nAcct-Status-Type = Start\nAcct-Session-Id = "s1"\n';
      const result = await radclient(`${host}:${acct!.port}`, "acct", SECRET, input);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      received(result, "Accounting-Response");
    });
  },
);

test(
  "radclient → Server: Status-Server answered on auth and acct",
  needs("radclient"),
  async () => {
    await withSeedServer("127.0.0.1", async (_server, { auth, acct }, host) => {
      const input = "Message-Authenticator = 0x00\n";
      const onAuth = await radclient(`${host}:${auth!.port}`, "status", SECRET, input);
      assert.equal(onAuth.code, 0, onAuth.stdout + onAuth.stderr);
      assert.match(received(onAuth, "Access-Accept")[0]!, /^Message-Authenticator = 0x/);
      const onAcct = await radclient(`${host}:${acct!.port}`, "status", SECRET, input);
      assert.equal(onAcct.code, 0, onAcct.stdout + onAcct.stderr);
      received(onAcct, "Accounting-Response");
    });
  },
);

test(
  "radclient → Server: a wrong secret gets no answer and is counted",
  needs("radclient"),
  async () => {
    await withSeedServer("127.0.0.1", async (server, { auth, acct }, host) => {
      const fast = ["-r", "1", "-t", "1"];
      const access = await radclient(`${host}:${auth!.port}`, "auth", "wrong-secret", PAP, fast);
      assert.notEqual(access.code, 0);
      assert.doesNotMatch(access.stdout, /Received/);
      const input = 'User-Name = "bob"\nAcct-Status-Type = Start\n';
      const accounting = await radclient(
        `${host}:${acct!.port}`,
        "acct",
        "wrong-secret",
        input,
        fast,
      );
      assert.doesNotMatch(accounting.stdout, /Received/);
      const stats = await quiet(server, 2);
      assert.equal(stats.droppedBy["bad-message-authenticator"], 1);
      assert.equal(stats.droppedBy["bad-authenticator"], 1);
      assert.equal(stats.replied, 0);
    });
  },
);

test("radclient → Server on ::1: PAP Access-Accept", needs("radclient"), async () => {
  await withSeedServer("::1", async (_server, { auth }, host) => {
    const result = await radclient(`${host}:${auth!.port}`, "auth", SECRET, PAP);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    received(result, "Access-Accept");
  });
});

test(
  'radclient → Server with requireMessageAuthenticator "auto": accepted without one until radclient sends one, then required',
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const signed: boolean[] = [];
    const server = new Server({
      transport: udp(),
      dictionary,
      clients: [{ address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator: "auto" }],
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleAccessRequest(request) {
        signed.push(request.get("Message-Authenticator") !== undefined);
        return request.reply(Code.AccessAccept);
      },
    });
    try {
      const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
      const to = `127.0.0.1:${auth!.port}`;
      // One try, one second: the last run waits for an answer that must not come.
      const once = ["-r", "1", "-t", "1"];
      const without = 'User-Name = "bob"\nUser-Password = "hello"\n';
      const withOne = `${without}Message-Authenticator = 0x00\n`;

      const legacy = await radclient(to, "auth", SECRET, without, once);
      assert.equal(legacy.code, 0, legacy.stdout + legacy.stderr);
      received(legacy, "Access-Accept");
      const updated = await radclient(to, "auth", SECRET, withOne, once);
      assert.equal(updated.code, 0, updated.stdout + updated.stderr);
      received(updated, "Access-Accept");
      const refused = await radclient(to, "auth", SECRET, without, once);
      assert.notEqual(refused.code, 0, refused.stdout + refused.stderr);
      assert.doesNotMatch(refused.stdout, /Received Access-Accept/);

      const stats = await quiet(server, 3);
      assert.equal(stats.replied, 2);
      assert.equal(stats.droppedBy["missing-message-authenticator"], 1);
      assert.deepEqual(signed, [false, true], "what radclient sent, as the handler saw it");
    } finally {
      await server.close();
    }
  },
);
