// The radkit Client's EAP runner against hostapd's RADIUS server and
// integrated EAP server (an EAP implementation independent of radkit's):
// EAP-MD5, EAP-GTC and EAP-MSCHAPv2 succeed, wrong passwords fail, and the
// EAP-MSCHAPv2 MSK is the MS-MPPE keys hostapd sends.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { ntPasswordHash } from "../../src/mschap/nt_password_hash.ts";
import { type Hostapd, startHostapd } from "../_hostapd.ts";
import { assertPeers, needs } from "../_peers.ts";
import { udp } from "../_udp.ts";

const secret = "s3cret";
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
let hostapd: Hostapd | undefined;
let client: Client | undefined;

before(async () => {
  if (needs("hostapd").skip !== false) return;
  assertPeers("hostapd");
  hostapd = await startHostapd({
    secret,
    users: [
      // hostapd proposes the methods of a user in this order; a Nak moves to another.
      `"bob"\tMD5,GTC,MSCHAPV2\t"hello"`,
      `"carol"\tMSCHAPV2\thash:${hex(ntPasswordHash("s3cret pass"))}`,
    ],
  });
  client = new Client({
    transport: udp(),
    server: "127.0.0.1",
    ports: { auth: hostapd.port },
    secret,
    timeout: 2000,
    retries: 1,
  });
});

after(async () => {
  await client?.close();
  await hostapd?.stop();
});

for (const method of ["md5", "gtc", "mschapv2"] as const) {
  test(`hostapd: EAP-${method} accepted with the right password`, needs("hostapd"), async () => {
    const result = await client!.eap({ identity: "bob", method, password: "hello" });
    assert.equal(result.reply.code, Code.AccessAccept, hostapd!.log().slice(-3000));
    assert.equal(result.authenticated, true);
    if (method === "mschapv2") {
      // hostapd sends the MSK's halves as MS-MPPE-Recv-Key and MS-MPPE-Send-Key.
      assert.equal(result.msk?.length, 32);
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 16));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(16));
    } else {
      assert.equal(result.msk, undefined);
    }
  });

  test(`hostapd: EAP-${method} rejected with a wrong password`, needs("hostapd"), async () => {
    const result = await client!.eap({ identity: "bob", method, password: "hellO" });
    assert.equal(result.reply.code, Code.AccessReject);
    assert.equal(result.authenticated, false);
    assert.equal(result.msk, undefined);
  });
}

test("hostapd: EAP-MSCHAPv2 for a user it knows by NT hash", needs("hostapd"), async () => {
  const good = await client!.eap({
    identity: "carol",
    method: "mschapv2",
    password: "s3cret pass",
  });
  assert.equal(good.reply.code, Code.AccessAccept);
  assert.equal(good.msk?.length, 32);
  const bad = await client!.eap({ identity: "carol", method: "mschapv2", password: "s3cret" });
  assert.equal(bad.reply.code, Code.AccessReject);
});

test("hostapd: an unknown user is rejected", needs("hostapd"), async () => {
  const result = await client!.eap({ identity: "mallory", method: "md5", password: "hello" });
  assert.equal(result.reply.code, Code.AccessReject);
});
