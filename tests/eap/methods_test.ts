// Every method end to end: the radkit Client's EAP runner against a radkit
// Server answering with EapServer, over MemoryTransport.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { rig } from "./_rig.ts";

for (const carrier of ["memory", "udp"] as const) {
  for (const method of ["md5", "gtc", "mschapv2"] as const) {
    test(`${method} over ${carrier}: the right password is accepted, a wrong one rejected`, async () => {
      const { client, eap, close } = await rig({ methods: [method] }, carrier);
      try {
        const good = await client.eap({ identity: "bob", method, password: "hello" });
        assert.equal(good.reply.code, Code.AccessAccept);
        assert.equal(good.authenticated, true);
        const bad = await client.eap({ identity: "bob", method, password: "hellO" });
        assert.equal(bad.reply.code, Code.AccessReject);
        assert.equal(bad.authenticated, false);
        assert.equal(bad.msk, undefined);
        const stats = eap.stats();
        assert.equal(stats.accepted, 1);
        assert.equal(stats.rejected, 1);
        assert.equal(stats.rejectedBy["authentication-failed"], 1);
        assert.equal(stats.started, 2);
        if (method === "mschapv2") {
          // Challenge, Success Request; Challenge, Failure Request.
          assert.equal(stats.challenges, 4);
          assert.equal(good.msk?.length, 32);
          // The MSK's halves are the MS-MPPE keys the NAS gets (RFC 3079 §3.3 start keys).
          assert.deepEqual(good.reply.get("MS-MPPE-Recv-Key"), good.msk!.slice(0, 16));
          assert.deepEqual(good.reply.get("MS-MPPE-Send-Key"), good.msk!.slice(16));
        } else {
          assert.equal(stats.challenges, 2);
          assert.equal(good.msk, undefined);
          assert.equal(good.reply.has("MS-MPPE-Recv-Key"), false);
        }
      } finally {
        await close();
      }
    });
  }
}
