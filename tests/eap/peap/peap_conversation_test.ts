// PEAPv0's phase 2 end to end: the server phase and the peer phase wired
// directly, each one's plaintext handed to the other (no TLS), with the
// outer EAP Identifiers the TLS machinery passes: each inner Request takes
// that of the outer Request carrying it ([MS-PEAP] §3.1.5.6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { md5Concat } from "../../../src/crypto/md5.ts";
import { ntPasswordHash } from "../../../src/mschap/nt_password_hash.ts";
import { peapPeerPhase } from "../../../src/eap/peap/peap_peer_phase.ts";
import { peapServerPhase } from "../../../src/eap/peap/peap_server_phase.ts";
import type { PasswordMethodName } from "../../../src/eap/methods/registry.ts";
import type { PasswordCredential } from "../../../src/mschap/credential.ts";
import type { TunnelPeerPhase } from "../../../src/eap/tls/tunnel.ts";
import { converse, fromHex, peerContext, serverContext, toHex } from "./_phases.ts";

const RESULT_SUCCESS_REQUEST = (id: string) => `01 ${id} 00 0b 21 80 03 00 02 00 01`;
const RESULT_SUCCESS_RESPONSE = (id: string) => `02 ${id} 00 0b 21 80 03 00 02 00 01`;
const RESULT_FAILURE_REQUEST = (id: string) => `01 ${id} 00 0b 21 80 03 00 02 00 02`;
const RESULT_FAILURE_RESPONSE = (id: string) => `02 ${id} 00 0b 21 80 03 00 02 00 02`;
/** "bob" headerless: Type 1, then the identity. */
const IDENTITY_BOB = "01 62 6f 62";

async function run(
  users: Record<string, PasswordCredential>,
  innerMethods: readonly PasswordMethodName[],
  peer: { identity: string; password: string; method: "mschapv2" | "gtc" | "md5" },
  /** The Identifier of the outer Request that carried the server's last handshake flight. */
  last = 7,
) {
  const fake = serverContext(users, innerMethods);
  const server = peapServerPhase(fake.context);
  const phase = peapPeerPhase(peer)(peerContext);
  const exchange = await converse(server, phase, last);
  return { ...exchange, peer: phase, lookups: fake.lookups };
}

test("MSCHAPv2 with a cleartext password: Identity, Challenge, Success Request, Result Success", async () => {
  const { trace, end, peer, lookups } = await run({ bob: { password: "hello" } }, ["mschapv2"], {
    identity: "bob",
    password: "hello",
    method: "mschapv2",
  });
  assert.deepEqual(end, { next: "success", identity: "bob", method: "peap/mschapv2" });
  assert.equal(peer.finished, true);
  assert.deepEqual(lookups, ["bob"]);
  assert.equal(trace.length, 8);
  // The handshake ended in outer Request 7: phase 2 runs in Requests 8 to 11.
  assert.deepEqual(trace.map((step) => step.outer), [8, 8, 9, 9, 10, 10, 11, 11]);
  assert.equal(trace[0]!.hex, "01");
  assert.equal(trace[1]!.hex, IDENTITY_BOB);
  // Type 26, OpCode Challenge, MS-CHAPv2-ID 9 (the inner Identifier, that of
  // outer Request 9), MS-Length 0x1b, Value-Size 16.
  assert.match(trace[2]!.hex, /^1a 01 09 00 1b 10 /);
  // Type 26, OpCode Response, the same MS-CHAPv2-ID, MS-Length 4 + 1 + 49 + "bob".
  assert.match(trace[3]!.hex, /^1a 02 09 00 39 31 /);
  assert.ok(trace[3]!.hex.endsWith(" 62 6f 62"));
  // OpCode Success, "S=" and 40 hex digits, " M=OK".
  assert.match(trace[4]!.hex, /^1a 03 09 00 33 53 3d /);
  assert.equal(trace[5]!.hex, "1a 03");
  // The Extensions packets keep their header: the Identifier of outer Request 11.
  assert.equal(trace[6]!.hex, RESULT_SUCCESS_REQUEST("0b"));
  assert.equal(trace[7]!.hex, RESULT_SUCCESS_RESPONSE("0b"));
});

