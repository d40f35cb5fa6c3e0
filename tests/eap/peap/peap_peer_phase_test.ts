// PEAPv0's phase 2 on the peer, fed a server's plaintext by hand: the
// answers byte for byte, the Result TLV only for a finished inner method,
// and typed errors for garbage. Each plaintext comes with the Identifier
// of the outer EAP-Request that carried it: a headerless Request takes it
// ([MS-PEAP] §3.1.5.6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EapConversationError } from "../../../src/eap/conversation_error.ts";
import { md5Concat } from "../../../src/crypto/md5.ts";
import { MAX_INNER_PLAINTEXT } from "../../../src/eap/peap/inner_eap.ts";
import { peapPeerPhase } from "../../../src/eap/peap/peap_peer_phase.ts";
import type { TunnelPeerPhase } from "../../../src/eap/tls/tunnel.ts";
import { fromHex, peerContext, toHex } from "./_phases.ts";

const RESULT_SUCCESS = (id: string) => `01 ${id} 00 0b 21 80 03 00 02 00 01`;
const RESULT_FAILURE = (id: string) => `01 ${id} 00 0b 21 80 03 00 02 00 02`;
const ANSWER_SUCCESS = (id: string) => `02 ${id} 00 0b 21 80 03 00 02 00 01`;
const ANSWER_FAILURE = (id: string) => `02 ${id} 00 0b 21 80 03 00 02 00 02`;
/** hostapd's Crypto-Binding TLV: M bit, Type 12, Length 56 (Reserved, Version, RecvVersion, SubType, Nonce, MAC). */
const CRYPTO_BINDING = `80 0c 00 38 00 00 00 00 ${"11 ".repeat(32)}${"22 ".repeat(20)}`.trim();

function peer(method: "mschapv2" | "gtc" | "md5" = "gtc", password = "hello"): TunnelPeerPhase {
  return peapPeerPhase({ identity: "bob", password, method })(peerContext);
}

/** The answer to `hex`, carried in outer EAP-Request `outer`. */
async function answer(phase: TunnelPeerPhase, outer: number, hex: string): Promise<string> {
  return toHex(await phase.receive(fromHex(hex), outer));
}

/** RFC 1994 §4.1, computed here: MD5(Identifier || secret || challenge). */
const md5Value = (identifier: number, password: string, challenge: Uint8Array): Uint8Array =>
  md5Concat([Uint8Array.of(identifier), new TextEncoder().encode(password), challenge]);

