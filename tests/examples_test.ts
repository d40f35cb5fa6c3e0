// The examples, as users run them: examples/server.ts in one process and the
// client examples (auth, acct, coa, status) against it from others, on the
// runtime running this test.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "./_udp.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const SECRET = "examples-secret";

function command(example: string): string[] {
  const file = `${root}examples/${example}`;
  return runtime === "deno" ? ["run", "-A", "--unstable-net", file] : [file];
}

function run(
  example: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command(example), {
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
    child.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("examples/*.ts against examples/server.ts", () => {
  let server: ChildProcess | undefined;
  let log = "";
  const env: Record<string, string> = { RADIUS_HOST: "127.0.0.1", RADIUS_SECRET: SECRET };

  before(async () => {
    server = spawn(process.execPath, command("server.ts"), {
      env: {
        ...process.env,
        NO_COLOR: "1",
        RADIUS_HOST: "127.0.0.1",
        RADIUS_AUTH_PORT: "0",
        RADIUS_ACCT_PORT: "0",
        RADIUS_COA_PORT: "0",
        RADIUS_SECRET: SECRET,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`examples/server.ts did not start:\n${log}`)),
        30000,
      );
      const onData = (chunk: Uint8Array) => {
        log += new TextDecoder().decode(chunk);
        for (
          const [, port, name] of log.matchAll(
            /\[127\.0\.0\.1:(\d+)\] (auth|acct|coa) port listening/g,
          )
        ) {
          env[`RADIUS_${name!.toUpperCase()}_PORT`] = port!;
        }
        if (env.RADIUS_AUTH_PORT && env.RADIUS_ACCT_PORT && env.RADIUS_COA_PORT) {
          clearTimeout(timer);
          resolve();
        }
      };
      server!.stdout!.on("data", onData);
      server!.stderr!.on("data", onData);
      server!.once(
        "exit",
        (code) => reject(new Error(`examples/server.ts exited with ${code}:\n${log}`)),
      );
    });
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server!.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  });

  test("examples/auth.ts is accepted with the seed guide's reply attributes", async () => {
    const { code, out } = await run("auth.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /Access accepted/);
    assert.match(out, /Service-Type: Framed-User/);
    assert.match(out, /Framed-IP-Address: 192\.168\.0\.1/);
    assert.match(out, /Framed-IPv6-Prefix: fc66::\/64/);
    assert.match(log, /Received an authentication request with id \d+/);
    assert.match(log, /NAS-Identifier: trillian/);
    assert.doesNotMatch(log, /hello/, "the server must not log the password");
  });

  test("examples/acct.ts gets Start, Interim-Update and Stop answered", async () => {
    const { code, out } = await run("acct.ts", env);
    assert.equal(code, 0, out);
    assert.match(
      out,
      /Start: Accounting-Response\nInterim-Update: Accounting-Response\nStop: Accounting-Response/,
    );
  });

  test("examples/coa.ts gets its CoA and Disconnect acknowledged", async () => {
    const { code, out } = await run("coa.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /CoA-Request: CoA-ACK/);
    assert.match(out, /Disconnect-Request: Disconnect-ACK/);
  });

  test("examples/status.ts gets Status-Server answered on the auth and acct ports", async () => {
    const { code, out } = await run("status.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /to auth port \d+: Access-Accept/);
    assert.match(out, /to acct port \d+: Accounting-Response/);
  });
});

test("examples/wifi.ts: PEAP, TTLS and EAP-TLS accepted with keys and the VLAN, a wrong password rejected", async () => {
  const { code, out } = await run("wifi.ts", {});
  if (runtime === "deno") {
    // Deno 2.9's node:tls has no exportKeyingMaterial: every method says so.
    assert.equal(code, 1, out);
    assert.equal(out.match(/TlsExporterUnavailableError: node:tls on Deno/g)?.length, 4, out);
    return;
  }
  assert.equal(code, 0, out);
  assert.equal(
    out,
    [
      "PEAP/MSCHAPv2: Access-Accept, 64-octet MSK as MS-MPPE keys, VLAN 100",
      "TTLS/PAP: Access-Accept, 64-octet MSK as MS-MPPE keys, VLAN 100",
      "EAP-TLS: Access-Accept, 64-octet MSK as MS-MPPE keys",
      "PEAP, wrong password: Access-Reject",
      "",
    ].join("\n"),
  );
});
