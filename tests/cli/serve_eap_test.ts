// radkit serve answers EAP-MD5, EAP-GTC and EAP-MSCHAPv2 from its users file:
// to wpa_supplicant's eapol_test (an independent EAP peer; for MSCHAPv2 it
// checks the MS-MPPE keys against its own MSK) and to radkit send --auth eap-*.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ntPasswordHash } from "../../mod.ts";
import { assertPeers, needs } from "../_peers.ts";
import { eapolTest } from "../_eapol_test.ts";
import { cli, serve, type Serving } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "s3cret-eap";
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("radkit serve with EAP", T, () => {
  let server: Serving | undefined;
  let dir = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "radkit-eap-"));
    writeFileSync(
      join(dir, "users"),
      `bob Cleartext-Password := "hello"\n  Reply-Message := "hi bob"\n\n` +
        `carol NT-Password := 0x${hex(ntPasswordHash("s3cr3t"))}\n`,
    );
    server = await serve(["--secret", SECRET, "--users", join(dir, "users")]);
  }, T);
  after(async () => {
    const stopped = await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(stopped?.code, 0, `${stopped?.stdout}${stopped?.stderr}`);
  }, T);

  for (const [method, keys] of [["MD5", false], ["GTC", false], ["MSCHAPV2", true]] as const) {
    test(`eapol_test eap=${method}: success, and failure with a wrong password`, {
      ...T,
      ...needs("eapol_test"),
    }, async () => {
      assertPeers("eapol_test");
      const run = (password: string) =>
        eapolTest({
          port: server!.ports.auth,
          secret: SECRET,
          eap: method,
          identity: "bob",
          password,
          noKeys: !keys,
        });
      const ok = await run("hello");
      assert.equal(ok.code, 0, ok.output);
      assert.match(ok.output, /^SUCCESS$/m);
      if (keys) assert.match(ok.output, /MPPE keys OK: 1 {2}mismatch: 0/);
      const bad = await run("guess");
      assert.notEqual(bad.code, 0, bad.output);
      assert.match(bad.output, /EAP-FAILURE|FAILURE/);
    });
  }

  test("eapol_test eap=MSCHAPV2 for a user known by NT-Password only", {
    ...T,
    ...needs("eapol_test"),
  }, async () => {
    assertPeers("eapol_test");
    const ok = await eapolTest({
      port: server!.ports.auth,
      secret: SECRET,
      eap: "MSCHAPV2",
      identity: "carol",
      password: "s3cr3t",
    });
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /MPPE keys OK: 1 {2}mismatch: 0/);
  });

  for (const auth of ["eap-md5", "eap-gtc", "eap-mschapv2"]) {
    test(
      `radkit send --auth ${auth}: accepted with the users file's reply, rejected otherwise`,
      T,
      async () => {
        const send = (password: string) =>
          cli([
            "send",
            "--server",
            `127.0.0.1:${server!.ports.auth}`,
            "--secret",
            SECRET,
            "--auth",
            auth,
            "User-Name=bob",
            `User-Password=${password}`,
            "NAS-Identifier=radkit-test",
          ]);
        const ok = await send("hello");
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /Received Access-Accept/);
        assert.match(ok.stdout, /Reply-Message = "hi bob"/);
        if (auth === "eap-mschapv2") {
          assert.match(ok.stdout, /MS-MPPE-Recv-Key = <hidden, 16 bytes>/);
        }
        const bad = await send("guess");
        assert.equal(bad.code, 1, bad.stdout + bad.stderr);
        assert.match(bad.stdout, /Received Access-Reject/);
      },
    );
  }
});
