// examples/server.ts, run as a child process on the runtime running the
// tests (deno run / bun / node), on ports the operating system picks: it
// must answer PAP, accounting, CoA and Disconnect, log without passwords,
// and stop cleanly on SIGINT.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime, udp } from "../_udp.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkResponse } from "../../src/codec/packet_codec.ts";
import { dictionary, Peer, SECRET, SECRET_BYTES, toHex } from "./_helpers.ts";

const example = fileURLToPath(new URL("../../examples/server.ts", import.meta.url));

test("examples/server.ts answers the seed guide's requests and stops on SIGINT", async () => {
  const args = [example, "--auth-port", "0", "--acct-port", "0", "--coa-port", "0"];
  const child = spawn(
    process.execPath,
    runtime === "deno" ? ["run", "-A", "--unstable-net", ...args] : args,
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RADIUS_SECRET: SECRET } },
  );
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ports = new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ports printed:\n${stdout}${stderr}`)),
      15000,
    );
    child.stdout!.on("data", (chunk: Uint8Array) => {
      stdout += new TextDecoder().decode(chunk);
      const found = Object.fromEntries(
        [...stdout.matchAll(/:(\d+)\] (auth|acct|coa) port listening/g)].map((m) => [m[2], +m[1]!]),
      );
      if (Object.keys(found).length === 3) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr!.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
    child.once("exit", () => {
      clearTimeout(timer);
      reject(new Error(`the example exited:\n${stdout}${stderr}`));
    });
  });
  let peer: Peer | undefined;
  try {
    const port = await ports;
    peer = await Peer.open(udp(), "127.0.0.1");
    const to = (name: string) => ({ hostname: "127.0.0.1", port: port[name]! });

    const access = Packet.create(Code.AccessRequest, dictionary, {
      "User-Name": "bob",
      "User-Password": "hello",
    });
    await peer.send(access.encode(SECRET), to("auth"));
    const accept = await peer.reply();
    assert.equal(accept[0], Code.AccessAccept);
    assert.equal(checkResponse(accept, SECRET_BYTES, access.authenticator, true), undefined);
    const reply = Packet.decode(accept, { dictionary, secret: SECRET, request: access });
    assert.equal(reply.get("Service-Type"), "Framed-User");
    assert.equal(reply.get("Framed-IP-Address"), "192.168.0.1");

    const cases = [
      [Code.AccountingRequest, "acct", Code.AccountingResponse],
      [Code.CoARequest, "coa", Code.CoAACK],
      [Code.DisconnectRequest, "coa", Code.DisconnectACK],
    ] as const;
    for (const [code, name, expected] of cases) {
      await peer.send(
        Packet.create(code, dictionary, { "User-Name": "bob" }).encode(SECRET),
        to(name),
      );
      assert.equal((await peer.reply(peer.replies.length + 1))[0], expected);
    }
    child.kill("SIGINT");
    const code = await exited;
    // Deno's node:child_process reports the signal kill() sent even when the
    // child handled it and exited by itself; the final counters line below
    // proves the graceful path ran there too.
    if (runtime !== "deno") assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`Authenticator ${toHex(access.authenticator)}`));
    assert.match(stdout, /User-Password: <hidden, 5 bytes>/);
    assert.doesNotMatch(stdout, /hello/);
    assert.match(stdout, /Received 4, replied 4/);
  } finally {
    await peer?.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  }
});
