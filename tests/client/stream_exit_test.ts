// A script whose Client keeps an idle TCP or TLS connection open, and never
// closes it, exits by itself: the idle connection is unref'ed and so is its
// watchdog timer. Runs tests/client/_stream_forgetful_script.ts as a child
// process on the runtime running the tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../_udp.ts";
import { tcpServer, tlsServer } from "./_stream_setup.ts";

const script = fileURLToPath(new URL("./_stream_forgetful_script.ts", import.meta.url));

async function run(protocol: "tcp" | "tls", port: number): Promise<void> {
  const args = [script, protocol, String(port)];
  const child = spawn(
    process.execPath,
    runtime === "deno" ? ["run", "-A", "--unstable-net", ...args] : args,
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk)));
  child.stderr!.on("data", (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk)));
  try {
    // Generous: the child starts a runtime and compiles; only a hang reaches this.
    const code = await new Promise<number | null | "hung">((resolve) => {
      const timer = setTimeout(() => resolve("hung"), 30000);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.notEqual(code, "hung", `the script did not exit by itself:\n${output}`);
    assert.match(output, /REPLY Access-Accept OPEN 1/);
    assert.equal(code, 0, output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }
}

test("a script that never closes its TCP Client exits once it has its reply", async () => {
  const { server, tcp } = await tcpServer({}, [{ address: "127.0.0.1", secret: "exit secret" }]);
  try {
    await run("tcp", tcp.port);
  } finally {
    await server.close();
  }
});

test("a script that never closes its TLS Client exits once it has its reply", async () => {
  const { server, tls } = await tlsServer();
  try {
    await run("tls", tls.port);
  } finally {
    await server.close();
  }
});
