// radkit's Client against a real FreeRADIUS 3.2 (tests/freeradius/raddb) over
// this runtime's UDP adapter. The FreeRADIUS client entry sets
// require_message_authenticator = yes, so every answered Access-Request
// proves ours carry a valid Message-Authenticator. FreeRADIUS before 3.2.5
// sends none in Access-Accept/Reject, hence requireMessageAuthenticator:
// false here (a Message-Authenticator that is present is still verified).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { udp } from "../_udp.ts";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import { addChapPassword } from "../../src/chap.ts";

const skip = needs("freeradius");

describe("Client against FreeRADIUS 3.2", skip, () => {
  let server: FreeRadius | undefined;
  before(async () => {
    assertPeers("freeradius");
    server = await startFreeRadius();
  });
  after(async () => {
    await server?.stop();
  });

  function client(host: string): Client {
    return new Client({
      transport: udp(),
      server: host,
      ports: { auth: server!.authPort, acct: server!.acctPort },
      secret: FREERADIUS_SECRET,
      timeout: 1000,
      retries: 3,
      requireMessageAuthenticator: false,
    });
  }

  for (const host of ["127.0.0.1", "::1"]) {
    test(`PAP: bob/hello is accepted, a wrong password rejected (${host})`, async () => {
      const radius = client(host);
      try {
        const accept = await radius.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
        assert.equal(accept.codeName, "Access-Accept", server!.log());
        assert.equal(accept.get("Reply-Message"), "Hello, bob");
        assert.equal(accept.get("Framed-IP-Address"), "192.0.2.10");
        const reject = await radius.accessRequest({ "User-Name": "bob", "User-Password": "wrong" });
        assert.equal(reject.code, Code.AccessReject);
        const unknown = await radius.accessRequest({ "User-Name": "alice", "User-Password": "x" });
        assert.equal(unknown.code, Code.AccessReject);
        assert.equal(unknown.get("Reply-Message"), "Denied");
      } finally {
        await radius.close();
      }
    });
  }

  test("CHAP: bob/hello is accepted, a wrong password rejected", async () => {
    const radius = client("127.0.0.1");
    try {
      const good = Packet.create(Code.AccessRequest, radius.dictionary, { "User-Name": "bob" });
      addChapPassword(good, "hello");
      const accept = await radius.send(good);
      assert.equal(accept.codeName, "Access-Accept", server!.log());
      assert.equal(accept.get("Reply-Message"), "Hello, bob");

      const bad = Packet.create(Code.AccessRequest, radius.dictionary, {
        "User-Name": "bob",
        "CHAP-Challenge": new Uint8Array(16).fill(7),
      });
      addChapPassword(bad, "wrong");
      assert.equal((await radius.send(bad)).code, Code.AccessReject);
    } finally {
      await radius.close();
    }
  });

  test("Accounting Start, Interim-Update and Stop are answered", async () => {
    const radius = client("127.0.0.1");
    try {
      for (const status of ["Start", "Interim-Update", "Stop"] as const) {
        const reply = await radius.accountingRequest({
          "User-Name": "bob",
          "Acct-Status-Type": status,
          "Acct-Session-Id": "radkit-client-1",
          "NAS-IP-Address": "192.0.2.1",
          "Acct-Session-Time": status === "Start" ? 0 : 60,
        });
        assert.equal(reply.code, Code.AccountingResponse, server!.log());
      }
    } finally {
      await radius.close();
    }
  });

  test("Status-Server is answered on the auth and acct ports", async () => {
    // FreeRADIUS 3.2.1 answers Status-Server without a Message-Authenticator
    // too (RFC 5997 §3 asks for one), so the default client drops its replies.
    const radius = client("::1");
    try {
      assert.equal((await radius.statusServer()).code, Code.AccessAccept, server!.log());
      const acct = await radius.statusServer({ port: "acct" });
      assert.equal(acct.code, Code.AccountingResponse);
    } finally {
      await radius.close();
    }
  });
});
