// Proves the rigs the RADIUS over TCP and TLS interop tests stand on, with
// real peers only: radsecproxy 1.9 (tests/_radsecproxy.ts) and FreeRADIUS
// 3.2's TLS and TCP listeners and TLS and TCP home servers
// (tests/_freeradius.ts), driven by radclient and openssl s_client.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { assertPeers, needs, peers } from "../_peers.ts";
import {
  type FreeRadius,
  FREERADIUS_SECRET,
  FREERADIUS_TLS_SECRET,
  startFreeRadius,
} from "../_freeradius.ts";
import { type Radsecproxy, RADSECPROXY_SECRET, startRadsecproxy } from "../_radsecproxy.ts";
import { radclient, type RadclientResult } from "../_radclient.ts";

const fixtures = fileURLToPath(new URL("../fixtures/tls", import.meta.url));

// radclient computes the Message-Authenticator for "0x00" (the UDP and TCP
// client entries of FreeRADIUS require one).
const accessRequest = (password: string, user = "bob") =>
  `User-Name = "${user}", User-Password = "${password}", Message-Authenticator = 0x00\n`;
const accountingStart = (user = "bob") =>
  `User-Name = "${user}", Acct-Status-Type = Start, Acct-Session-Id = "rig-1"\n`;

function assertReceived(result: RadclientResult, code: string, logs: () => string): void {
  assert.match(
    result.stdout,
    new RegExp(`Received ${code} Id \\d+ from 127\\.0\\.0\\.1:`),
    `${result.stdout}${result.stderr}\n${logs()}`,
  );
}

/** Stops whatever was started, in reverse order, even if one stop fails. */
async function stopAll(started: ({ stop(): Promise<void> } | undefined)[]): Promise<void> {
  for (const peer of started.reverse()) await peer?.stop().catch(() => {});
}

