// pyrad 2.1 (Debian python3-pyrad) as a NAS against a radkit Server on
// 127.0.0.1: authentication and accounting. tests/server/pyrad_client.py is
// the Python side; pyrad 2.1 cannot send a Message-Authenticator, so the
// script adds one itself, and a second run without it needs a client entry
// with requireMessageAuthenticator: false.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { assertPeers, needs } from "../_peers.ts";
import { run } from "../interop/codec_udp.ts";
import { udp } from "../_udp.ts";
import { Server } from "../../src/server.ts";
import { Code } from "../../src/codec/code.ts";
import { dictionary, quiet, SECRET } from "./_helpers.ts";

const script = fileURLToPath(new URL("./pyrad_client.py", import.meta.url));

interface PyradResult {
  auth: { code: number; attributes: Record<string, string[]> };
  acct: { code: number };
}

async function pyradAgainstServer(
  requireMessageAuthenticator: boolean,
  password: string,
): Promise<{ result: PyradResult; server: Server }> {
  assertPeers("pyrad");
  const accounted: string[] = [];
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator }],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    handleAccessRequest(request) {
      const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
      return ok
        ? request.reply(Code.AccessAccept, {
          "Service-Type": "Framed-User",
          "Framed-IP-Address": "192.168.0.1",
          "Framed-IPv6-Prefix": "fc66::1/64",
        })
        : request.reply(Code.AccessReject);
    },
    handleAccountingRequest(request) {
      accounted.push(String(request.get("Acct-Session-Id")));
      return request.reply(Code.AccountingResponse);
    },
  });
  try {
    const { auth, acct } = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
    const output = await run(
      "/usr/bin/python3",
      [script],
      JSON.stringify({
        host: "127.0.0.1",
        authport: auth!.port,
        acctport: acct!.port,
        secret: SECRET,
        password,
        messageAuthenticator: requireMessageAuthenticator,
      }),
    );
    assert.equal(output.code, 0, `pyrad_client.py failed:\n${output.stderr}`);
    await quiet(server, 2);
    assert.deepEqual(accounted, ["pyrad-1"]);
    return { result: JSON.parse(output.stdout) as PyradResult, server };
  } finally {
    await server.close();
  }
}

test(
  "pyrad → Server: PAP accept (with Message-Authenticator) and accounting",
  needs("pyrad"),
  async () => {
    const { result, server } = await pyradAgainstServer(true, "hello");
    assert.equal(result.auth.code, Code.AccessAccept);
    assert.deepEqual(result.auth.attributes["Service-Type"], ["Framed-User"]);
    assert.deepEqual(result.auth.attributes["Framed-IP-Address"], ["192.168.0.1"]);
    assert.deepEqual(result.auth.attributes["Framed-IPv6-Prefix"], ["fc66::/64"]);
    assert.equal(result.acct.code, Code.AccountingResponse);
    const stats = server.stats();
    assert.equal(stats.replied, 2);
    assert.equal(stats.dropped, 0);
  },
);

test(
  "pyrad → Server: without Message-Authenticator, for a client entry that allows it",
  needs("pyrad"),
  async () => {
    const { result } = await pyradAgainstServer(false, "wrong");
    assert.equal(result.auth.code, Code.AccessReject);
    assert.equal(result.acct.code, Code.AccountingResponse);
  },
);
