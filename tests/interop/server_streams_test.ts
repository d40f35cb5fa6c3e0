// The radkit Server over TLS and TCP against real peers: radclient through
// radsecproxy 1.9 (UDP in, RadSec with mutual TLS out to radkit), FreeRADIUS
// 3.2 proxying to radkit as a TLS and a TCP home server, and radclient
// speaking RADIUS/TCP to radkit directly.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { streams } from "../../adapters/node.ts";
import { Code } from "../../src/codec/code.ts";
import { verifyChapPassword } from "../../src/chap.ts";
import { type RequestContext, Server } from "../../src/server.ts";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { type Radsecproxy, RADSECPROXY_SECRET, startRadsecproxy } from "../_radsecproxy.ts";
import { radclient, type RadclientResult } from "../_radclient.ts";
import { dictionary, until } from "../server/_helpers.ts";
import { serverTls } from "../server/_stream_peer.ts";

const T = { timeout: 90000 };

const pap = (password: string, user = "bob") =>
  `User-Name = "${user}", User-Password = "${password}", Message-Authenticator = 0x00\n`;
const chap = (password: string) =>
  `User-Name = "bob", CHAP-Password = "${password}", Message-Authenticator = 0x00\n`;
const accountingStart = (user = "bob") =>
  `User-Name = "${user}", Acct-Status-Type = Start, Acct-Session-Id = "radkit-1"\n`;

function assertReceived(result: RadclientResult, code: string, logs: () => string): void {
  assert.match(
    result.stdout,
    new RegExp(`Received ${code} Id \\d+ from`),
    `${result.stdout}${result.stderr}\n${logs()}`,
  );
}

/** A radkit server that knows bob/hello by PAP and CHAP, and records what it saw. */
function radkitServer(secret: string | undefined): { server: Server; seen: RequestContext[] } {
  const seen: RequestContext[] = [];
  const server = new Server({
    streams: streams(),
    dictionary,
    clients: [{ address: "127.0.0.1", ...(secret === undefined ? {} : { secret }) }],
    handleAccessRequest(request, context) {
      seen.push(context);
      const ok = request.get("User-Name") === "bob" &&
        (request.get("User-Password") === "hello" || verifyChapPassword(request, "hello"));
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject, {
        "Reply-Message": ok ? "radkit says hello" : "radkit says no",
      });
    },
    handleAccountingRequest: (request, context) => {
      seen.push(context);
      return request.reply(Code.AccountingResponse);
    },
  });
  return { server, seen };
}

describe(
  "radkit Server (RadSec) behind radsecproxy 1.9",
  { ...T, ...needs("radclient", "radsecproxy") },
  () => {
    let proxy: Radsecproxy | undefined;
    let radkit: ReturnType<typeof radkitServer> | undefined;
    const logs = () => `--- radsecproxy log ---\n${proxy?.log()}`;

    before(async () => {
      assertPeers("radclient", "radsecproxy");
      radkit = radkitServer(undefined); // RFC 6614 §2.3: the secret is "radsec"
      const { tls } = await radkit.server.listen({
        hostname: "127.0.0.1",
        tls: { port: 0, ...serverTls() },
      });
      proxy = await startRadsecproxy({
        udp: true,
        servers: [{ type: "tls", port: tls!.port, statusServer: true }],
      });
    }, T);
    after(async () => {
      await proxy?.stop();
      await radkit?.server.close();
    }, T);

    test("PAP accept and reject, CHAP, accounting over one mutual-TLS connection", T, async () => {
      const server = `127.0.0.1:${proxy!.udpPort}`;
      const accept = await radclient(server, "auth", RADSECPROXY_SECRET, pap("hello"));
      assertReceived(accept, "Access-Accept", logs);
      assert.match(accept.stdout, /Reply-Message = "radkit says hello"/);
      assertReceived(
        await radclient(server, "auth", RADSECPROXY_SECRET, pap("wrong")),
        "Access-Reject",
        logs,
      );
      assertReceived(
        await radclient(server, "auth", RADSECPROXY_SECRET, chap("hello")),
        "Access-Accept",
        logs,
      );
      assertReceived(
        await radclient(server, "acct", RADSECPROXY_SECRET, accountingStart()),
        "Accounting-Response",
        logs,
      );
      const stats = radkit!.server.stats();
      assert.equal(stats.connections.accepted, 1, logs());
      const context = radkit!.seen.at(-1)!;
      assert.equal(context.transport, "tls");
      // radsecproxy presents its own certificate (server.pem) as a TLS client.
      assert.equal(context.tls?.peerCertificate?.commonName, "radius.test");
      assert.equal(context.tls?.authorized, true);
    });

    test("answers radsecproxy's Status-Server watchdog", T, async () => {
      // radsecproxy probes a server that has been quiet for a while (its
      // status-server period); the probe is an Access-Accept'ed Status-Server.
      await until(
        radkit!.server,
        (s) => (s.requests["Status-Server"] ?? 0) >= 1,
        "a Status-Server from radsecproxy",
        60000,
      ).catch((error) => {
        throw new Error(`${error.message}\n${logs()}`);
      });
      assert.ok((radkit!.server.stats().replies["Access-Accept"] ?? 0) >= 3);
    });
  },
);

