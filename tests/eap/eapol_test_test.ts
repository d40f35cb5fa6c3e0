// wpa_supplicant's eapol_test (an independent EAP peer and NAS) against a
// radkit Server answering with EapServer: EAP-MD5, EAP-GTC and EAP-MSCHAPv2
// succeed, wrong passwords fail, and for EAP-MSCHAPv2 the MS-MPPE keys of the
// Access-Accept are the MSK eapol_test derived ("MPPE keys OK").
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EapServer, EapServerOptions } from "../../src/eap/server/eap_server.ts";
import { eapolTest } from "../_eapol_test.ts";
import { assertPeers, needs } from "../_peers.ts";
import { secret, withUdpRig } from "./_rig.ts";

function withServer(
  run: (port: number, eap: EapServer) => Promise<void>,
  options: Partial<EapServerOptions> = {},
): Promise<void> {
  return withUdpRig(options, run);
}

const cases = [
  { eap: "MD5", noKeys: true },
  { eap: "GTC", noKeys: true },
  { eap: "MSCHAPV2", noKeys: false },
] as const;

for (const { eap: method, noKeys } of cases) {
  test(
    `eapol_test eap=${method}: accepted with the right password`,
    needs("eapol_test"),
    async () => {
      assertPeers("eapol_test");
      await withServer(async (port, eap) => {
        const result = await eapolTest({
          port,
          secret,
          eap: method,
          identity: "bob",
          password: "hello",
          noKeys,
        });
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /^SUCCESS$/m);
        // With -n (no keys expected) nothing is compared; else the keys must match the MSK.
        assert.match(result.output, new RegExp(`MPPE keys OK: ${noKeys ? 0 : 1} {2}mismatch: 0`));
        assert.doesNotMatch(result.output, /PMK mismatch/);
        assert.equal(eap.stats().accepted, 1);
        // The server prefers MS-CHAPv2: eapol_test configured for another method Naks it.
        assert.match(result.output, noKeys ? /EAP-Nak/ : /^(?![\s\S]*EAP-Nak)/);
      });
    },
  );

  test(
    `eapol_test eap=${method}: rejected with a wrong password`,
    needs("eapol_test"),
    async () => {
      assertPeers("eapol_test");
      await withServer(async (port, eap) => {
        const result = await eapolTest({
          port,
          secret,
          eap: method,
          identity: "bob",
          password: "wrong",
          noKeys,
        });
        assert.notEqual(result.code, 0, result.output);
        assert.match(result.output, /EAP Failure/);
        assert.equal(eap.stats().accepted, 0);
        assert.equal(eap.stats().rejected, 1);
      });
    },
  );
}

test(
  "eapol_test eap=MSCHAPV2 for a user whose server knows only the NT hash",
  needs("eapol_test"),
  async () => {
    assertPeers("eapol_test");
    await withServer(async (port) => {
      const good = await eapolTest({
        port,
        secret,
        eap: "MSCHAPV2",
        identity: "carol",
        password: "s3cret pass",
      });
      assert.equal(good.code, 0, good.output);
      assert.match(good.output, /MPPE keys OK: 1 {2}mismatch: 0/);
      // MD5 needs the cleartext: carol's Nak for it finds nothing to agree on.
      const md5 = await eapolTest({
        port,
        secret,
        eap: "MD5",
        identity: "carol",
        password: "s3cret pass",
        noKeys: true,
      });
      assert.notEqual(md5.code, 0, md5.output);
      assert.match(md5.output, /EAP Failure/);
    });
  },
);

test(
  "eapol_test sees the failureMessage Notification before the EAP-Failure",
  needs("eapol_test"),
  async () => {
    assertPeers("eapol_test");
    await withServer(async (port, eap) => {
      const result = await eapolTest({
        port,
        secret,
        eap: "MD5",
        identity: "bob",
        password: "wrong",
        noKeys: true,
      });
      assert.notEqual(result.code, 0, result.output);
      assert.match(result.output, /CTRL-EVENT-EAP-NOTIFICATION Wrong password/);
      assert.match(result.output, /Generating EAP-Response Notification/);
      assert.match(result.output, /CTRL-EVENT-EAP-FAILURE/);
      assert.equal(eap.stats().rejectedBy["authentication-failed"], 1);
    }, { methods: ["md5"], failureMessage: "Wrong password" });
  },
);
