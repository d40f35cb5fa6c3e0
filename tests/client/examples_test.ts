// Runs examples/auth.ts, acct.ts, coa.ts and status.ts under this runtime as
// child processes, pointed (RADIUS_* environment variables) at a small UDP
// responder in this test, and checks what they print.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Code } from "../../src/codec/code.ts";
import { runtime, udp } from "../_udp.ts";
import { type Responder, responder } from "./_responder.ts";

const SECRET = "example-secret";
const root = fileURLToPath(new URL("../../", import.meta.url));

function run(
  example: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const file = `${root}examples/${example}`;
  const args = runtime === "deno" ? ["run", "-A", "--unstable-net", file] : [file];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
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

describe("client examples", () => {
  const servers: Responder[] = [];
  let env: Record<string, string> = {};
  before(async () => {
    const transport = udp();
    const auth = await responder(transport, "127.0.0.1", 0, (request) => {
      if (request.code === Code.StatusServer) return request.reply(Code.AccessAccept);
      const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
      return ok
        ? request.reply(Code.AccessAccept, { "Framed-IP-Address": "192.168.0.1" })
        : request.reply(Code.AccessReject);
    }, SECRET);
    const acct = await responder(
      transport,
      "127.0.0.1",
      0,
      (request) => request.reply(Code.AccountingResponse),
      SECRET,
    );
    const coa = await responder(
      transport,
      "127.0.0.1",
      0,
      (request) =>
        request.reply(request.code === Code.CoARequest ? Code.CoAACK : Code.DisconnectACK),
      SECRET,
    );
    servers.push(auth, acct, coa);
    env = {
      RADIUS_HOST: "127.0.0.1",
      RADIUS_AUTH_PORT: String(auth.socket.local.port),
      RADIUS_ACCT_PORT: String(acct.socket.local.port),
      RADIUS_COA_PORT: String(coa.socket.local.port),
      RADIUS_SECRET: SECRET,
    };
  });
  after(async () => {
    for (const server of servers) await server.close();
  });

  test("examples/auth.ts prints the accept and its attributes", async () => {
    const { code, out } = await run("auth.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /Access accepted/);
    assert.match(out, /Framed-IP-Address: 192\.168\.0\.1/);
    const request = servers[0]!.seen.at(-1)!.packet;
    assert.equal(request.get("NAS-Identifier"), "trillian");
    assert.equal(request.get("Service-Type"), "Login-User");
  });

  test("examples/acct.ts sends Start, Interim-Update and Stop", async () => {
    const { code, out } = await run("acct.ts", env);
    assert.equal(code, 0, out);
    assert.match(
      out,
      /Start: Accounting-Response\nInterim-Update: Accounting-Response\nStop: Accounting-Response/,
    );
  });

  test("examples/coa.ts sends a CoA-Request and a Disconnect-Request", async () => {
    const { code, out } = await run("coa.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /CoA-Request: CoA-ACK/);
    assert.match(out, /Disconnect-Request: Disconnect-ACK/);
  });

  test("examples/status.ts gets answers from the auth and acct ports", async () => {
    const { code, out } = await run("status.ts", env);
    assert.equal(code, 0, out);
    assert.match(out, /to auth port \d+: Access-Accept/);
    assert.match(out, /to acct port \d+: Accounting-Response/);
  });
});
