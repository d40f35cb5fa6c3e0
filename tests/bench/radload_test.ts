// The C load generator of the server benchmark (bench/loadgen/radload.c):
// built with gcc, it must verify every reply of a real radkit Server and keep
// its counters consistent, and report replies under another secret as bad.
// Without gcc or libssl-dev the tests are skipped loudly; under CI=true they fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { udp } from "../_udp.ts";
import { Server } from "../../src/server.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { radloadBinary, runRadload } from "../../bench/_radload.ts";
import { needsRadload } from "./_needs_radload.ts";

const SECRET = "testing123";

const compiler = needsRadload();

/** A radkit Server on 127.0.0.1 that accepts bob/hello. */
async function startServer(requireMessageAuthenticator = true) {
  const server = new Server({
    transport: udp(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator }],
    handleAccessRequest(request) {
      const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject, {
        "Reply-Message": ok ? "Hello, bob" : "Denied",
      });
    },
  });
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  return { server, port: auth!.port };
}

test(
  "radload passes its self-test (RFC 1321, RFC 2104 and RFC 2865 §7.1 vectors)",
  compiler,
  () => {
    const output = execFileSync(radloadBinary(), ["--self-test"], { encoding: "utf8" });
    assert.deepEqual(JSON.parse(output), { selfTest: "ok" });
  },
);

test(
  "radload against a radkit Server: every reply verified, counters consistent",
  compiler,
  async () => {
    const { server, port } = await startServer();
    try {
      const result = await runRadload({
        port,
        secret: SECRET,
        inFlight: 20,
        sockets: 4,
        count: 300,
        warmup: 50,
        // Long enough that nothing is retransmitted on a loaded machine: each reply counts once.
        timeout: 20_000,
      });
      assert.equal(result.bad, 0);
      assert.equal(result.duplicate, 0);
      assert.equal(result.received, result.verified);
      assert.ok(result.verified >= 300, `verified ${result.verified}`);
      assert.equal(result.accepted, result.verified);
      // radkit signs its replies to requests that carry a Message-Authenticator.
      assert.equal(result.withMessageAuthenticator, result.verified);
      assert.equal(result.lost, 0);
      // Requests: those in flight at the start plus those sent are answered, lost or still in flight.
      assert.equal(
        result.inFlightStart + result.sent,
        result.verified + result.lost + result.inFlightEnd,
      );
      assert.ok(result.warmup.verified >= 50);
      const stats = server.stats();
      assert.ok(stats.replied >= result.warmup.verified + result.verified);
      assert.equal(stats.dropped, 0);
      console.log(
        `radload smoke: ${Math.round(result.repliesPerSecond)} replies/s, ` +
          `${result.cpuMicrosPerReply.toFixed(1)} µs generator CPU per reply (not a benchmark)`,
      );
    } finally {
      await server.close();
    }
  },
);

test("radload under the wrong secret reports the replies as bad", compiler, async () => {
  // Without a Message-Authenticator the server cannot tell the secret is wrong: the password
  // decodes to garbage and it answers Access-Reject, signed with its own secret.
  const { server, port } = await startServer(false);
  try {
    const result = await runRadload({
      port,
      secret: "not-testing123",
      messageAuthenticator: false,
      inFlight: 10,
      sockets: 2,
      count: 0,
      warmup: 0,
      duration: 1,
      timeout: 200,
      retries: 0,
    });
    assert.equal(result.verified, 0);
    assert.ok(result.bad > 0, `bad ${result.bad}`);
    assert.equal(result.received, result.bad + result.duplicate);
    assert.ok(server.stats().replied > 0);
  } finally {
    await server.close();
  }
});

test("radload refuses a command line without a port", compiler, () => {
  assert.throws(
    () => execFileSync(radloadBinary(), ["--count", "1"], { stdio: "pipe" }),
    (error: { status?: number; stderr?: Uint8Array }) =>
      error.status === 2 && /--port is required/.test(String(error.stderr)),
  );
});
