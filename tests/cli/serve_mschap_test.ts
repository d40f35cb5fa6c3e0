// radkit serve answers PAP, CHAP, MS-CHAPv1 and MS-CHAPv2 from its users file
// (Cleartext-Password or NT-Password), to radkit send --auth and to
// radtest -t mschap (radclient turning MS-CHAP-Password into MS-CHAPv1).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ntPasswordHash } from "../../mod.ts";
import { assertPeers, needs } from "../_peers.ts";
import { cli, run, serve, type Serving } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "s3cret-mschap";
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("radkit serve with MS-CHAP", T, () => {
  let server: Serving | undefined;
  let dir = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "radkit-mschap-"));
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

  const send = (user: string, password: string, auth: string) =>
    cli([
      "send",
      "--server",
      `127.0.0.1:${server!.ports.auth}`,
      "--secret",
      SECRET,
      "--auth",
      auth,
      `User-Name=${user}`,
      `User-Password=${password}`,
    ]);

  for (const auth of ["pap", "chap", "mschap", "mschapv2"]) {
    test(
      `--auth ${auth}: accepted with the right password, rejected with a wrong one`,
      T,
      async () => {
        const ok = await send("bob", "hello", auth);
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /Received Access-Accept/);
        if (auth === "mschapv2") {
          assert.match(ok.stdout, /MS-CHAP2-Success = <hidden, 43 bytes>/);
          assert.match(ok.stdout, /MS-MPPE-Recv-Key = <hidden, 16 bytes>/);
        }
        if (auth === "mschap") assert.match(ok.stdout, /MS-CHAP-MPPE-Keys = /);
        const bad = await send("bob", "guess", auth);
        assert.equal(bad.code, 1, bad.stdout + bad.stderr);
        assert.match(bad.stdout, /Received Access-Reject/);
        if (auth.startsWith("mschap")) assert.match(bad.stdout, /MS-CHAP-Error = .*E=691/);
      },
    );
  }

  test(
    "an NT-Password user: PAP and MS-CHAP work, CHAP cannot (it needs the cleartext)",
    T,
    async () => {
      for (const auth of ["pap", "mschap", "mschapv2"]) {
        const ok = await send("carol", "s3cr3t", auth);
        assert.equal(ok.code, 0, `${auth}: ${ok.stdout}${ok.stderr}`);
      }
      const chap = await send("carol", "s3cr3t", "chap");
      assert.equal(chap.code, 1);
      const line = await server!.until(/carol.*needs-cleartext/);
      assert.match(line, /CHAP: needs-cleartext/);
    },
  );

  test(
    "radtest -t mschap: accepted with MS-CHAP-MPPE-Keys, and MS-CHAP-Error for a wrong password",
    {
      ...T,
      ...needs("radclient"),
    },
    async () => {
      assertPeers("radclient");
      const radtest = (password: string) =>
        run("/usr/bin/radtest", [
          "-t",
          "mschap",
          "bob",
          password,
          `127.0.0.1:${server!.ports.auth}`,
          "0",
          SECRET,
        ]);
      const ok = await radtest("hello");
      assert.match(ok.stdout, /Received Access-Accept/, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /MS-CHAP-MPPE-Keys = 0x/);
      const bad = await radtest("guess");
      assert.match(bad.stdout, /Received Access-Reject/, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /MS-CHAP-Error = /);
    },
  );
});
