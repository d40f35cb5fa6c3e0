// A script that gets its reply and never calls client.close() exits by
// itself: the client's idle sockets are unref'ed and no timer of it is
// left. Runs tests/client/_forgetful_script.ts as a child process on the
// runtime running the tests, through that runtime's real adapter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Server } from "../../src/server.ts";
import { runtime, udp } from "../_udp.ts";

const script = fileURLToPath(new URL("./_forgetful_script.ts", import.meta.url));

/** Whether this runtime's adapter can unref a socket (the transport contract's optional unref()). */
async function adapterCanUnref(): Promise<boolean> {
  const socket = await udp().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  try {
    return typeof socket.unref === "function";
  } finally {
    await socket.close();
  }
}

const skip = (await adapterCanUnref()) ? false : `the ${runtime} adapter has no unref() yet`;

test("a script that never closes its Client exits once it has its reply", { skip }, async () => {
  const server = new Server({
    transport: udp(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: "exit secret" }],
    handleAccessRequest: (request) => request.reply(Code.AccessAccept),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const args = [script, String(auth!.port)];
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
    assert.match(output, /REPLY Access-Accept/);
    assert.equal(code, 0, output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    await server.close();
  }
});