test("MSCHAPv2 against an NT-hash credential", async () => {
  const { end, peer } = await run({ bob: { ntHash: ntPasswordHash("hello") } }, ["mschapv2"], {
    identity: "bob",
    password: "hello",
    method: "mschapv2",
  });
  assert.deepEqual(end, { next: "success", identity: "bob", method: "peap/mschapv2" });
  assert.equal(peer.finished, true);
});

test("an NT-hash credential is offered the first method that can check it", async () => {
  // GTC needs the cleartext: MSCHAPv2 is proposed straight away, no Nak needed.
  const { trace, end } = await run(
    { bob: { ntHash: ntPasswordHash("hello") } },
    ["gtc", "mschapv2"],
    { identity: "bob", password: "hello", method: "mschapv2" },
  );
  assert.match(trace[2]!.hex, /^1a 01 /);
  assert.equal(end.next, "success");
});

test("GTC: the prompt, the password, Result Success", async () => {
  const { trace, end, peer } = await run({ bob: { password: "hello" } }, ["gtc"], {
    identity: "bob",
    password: "hello",
    method: "gtc",
  });
  assert.deepEqual(end, { next: "success", identity: "bob", method: "peap/gtc" });
  assert.equal(peer.finished, true);
  assert.deepEqual(trace.map((step) => step.hex), [
    "01",
    IDENTITY_BOB,
    "06 50 61 73 73 77 6f 72 64 3a 20", // "Password: "
    "06 68 65 6c 6c 6f", // "hello"
    RESULT_SUCCESS_REQUEST("0a"),
    RESULT_SUCCESS_RESPONSE("0a"),
  ]);
  assert.deepEqual(trace.map((step) => step.outer), [8, 8, 9, 9, 10, 10]);
});

test("MD5: the peer hashes the Identifier of the outer Request 42 that carried the challenge", async () => {
  // The handshake ends in outer Request 40: Identity in 41, the MD5-Challenge in 42.
  const { trace, end, peer } = await run({ bob: { password: "hello" } }, ["md5"], {
    identity: "bob",
    password: "hello",
    method: "md5",
  }, 40);
  assert.deepEqual(end, { next: "success", identity: "bob", method: "peap/md5" });
  assert.equal(peer.finished, true);
  assert.equal(trace[2]!.outer, 42);
  // Type 4, Value-Size 16, the challenge.
  assert.match(trace[2]!.hex, /^04 10 /);
  const challenge = fromHex(trace[2]!.hex).subarray(2);
  assert.equal(challenge.length, 16);
  // RFC 1994 §4.1: MD5(Identifier || secret || challenge), the Identifier being 42.
  const expected = md5Concat([
    Uint8Array.of(42),
    new TextEncoder().encode("hello"),
    challenge,
  ]);
  assert.equal(trace[3]!.hex, `04 10 ${toHex(expected)}`);
  assert.equal(trace[4]!.hex, RESULT_SUCCESS_REQUEST("2b"));
});

for (const method of ["mschapv2", "gtc", "md5"] as const) {
  test(`${method}: the outer Identifier wraps from 255 to 0, and the inner ones with it`, async () => {
    for (const last of [253, 254]) {
      const { trace, end, peer } = await run({ bob: { password: "hello" } }, [method], {
        identity: "bob",
        password: "hello",
        method,
      }, last);
      assert.deepEqual(end, { next: "success", identity: "bob", method: `peap/${method}` });
      assert.equal(peer.finished, true);
      const rounds = trace.length / 2;
      const outers = Array.from({ length: rounds }, (_, round) => (last + 1 + round) & 0xff);
      assert.deepEqual(trace.map((step) => step.outer), outers.flatMap((id) => [id, id]));
      assert.ok(outers.includes(255) && outers.includes(0), String(outers));
      const id = toHex(Uint8Array.of(outers.at(-1)!));
      assert.equal(trace.at(-2)!.hex, RESULT_SUCCESS_REQUEST(id));
      assert.equal(trace.at(-1)!.hex, RESULT_SUCCESS_RESPONSE(id));
      if (method === "mschapv2") {
        // The MS-CHAPv2-ID is the inner Identifier of the Challenge.
        assert.ok(trace[2]!.hex.startsWith(`1a 01 ${toHex(Uint8Array.of(outers[1]!))} `));
      }
    }
  });
}

