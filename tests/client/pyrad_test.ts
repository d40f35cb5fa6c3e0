// radkit's Client against a pyrad 2.1 server (tests/client/pyrad_server.py)
// over this runtime's UDP adapter: auth, accounting, CoA and Disconnect round
// trips. The server drops Access-Requests without a valid
// Message-Authenticator and adds one to its Access replies, so the client
// runs with its defaults.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { assertPeers, needs } from "../_peers.ts";
import { udp } from "../_udp.ts";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";

const SECRET = "testing123";
const script = fileURLToPath(new URL("./pyrad_server.py", import.meta.url));

interface Ports {
  auth: number;
  acct: number;
  coa: number;
}

/** Starts pyrad_server.py and resolves with its ports once it listens. */
function startPyrad(): Promise<{ child: ChildProcess; ports: Ports; log: () => string }> {
  const child = spawn("/usr/bin/python3", [script, SECRET], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const log = () => stdout + stderr;
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`pyrad_server.py did not start:\n${log()}`));
    }, 15000);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      stdout += new TextDecoder().decode(chunk);
      const line = stdout.split("\n")[0]!;
      if (stdout.includes("\n")) {
        clearTimeout(timer);
        resolve({ child, ports: JSON.parse(line), log });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pyrad_server.py exited with ${code}:\n${log()}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run /usr/bin/python3: ${error.message}`, { cause: error }));
    });
  });
}

describe("Client against a pyrad 2.1 server", needs("pyrad"), () => {
  let pyrad: Awaited<ReturnType<typeof startPyrad>> | undefined;
  let client: Client | undefined;
  before(async () => {
    assertPeers("pyrad");
    pyrad = await startPyrad();
    client = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: pyrad.ports,
      secret: SECRET,
      timeout: 1000,
      retries: 3,
    });
  });
  after(async () => {
    await client?.close();
    if (pyrad !== undefined && pyrad.child.exitCode === null) {
      const exited = new Promise((resolve) => pyrad!.child.once("exit", resolve));
      pyrad.child.stdin!.end(); // the server exits when its stdin closes
      const timer = setTimeout(() => pyrad!.child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  });

  test("Access-Request: accept for bob/hello, reject otherwise", async () => {
    const accept = await client!.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
    assert.equal(accept.code, Code.AccessAccept, pyrad!.log());
    assert.equal(accept.get("Reply-Message"), "Hello, bob");
    const reject = await client!.accessRequest({ "User-Name": "bob", "User-Password": "nope" });
    assert.equal(reject.code, Code.AccessReject);
    assert.equal(reject.get("Reply-Message"), "Denied");
  });

  test("Status-Server is answered", async () => {
    assert.equal((await client!.statusServer()).code, Code.AccessAccept, pyrad!.log());
  });

  test("Accounting-Request is answered", async () => {
    const reply = await client!.accountingRequest({
      "User-Name": "bob",
      "Acct-Status-Type": "Interim-Update",
      "Acct-Session-Id": "radkit-pyrad-1",
    });
    assert.equal(reply.code, Code.AccountingResponse, pyrad!.log());
    assert.equal(reply.get("Reply-Message"), "acct Interim-Update");
  });

  test("CoA-Request and Disconnect-Request are answered", async () => {
    const ack = await client!.coaRequest({ "User-Name": "bob", "Acct-Session-Id": "s1" });
    assert.equal(ack.code, Code.CoAACK, pyrad!.log());
    const nak = await client!.coaRequest({ "User-Name": "alice" });
    assert.equal(nak.code, Code.CoANAK);
    const disconnect = await client!.disconnectRequest({ "User-Name": "bob" });
    assert.equal(disconnect.code, Code.DisconnectACK);
    assert.equal(client!.stats().dropped.badAuthenticator, 0);
  });
});