describe(
  "FreeRADIUS 3.2 TLS and TCP listeners",
  needs("freeradius", "radclient", "radsecproxy", "openssl"),
  () => {
    let freeradius: FreeRadius | undefined;
    let proxy: Radsecproxy | undefined;
    const logs = () =>
      `--- FreeRADIUS log ---\n${freeradius?.log()}\n--- radsecproxy log ---\n${proxy?.log()}`;

    before(async () => {
      assertPeers("freeradius", "radclient", "radsecproxy", "openssl");
      freeradius = await startFreeRadius({ tls: true, tcp: true });
      // The server starts first: radsecproxy connects to it at once.
      proxy = await startRadsecproxy({
        udp: true,
        servers: [{ type: "tls", port: freeradius.tlsPort!, statusServer: true }],
      });
    });
    after(() => stopAll([freeradius, proxy]));

    test("radclient → radsecproxy (UDP) → TLS → FreeRADIUS: accept, reject, accounting", async () => {
      const server = `127.0.0.1:${proxy!.udpPort}`;
      assert.match(proxy!.log(), /TLS connection to s0 .*subject CN=radius\.test up/);

      const accept = await radclient(server, "auth", RADSECPROXY_SECRET, accessRequest("hello"));
      assertReceived(accept, "Access-Accept", logs);
      assert.match(accept.stdout, /Reply-Message = "Hello, bob"/);

      const reject = await radclient(server, "auth", RADSECPROXY_SECRET, accessRequest("wrong"));
      assertReceived(reject, "Access-Reject", logs);

      const accounting = await radclient(server, "acct", RADSECPROXY_SECRET, accountingStart());
      assertReceived(accounting, "Accounting-Response", logs);
    });

    test("radclient → radsecproxy (UDP) → TCP → FreeRADIUS: accept, reject, accounting", async () => {
      const viaTcp = await startRadsecproxy({
        udp: true,
        servers: [{ type: "tcp", port: freeradius!.tcpPort!, secret: FREERADIUS_SECRET }],
      });
      try {
        const server = `127.0.0.1:${viaTcp.udpPort}`;
        assert.match(viaTcp.log(), /TCP connection to server s0 .* up/);
        const accept = await radclient(server, "auth", RADSECPROXY_SECRET, accessRequest("hello"));
        assertReceived(accept, "Access-Accept", () => `${logs()}\n${viaTcp.log()}`);
        const reject = await radclient(server, "auth", RADSECPROXY_SECRET, accessRequest("wrong"));
        assertReceived(reject, "Access-Reject", () => `${logs()}\n${viaTcp.log()}`);
        const accounting = await radclient(server, "acct", RADSECPROXY_SECRET, accountingStart());
        assertReceived(accounting, "Accounting-Response", () => `${logs()}\n${viaTcp.log()}`);
      } finally {
        await viaTcp.stop();
      }
    });

    test("radclient -P tcp → FreeRADIUS's TCP listener: accept, reject, accounting", async () => {
      const server = `127.0.0.1:${freeradius!.tcpPort}`;
      const tcp = ["-P", "tcp"];
      const accept = await radclient(
        server,
        "auth",
        FREERADIUS_SECRET,
        accessRequest("hello"),
        tcp,
      );
      assertReceived(accept, "Access-Accept", logs);

      const reject = await radclient(
        server,
        "auth",
        FREERADIUS_SECRET,
        accessRequest("wrong"),
        tcp,
      );
      assertReceived(reject, "Access-Reject", logs);

      const accounting = await radclient(
        server,
        "acct",
        FREERADIUS_SECRET,
        accountingStart(),
        tcp,
      );
      assertReceived(accounting, "Accounting-Response", logs);
    });

    test("openssl s_client with nas1.pem gets a Status-Server answered over TLS (secret radsec)", async () => {
      const request = statusServer(FREERADIUS_TLS_SECRET);
      const result = await sClient(freeradius!.tlsPort!, request, ["nas1.pem", "nas1.key"]);
      assert.equal(result.code, 0, `${result.stderr}\n${logs()}`);
      assert.match(result.stderr, /Verification: OK/);
      const reply = result.reply;
      assert.ok(reply.length >= 20, `no RADIUS reply:\n${result.stderr}\n${logs()}`);
      assert.equal(reply[0], 2, "Access-Accept, as FreeRADIUS answers Status-Server");
      assert.equal(reply[1], request[1], "the request's Identifier");
      assert.equal(reply.readUInt16BE(2), reply.length, "one whole packet");
      // RFC 2865 §3: MD5(Code+ID+Length+RequestAuth+Attributes+Secret).
      const expected = createHash("md5")
        .update(reply.subarray(0, 4))
        .update(request.subarray(4, 20))
        .update(reply.subarray(20))
        .update(FREERADIUS_TLS_SECRET)
        .digest();
      assert.deepEqual(reply.subarray(4, 20), expected, "Response Authenticator with radsec");
    });

    test("openssl s_client without a client certificate, or with one from another CA, is refused", async () => {
      const cases = [
        { cert: undefined, logged: /\(TLS\) Alert write:fatal/ },
        {
          cert: ["rogue.pem", "rogue.key"] as const,
          logged: /\(TLS\) Alert write:fatal:unknown CA/,
        },
      ];
      for (const { cert, logged } of cases) {
        const from = freeradius!.log().length;
        // s_client ends only because the server closed: stdin stays open.
        const result = await sClient(freeradius!.tlsPort!, statusServer("radsec"), cert);
        assert.equal(result.reply.length, 0, `a reply to ${cert?.[0] ?? "no certificate"}`);
        assert.notEqual(result.code, 0, `${result.stderr}\n${logs()}`);
        await logShows(freeradius!, logged, from);
      }
    });
  },
);

