// The radkit Client over TLS and TCP against real peers: through radsecproxy
// 1.9's TLS listener to FreeRADIUS over UDP, straight to FreeRADIUS 3.2's
// TLS listener (mutual TLS), and to its TCP listener.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { streams } from "../../adapters/node.ts";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { assertPeers, needs } from "../_peers.ts";
import {
  type FreeRadius,
  FREERADIUS_SECRET,
  FREERADIUS_TLS_SECRET,
  startFreeRadius,
} from "../_freeradius.ts";
import { type Radsecproxy, startRadsecproxy } from "../_radsecproxy.ts";
import { pem } from "../server/_stream_peer.ts";

const T = { timeout: 90000 };
const nas = { ca: pem("ca.pem"), cert: pem("nas1.pem"), key: pem("nas1.key") };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Access-Accept for bob/hello, Access-Reject for a wrong password, an accounting answer. */
async function exchange(client: Client, logs: () => string): Promise<void> {
  const accept = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
  assert.equal(accept.code, Code.AccessAccept, logs());
  assert.equal(accept.get("Reply-Message"), "Hello, bob");
  const reject = await client.accessRequest({ "User-Name": "bob", "User-Password": "wrong" });
  assert.equal(reject.code, Code.AccessReject, logs());
  const accounting = await client.accountingRequest({
    "User-Name": "bob",
    "Acct-Status-Type": "Start",
    "Acct-Session-Id": "radkit-client-1",
  });
  assert.equal(accounting.code, Code.AccountingResponse, logs());
  assert.equal(client.stats().connections.opened, 1);
}

describe("radkit Client with FreeRADIUS 3.2 and radsecproxy 1.9", {
  ...T,
  ...needs("freeradius", "radsecproxy"),
}, () => {
  let freeradius: FreeRadius | undefined;
  let proxy: Radsecproxy | undefined;
  const logs = () =>
    `--- FreeRADIUS log ---\n${freeradius?.log()}\n--- radsecproxy log ---\n${proxy?.log()}`;

  before(async () => {
    assertPeers("freeradius", "radsecproxy");
    freeradius = await startFreeRadius({ tls: true, tcp: true });
    proxy = await startRadsecproxy({
      tls: true,
      servers: [{
        type: "udp",
        port: freeradius.authPort,
        accountingPort: freeradius.acctPort,
        secret: FREERADIUS_SECRET,
      }],
    });
  }, T);
  after(async () => {
    await proxy?.stop();
    await freeradius?.stop();
  }, T);

  test(
    "Client (TLS, mutual) → radsecproxy → FreeRADIUS (UDP): accept, reject, accounting",
    T,
    async () => {
      await using client = new Client({
        streams: streams(),
        server: `127.0.0.1:${proxy!.tlsPort}`,
        tls: nas, // secret: "radsec" by default
        logger: quiet,
      });
      await exchange(client, logs);
    },
  );

  test(
    "Client (TLS, mutual) → FreeRADIUS's TLS listener: accept, reject, accounting",
    T,
    async () => {
      await using client = new Client({
        streams: streams(),
        server: `127.0.0.1:${freeradius!.tlsPort}`,
        secret: FREERADIUS_TLS_SECRET,
        tls: nas,
        logger: quiet,
      });
      await exchange(client, logs);
    },
  );

  test("Client (TCP) → FreeRADIUS's TCP listener: accept, reject, accounting", T, async () => {
    await using client = new Client({
      streams: streams(),
      server: "127.0.0.1",
      ports: { auth: freeradius!.tcpPort!, acct: freeradius!.tcpPort! },
      secret: FREERADIUS_SECRET,
      // FreeRADIUS 3.2.1 puts no Message-Authenticator in its replies (3.2.5+ does).
      requireMessageAuthenticator: false,
      logger: quiet,
    });
    const accept = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
    assert.equal(accept.code, Code.AccessAccept, logs());
    const reject = await client.accessRequest({ "User-Name": "bob", "User-Password": "wrong" });
    assert.equal(reject.code, Code.AccessReject, logs());
    const accounting = await client.accountingRequest({
      "User-Name": "bob",
      "Acct-Status-Type": "Start",
      "Acct-Session-Id": "radkit-tcp-1",
    });
    assert.equal(accounting.code, Code.AccountingResponse, logs());
  });

  test(
    "FreeRADIUS refuses a client certificate from another CA: the request fails, cleanly",
    T,
    async () => {
      await using client = new Client({
        streams: streams(),
        server: `127.0.0.1:${freeradius!.tlsPort}`,
        tls: { ca: pem("ca.pem"), cert: pem("rogue.pem"), key: pem("rogue.key") },
        timeout: 1000,
        retries: 0,
        logger: quiet,
      });
      await assert.rejects(client.accessRequest({ "User-Name": "bob", "User-Password": "hello" }));
    },
  );
});