test("a peer assuming other inner Identifiers than the outer ones fails EAP-MD5 only", async () => {
  for (const method of ["mschapv2", "gtc", "md5"] as const) {
    const server = peapServerPhase(serverContext({ bob: { password: "hello" } }, [method]).context);
    const phase = peapPeerPhase({ identity: "bob", password: "hello", method })(peerContext);
    // Each headerless Request numbered one past the outer Request that carried it.
    const skewed: TunnelPeerPhase = {
      start: (plaintext, identifier) => phase.start(plaintext, identifier),
      receive: (plaintext, identifier) => phase.receive(plaintext, (identifier + 1) & 0xff),
      get finished() {
        return phase.finished;
      },
    };
    const { end } = await converse(server, skewed);
    if (method === "md5") {
      assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
    } else {
      // EAP-MSCHAPv2 and EAP-GTC do not hash the Identifier.
      assert.deepEqual(end, { next: "success", identity: "bob", method: `peap/${method}` });
    }
  }
});

for (const method of ["mschapv2", "gtc", "md5"] as const) {
  test(`${method}: a wrong password ends in failure, after a Result Failure, the peer not finished`, async () => {
    const { trace, end, peer } = await run({ bob: { password: "hello" } }, [method], {
      identity: "bob",
      password: "hellO",
      method,
    });
    assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
    assert.equal(peer.finished, false);
    // The Result Request travels in outer Request 11 after EAP-MSCHAPv2's two rounds, else 10.
    const id = method === "mschapv2" ? "0b" : "0a";
    assert.equal(trace.at(-2)!.hex, RESULT_FAILURE_REQUEST(id));
    assert.equal(trace.at(-1)!.hex, RESULT_FAILURE_RESPONSE(id));
    if (method === "mschapv2") {
      // The MSCHAPv2 Failure Request (E=691), answered with a Failure Response.
      assert.match(trace[4]!.hex, /^1a 04 09 /);
      assert.equal(trace[5]!.hex, "1a 04");
    }
  });
}

test("an unknown user is offered the first method and fails like a wrong password", async () => {
  const { trace, end, peer, lookups } = await run({ bob: { password: "hello" } }, [
    "gtc",
    "mschapv2",
  ], { identity: "mallory", password: "hello", method: "gtc" });
  assert.match(trace[2]!.hex, /^06 /);
  assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
  assert.equal(peer.finished, false);
  assert.deepEqual(lookups, ["mallory"]);
});

test("the inner identity is the user, whatever the outer one", async () => {
  const { end } = await run({ "CORP\\bob": { password: "hello" } }, ["mschapv2"], {
    identity: "CORP\\bob",
    password: "hello",
    method: "mschapv2",
  });
  assert.deepEqual(end, { next: "success", identity: "CORP\\bob", method: "peap/mschapv2" });
});

test("a Nak to GTC picks MSCHAPv2, and the credential is looked up once", async () => {
  const { trace, end, peer, lookups } = await run(
    { bob: { password: "hello" } },
    ["gtc", "mschapv2"],
    { identity: "bob", password: "hello", method: "mschapv2" },
  );
  assert.match(trace[2]!.hex, /^06 /);
  assert.equal(trace[3]!.hex, "03 1a"); // a headerless Nak asking for Type 26
  // The Challenge in outer Request 10, so at inner Identifier (and MS-CHAPv2-ID) 10.
  assert.match(trace[4]!.hex, /^1a 01 0a /);
  assert.equal(trace[4]!.outer, 10);
  assert.deepEqual(end, { next: "success", identity: "bob", method: "peap/mschapv2" });
  assert.equal(peer.finished, true);
  assert.deepEqual(lookups, ["bob"]);
});

test("a Nak for a method the server does not offer ends in failure", async () => {
  const { trace, end, peer } = await run({ bob: { password: "hello" } }, ["gtc"], {
    identity: "bob",
    password: "hello",
    method: "mschapv2",
  });
  assert.equal(trace.at(-1)!.hex, "03 1a");
  assert.deepEqual(end, { next: "failure", reason: "bad-method-data" });
  assert.equal(peer.finished, false);
});

test("a Nak for a method that cannot check the credential ends in failure", async () => {
  // MD5 needs the cleartext; only the NT hash is known.
  const { end } = await run(
    { bob: { ntHash: ntPasswordHash("hello") } },
    ["mschapv2", "md5"],
    { identity: "bob", password: "hello", method: "md5" },
  );
  assert.deepEqual(end, { next: "failure", reason: "bad-method-data" });
});