describe(
  "FreeRADIUS 3.2 proxying over TLS and TCP (home_server with a tls section, proto = tcp)",
  needs("freeradius", "radclient", "radsecproxy"),
  () => {
    // radclient → front FreeRADIUS (UDP) → home server over TLS or TCP =
    // radsecproxy → back FreeRADIUS (UDP). The front server rejects
    // "bob@…" itself (its users file knows only "bob"); only the back server,
    // which sees "bob" (the realm stripped), accepts it.
    let back: FreeRadius | undefined;
    let proxy: Radsecproxy | undefined;
    let front: FreeRadius | undefined;
    const logs = () =>
      `--- front FreeRADIUS ---\n${front?.log()}\n--- radsecproxy ---\n${proxy?.log()}\n` +
      `--- back FreeRADIUS ---\n${back?.log()}`;

    before(async () => {
      assertPeers("freeradius", "radclient", "radsecproxy");
      back = await startFreeRadius();
      proxy = await startRadsecproxy({
        tls: true,
        tcp: true,
        servers: [{
          type: "udp",
          port: back.authPort,
          accountingPort: back.acctPort,
          secret: FREERADIUS_SECRET,
        }],
      });
      front = await startFreeRadius({
        tlsHomeServer: { port: proxy.tlsPort! },
        tcpHomeServer: { port: proxy.tcpPort!, secret: RADSECPROXY_SECRET },
      });
    });
    after(() => stopAll([back, proxy, front]));

    for (const realm of ["tls", "tcp"] as const) {
      test(`bob@${realm}.test is proxied over ${realm.toUpperCase()}: accept, reject, accounting`, async () => {
        const server = `127.0.0.1:${front!.authPort}`;
        const user = `bob@${realm}.test`;
        const accept = await radclient(
          server,
          "auth",
          FREERADIUS_SECRET,
          accessRequest("hello", user),
        );
        assertReceived(accept, "Access-Accept", logs);
        assert.match(accept.stdout, /Reply-Message = "Hello, bob"/);
        // radsecproxy names the client block the request came from.
        assert.match(proxy!.log(), new RegExp(`username: bob from client ${realm}_clients`));

        const reject = await radclient(
          server,
          "auth",
          FREERADIUS_SECRET,
          accessRequest("wrong", user),
        );
        assertReceived(reject, "Access-Reject", logs);

        const accounting = await radclient(
          `127.0.0.1:${front!.acctPort}`,
          "acct",
          FREERADIUS_SECRET,
          accountingStart(user),
        );
        assertReceived(accounting, "Accounting-Response", logs);
      });
    }

    test("a name in no proxied realm stays with the front server, which rejects it", async () => {
      const result = await radclient(
        `127.0.0.1:${front!.authPort}`,
        "auth",
        FREERADIUS_SECRET,
        accessRequest("hello", "bob@elsewhere.test"),
      );
      assertReceived(result, "Access-Reject", logs);
      assert.match(result.stdout, /Reply-Message = "Denied"/);
    });
  },
);

test("startRadsecproxy rejects at once, naming the binary, when it cannot run it", async () => {
  await assert.rejects(
    startRadsecproxy({
      command: "/nonexistent/sbin/radsecproxy",
      udp: true,
      servers: [{ type: "udp", port: 1812 }],
    }),
    /^Error: Cannot run radsecproxy \(\/nonexistent\/sbin\/radsecproxy\): .*ENOENT/,
  );
});

/** Resolves once the server's log after `from` matches (the test's timeout bounds it). */
async function logShows(server: FreeRadius, line: RegExp, from: number): Promise<void> {
  while (!line.test(server.log().slice(from))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A Status-Server (RFC 5997) with its Message-Authenticator, as bytes. */
function statusServer(secret: string): Buffer {
  const packet = Buffer.alloc(38);
  packet[0] = 12;
  packet[1] = randomBytes(1)[0]!;
  packet.writeUInt16BE(38, 2);
  randomBytes(16).copy(packet, 4);
  packet[20] = 80; // Message-Authenticator, computed over the packet with zeros in it
  packet[21] = 18;
  createHmac("md5", secret).update(packet).digest().copy(packet, 22);
  return packet;
}

interface SClientResult {
  readonly code: number | null;
  /** The bytes the server sent back (s_client -brief prints only those on stdout). */
  readonly reply: Buffer;
  readonly stderr: string;
}

/**
 * Connects with `openssl s_client` (mutual TLS when `cert` names a fixture
 * certificate and key), sends `request`, and closes once a whole RADIUS
 * packet came back, or waits for the server to close.
 */
function sClient(
  port: number,
  request: Buffer,
  cert: readonly [string, string] | undefined,
): Promise<SClientResult> {
  const args = [
    "s_client",
    "-brief",
    "-connect",
    `127.0.0.1:${port}`,
    "-CAfile",
    `${fixtures}/ca.pem`,
    "-verify_return_error",
  ];
  if (cert) args.push("-cert", `${fixtures}/${cert[0]}`, "-key", `${fixtures}/${cert[1]}`);
  return new Promise((resolve, reject) => {
    const child = spawn(peers.openssl.path, args, { stdio: ["pipe", "pipe", "pipe"] });
    let reply = Buffer.alloc(0);
    let stderr = "";
    child.stdout.on("data", (chunk: Uint8Array) => {
      reply = Buffer.concat([reply, chunk]);
      // One whole packet: end stdin, and s_client closes the connection.
      if (reply.length >= 4 && reply.length >= reply.readUInt16BE(2)) child.stdin.end();
    });
    child.stderr.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
    child.once("error", (error) => reject(new Error(`Cannot run openssl: ${error.message}`)));
    child.once("close", (code) => resolve({ code, reply, stderr }));
    // The server may close first (a refused certificate): ignore EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.write(request);
  });
}
