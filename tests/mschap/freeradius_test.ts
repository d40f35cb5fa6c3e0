// MS-CHAP v1 and v2 from radkit's Client to a real FreeRADIUS 3.2 and its
// mschap module (tests/freeradius/raddb): bob is known by his cleartext
// password, carol only by her NT hash. Accepts must carry an MS-CHAP2-Success
// that proves FreeRADIUS knows the password, and MPPE keys (hidden with the
// shared secret, RFC 2548 §2.4) equal to ours; rejects an MS-CHAP-Error.
// FreeRADIUS before 3.2.5 sends no Message-Authenticator in its answers,
// hence requireMessageAuthenticator: false.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { udp } from "../_udp.ts";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import {
  addMsChapV1,
  addMsChapV2,
  msChapV1MppeKeys,
  ntPasswordHash,
  verifyMsChapV1Reply,
  verifyMsChapV2Success,
} from "../../src/mschap/mod.ts";

const skip = needs("freeradius");

const users = [
  { username: "bob", password: "hello", stored: "Cleartext-Password" },
  { username: "carol", password: "carolpass", stored: "NT-Password" },
] as const;

describe("MS-CHAP against FreeRADIUS 3.2's mschap module", skip, () => {
  let server: FreeRadius | undefined;
  let radius: Client | undefined;
  before(async () => {
    assertPeers("freeradius");
    server = await startFreeRadius();
    radius = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: { auth: server.authPort, acct: server.acctPort },
      secret: FREERADIUS_SECRET,
      timeout: 1000,
      retries: 3,
      requireMessageAuthenticator: false,
    });
  });
  after(async () => {
    await radius?.close();
    await server?.stop();
  });

  function request(username: string) {
    return Packet.create(Code.AccessRequest, radius!.dictionary, { "User-Name": username });
  }

  for (const user of users) {
    test(`MS-CHAP v2: ${user.username} (${user.stored}) is accepted, S= and MPPE keys verified`, async () => {
      const sent = request(user.username);
      const context = addMsChapV2(sent, { password: user.password });
      const reply = await radius!.send(sent);
      assert.equal(reply.codeName, "Access-Accept", server!.log());
      assert.equal(reply.get("Reply-Message"), `Hello, ${user.username}`);
      const verified = verifyMsChapV2Success(reply, context);
      assert.equal(verified.ok, true, JSON.stringify(verified));
      // verifyMsChapV2Success compared them already; check they were there to compare.
      assert.ok(verified.ok);
      assert.deepEqual(reply.get("MS-MPPE-Send-Key"), verified.keys.sendKey);
      assert.deepEqual(reply.get("MS-MPPE-Recv-Key"), verified.keys.recvKey);
      assert.equal(reply.get("MS-MPPE-Encryption-Policy"), "Encryption-Allowed");
      assert.equal(reply.get("MS-MPPE-Encryption-Types"), "RC4-40or128-bit-Allowed");
    });

    test(`MS-CHAP v2: ${user.username} with a wrong password gets MS-CHAP-Error E=691`, async () => {
      const sent = request(user.username);
      const context = addMsChapV2(sent, { password: `${user.password}x` });
      const reply = await radius!.send(sent);
      assert.equal(reply.codeName, "Access-Reject", server!.log());
      const verified = verifyMsChapV2Success(reply, context);
      assert.equal(verified.ok, false);
      if (!verified.ok) {
        assert.equal(verified.reason, "rejected");
        assert.equal(verified.error?.ident, context.ident);
        assert.equal(verified.error?.code, 691);
        assert.equal(verified.error?.version, 3);
      }
    });

    test(`MS-CHAP v1: ${user.username} (${user.stored}) is accepted with MS-CHAP-MPPE-Keys`, async () => {
      const sent = request(user.username);
      const context = addMsChapV1(sent, { password: user.password });
      const reply = await radius!.send(sent);
      assert.equal(reply.codeName, "Access-Accept", server!.log());
      assert.ok(reply.has("MS-CHAP-MPPE-Keys"));
      const verified = verifyMsChapV1Reply(reply, context);
      assert.equal(verified.ok, true, JSON.stringify(verified));
      const expected = msChapV1MppeKeys(ntPasswordHash(user.password));
      assert.deepEqual(reply.get("MS-CHAP-MPPE-Keys"), expected);
    });

    test(`MS-CHAP v1: ${user.username} with a wrong password gets MS-CHAP-Error E=691`, async () => {
      const sent = request(user.username);
      const context = addMsChapV1(sent, { password: "wrong" });
      const reply = await radius!.send(sent);
      assert.equal(reply.codeName, "Access-Reject", server!.log());
      const verified = verifyMsChapV1Reply(reply, context);
      assert.equal(verified.ok, false);
      if (!verified.ok) {
        assert.equal(verified.error?.ident, context.ident);
        assert.equal(verified.error?.code, 691);
      }
    });
  }

  test("MS-CHAP v2 with an NT hash on the client side is accepted too", async () => {
    const sent = request("carol");
    const context = addMsChapV2(sent, { ntHash: ntPasswordHash("carolpass") });
    const reply = await radius!.send(sent);
    assert.equal(verifyMsChapV2Success(reply, context).ok, true, server!.log());
  });
});