async function rejectsBadData(promise: Promise<unknown> | unknown, message?: RegExp) {
  await assert.rejects(async () => await promise, (error: unknown) => {
    assert.ok(error instanceof EapConversationError);
    assert.equal(error.reason, "bad-method-data");
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

test("the peer waits for the server: start sends nothing", async () => {
  assert.deepEqual(await peer().start(new Uint8Array(0), 7), new Uint8Array(0));
});

test("an Identity Request that came with the handshake is answered at start", async () => {
  assert.equal(toHex(await peer().start(fromHex("01"), 7)), "01 62 6f 62");
});

test("the inner Identity is answered with the inner identity, headerless", async () => {
  assert.equal(await answer(peer(), 8, "01"), "01 62 6f 62");
  // A prompt in the Request changes nothing.
  assert.equal(await answer(peer(), 8, "01 77 68 6f 3f"), "01 62 6f 62");
});

test("a Notification is acknowledged", async () => {
  assert.equal(await answer(peer(), 8, "02 68 69"), "02");
});

test("another method's Request gets a Nak for ours; an expanded one an Expanded Nak", async () => {
  assert.equal(await answer(peer("mschapv2"), 9, "06 50 3a"), "03 1a");
  assert.equal(await answer(peer("gtc"), 9, "04 10 00 01 02 03"), "03 06");
  assert.equal(
    await answer(peer("md5"), 9, "fe 00 00 09 00 00 00 01"),
    "fe 00 00 00 00 00 00 03 fe 00 00 00 00 00 00 04",
  );
});

test("GTC: the password, then Result Success answered with Success", async () => {
  const phase = peer("gtc");
  assert.equal(await answer(phase, 8, "01"), "01 62 6f 62");
  assert.equal(await answer(phase, 9, "06 50 61 73 73 3a"), "06 68 65 6c 6c 6f");
  assert.equal(phase.finished, false);
  assert.equal(await answer(phase, 10, RESULT_SUCCESS("0a")), ANSWER_SUCCESS("0a"));
  assert.equal(phase.finished, true);
});

test("the Result answer echoes the Extensions Request's own Identifier, not the outer one", async () => {
  const phase = peer("gtc");
  await answer(phase, 8, "01");
  await answer(phase, 9, "06");
  assert.equal(await answer(phase, 10, RESULT_SUCCESS("c8")), ANSWER_SUCCESS("c8"));
});

test("a Crypto-Binding TLV offered with the Result is ignored: the answer carries no binding", async () => {
  const phase = peer("gtc");
  await answer(phase, 8, "01");
  await answer(phase, 9, "06");
  const withBinding = `01 0a 00 47 21 80 03 00 02 00 01 ${CRYPTO_BINDING}`;
  assert.equal(fromHex(withBinding).length, 0x47);
  assert.equal(await answer(phase, 10, withBinding), ANSWER_SUCCESS("0a"));
  assert.equal(phase.finished, true);
});

test("Result Success before the inner method finished is refused", async () => {
  // A server skipping the inner method altogether.
  const skipped = peer("mschapv2");
  await answer(skipped, 8, "01");
  assert.equal(await answer(skipped, 9, RESULT_SUCCESS("09")), ANSWER_FAILURE("09"));
  assert.equal(skipped.finished, false);
  // Nothing more is answered after a Result.
  await rejectsBadData(skipped.receive(fromHex("01"), 10), /after the Result/);
  assert.equal(skipped.finished, false);
});

test("an MSCHAPv2 server that fails to prove the password gets Failure, then no Result Success", async () => {
  const phase = peer("mschapv2");
  await answer(phase, 8, "01");
  const challenge = `1a 01 09 00 1b 10 ${"ab ".repeat(16)}72 61 64`.trim();
  assert.match(await answer(phase, 9, challenge), /^1a 02 09 00 39 31 /);
  const forged = new TextEncoder().encode(`S=${"0".repeat(40)} M=OK`);
  const success = `1a 03 09 00 ${(4 + forged.length).toString(16)} ${toHex(forged)}`;
  assert.equal(await answer(phase, 10, success), "1a 04");
  assert.equal(await answer(phase, 11, RESULT_SUCCESS("0b")), ANSWER_FAILURE("0b"));
  assert.equal(phase.finished, false);
});

test("Result Failure is answered with Failure", async () => {
  const phase = peer("gtc");
  await answer(phase, 8, "01");
  await answer(phase, 9, "06");
  assert.equal(await answer(phase, 10, RESULT_FAILURE("0a")), ANSWER_FAILURE("0a"));
  assert.equal(phase.finished, false);
});

test("an unknown mandatory TLV is answered with Failure; an unknown optional one is ignored", async () => {
  const mandatory = peer("gtc");
  await answer(mandatory, 8, "01");
  await answer(mandatory, 9, "06");
  assert.equal(
    await answer(mandatory, 10, "01 0a 00 0f 21 80 03 00 02 00 01 80 07 00 00"),
    ANSWER_FAILURE("0a"),
  );
  assert.equal(mandatory.finished, false);
  const optional = peer("gtc");
  await answer(optional, 8, "01");
  await answer(optional, 9, "06");
  assert.equal(
    await answer(optional, 10, "01 0a 00 0f 21 80 03 00 02 00 01 00 07 00 00"),
    ANSWER_SUCCESS("0a"),
  );
  assert.equal(optional.finished, true);
});

test("a headerless Request takes the Identifier of the outer Request that carried it", async () => {
  // MD5 hashes the Identifier (RFC 1994 §4.1): the answer shows which one was assumed.
  const challenge = new Uint8Array(16).fill(7);
  const request = `04 10 ${toHex(challenge)}`;
  const phase = peer("md5");
  await answer(phase, 7, "01");
  assert.equal(await answer(phase, 8, "06"), "03 04"); // a Nak
  // Not counted from the Requests before: outer Request 42 carried this one.
  assert.equal(
    await answer(phase, 42, request),
    `04 10 ${toHex(md5Value(42, "hello", challenge))}`,
  );
  // The same challenge in outer Request 255, then 0: each its own hash.
  for (const outer of [255, 0]) {
    const again = peer("md5");
    assert.equal(
      await answer(again, outer, request),
      `04 10 ${toHex(md5Value(outer, "hello", challenge))}`,
    );
  }
});

test("FreeRADIUS's whole Identity Request brings its own Identifier; the next headerless Request the outer one", async () => {
  const challenge = new Uint8Array(16).fill(9);
  const phase = peer("md5");
  // Identifier 0x2a inside, carried in outer Request 0x30.
  assert.equal(await answer(phase, 0x30, "01 2a 00 05 01"), "01 62 6f 62");
  // Outer Request 0x31: its Identifier, not one counted from 0x2a.
  const expected = md5Value(0x31, "hello", challenge);
  assert.equal(
    await answer(phase, 0x31, `04 10 ${toHex(challenge)}`),
    `04 10 ${toHex(expected)}`,
  );
});

const garbage: [string, string][] = [
  ["nothing", ""],
  ["an Expanded Type without its vendor", "fe 00 00"],
  ["a Request of Type 3 (Nak)", "03 1a"],
  ["a Request of Type 0", "00 01"],
  ["TLVs that do not parse", "01 00 00 09 21 80 03 00 05"],
  ["no Result TLV", "01 00 00 09 21 00 07 00 00"],
  ["two Result TLVs", "01 00 00 11 21 80 03 00 02 00 01 80 03 00 02 00 01"],
  ["a Result Status of 0", "01 00 00 0b 21 80 03 00 02 00 00"],
];

for (const [what, hex] of garbage) {
  test(`${what} is a bad-method-data error`, async () => {
    const phase = peer("gtc");
    await rejectsBadData(phase.receive(fromHex(hex), 8));
    assert.equal(phase.finished, false);
  });
}

test("an inner method's Request that does not parse is its bad-method-data error", async () => {
  await rejectsBadData(peer("mschapv2").receive(fromHex("1a 01"), 9), /EAP-MSCHAPv2/);
  await rejectsBadData(peer("md5").receive(fromHex("04 00"), 9), /MD5/);
});

test("plaintext over the bound is refused", async () => {
  const most = new Uint8Array(MAX_INNER_PLAINTEXT).fill(0x61);
  most[0] = 6;
  assert.equal((await peer("gtc").receive(most, 9)).length, 6);
  const over = new Uint8Array(MAX_INNER_PLAINTEXT + 1).fill(0x61);
  over[0] = 6;
  await rejectsBadData(peer("gtc").receive(over, 9), /octets/);
});

test("more than 16 inner Requests are refused", async () => {
  const phase = peer("gtc");
  for (let i = 0; i < 16; i++) assert.equal(await answer(phase, 8 + i, "02"), "02");
  await rejectsBadData(phase.receive(fromHex("02"), 24), /more than 16/);
});

test("options that cannot work are refused when the phase is made", () => {
  const make = (options: unknown) => () =>
    peapPeerPhase(options as Parameters<typeof peapPeerPhase>[0]);
  assert.throws(make({ identity: "bob", password: "hello", method: "tls" }), /"mschapv2", "gtc"/);
  assert.throws(make({ identity: "bob", method: "gtc" }), /password/);
  assert.throws(make({ password: "hello", method: "gtc" }), /identity/);
  assert.throws(make(undefined), TypeError);
});

test("each conversation gets its own phase: one's state does not leak to the next", async () => {
  const factory = peapPeerPhase({ identity: "bob", password: "hello", method: "gtc" });
  const first = factory(peerContext);
  await first.receive(fromHex("01"), 8);
  await first.receive(fromHex("06"), 9);
  await first.receive(fromHex(RESULT_SUCCESS("0a")), 10);
  assert.equal(first.finished, true);
  const second = factory(peerContext);
  assert.equal(second.finished, false);
  assert.equal(
    toHex(await second.receive(fromHex(RESULT_SUCCESS("08")), 8)),
    ANSWER_FAILURE("08"),
  );
});