describe(
  "FreeRADIUS 3.2 proxying to radkit home servers over TLS and TCP",
  { ...T, ...needs("freeradius", "radclient") },
  () => {
    let freeradius: FreeRadius | undefined;
    let radkit: ReturnType<typeof radkitServer> | undefined;
    const logs = () => `--- FreeRADIUS log ---\n${freeradius?.log()}`;

    before(async () => {
      assertPeers("freeradius", "radclient");
      // One secret for both legs: RadSec's "radsec".
      radkit = radkitServer("radsec");
      const { tls, tcp } = await radkit.server.listen({
        hostname: "127.0.0.1",
        tls: { port: 0, ...serverTls() },
        tcp: { port: 0 },
      });
      freeradius = await startFreeRadius({
        tlsHomeServer: { port: tls!.port, secret: "radsec" },
        tcpHomeServer: { port: tcp!.port, secret: "radsec" },
      });
    }, T);
    after(async () => {
      await freeradius?.stop();
      await radkit?.server.close();
    }, T);

    for (const realm of ["tls", "tcp"] as const) {
      test(
        `radclient → FreeRADIUS → ${realm.toUpperCase()} → radkit: accept, reject, accounting`,
        T,
        async () => {
          const server = `127.0.0.1:${freeradius!.authPort}`;
          const user = `bob@${realm}.test`;
          const accept = await radclient(server, "auth", FREERADIUS_SECRET, pap("hello", user));
          assertReceived(accept, "Access-Accept", logs);
          assert.match(accept.stdout, /Reply-Message = "radkit says hello"/);
          assertReceived(
            await radclient(server, "auth", FREERADIUS_SECRET, pap("wrong", user)),
            "Access-Reject",
            logs,
          );
          assertReceived(
            await radclient(
              `127.0.0.1:${freeradius!.acctPort}`,
              "acct",
              FREERADIUS_SECRET,
              accountingStart(user),
            ),
            "Accounting-Response",
            logs,
          );
          assert.equal(radkit!.seen.at(-1)!.transport, realm);
          if (realm === "tls") {
            assert.equal(radkit!.seen.at(-1)!.tls?.peerCertificate?.commonName, "nas1.test");
          }
        },
      );
    }
  },
);

describe("radclient -P tcp → radkit Server over TCP", { ...T, ...needs("radclient") }, () => {
  test("accept, reject and accounting on radkit's TCP port", T, async () => {
    assertPeers("radclient");
    const radkit = radkitServer("s3cret");
    const { tcp } = await radkit.server.listen({ hostname: "127.0.0.1", tcp: { port: 0 } });
    try {
      const server = `127.0.0.1:${tcp!.port}`;
      const logs = () => JSON.stringify(radkit.server.stats());
      const tcpArgs = ["-P", "tcp"];
      assertReceived(
        await radclient(server, "auth", "s3cret", pap("hello"), tcpArgs),
        "Access-Accept",
        logs,
      );
      assertReceived(
        await radclient(server, "auth", "s3cret", pap("wrong"), tcpArgs),
        "Access-Reject",
        logs,
      );
      assertReceived(
        await radclient(server, "acct", "s3cret", accountingStart(), tcpArgs),
        "Accounting-Response",
        logs,
      );
      assert.equal(radkit.seen.at(-1)!.transport, "tcp");
    } finally {
      await radkit.server.close();
    }
  });
});
