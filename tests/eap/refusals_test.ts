// Everything wrong an EAP server can be sent gets an Access-Reject with
// EAP-Failure, counted by reason, and nothing throws: States never issued,
// used or expired, Identifiers that do not match, Responses of the wrong
// Type, EAP that does not decode, too many fragments, Nak loops, endless
// rounds, identities too long or not UTF-8.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import { EapCode } from "../../src/eap/code.ts";
import { countEapMessageAttributes } from "../../src/eap/eap_message.ts";
import { encodeNak } from "../../src/eap/nak.ts";
import { encodeEap } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";
import { EapServer } from "../../src/eap/server/eap_server.ts";
import { MemoryEapConversationStore } from "../../src/eap/server/conversation_store.ts";
import { EAP_REJECT_REASONS } from "../../src/eap/server/stats.ts";
import { md5ChallengeValue } from "../../src/eap/methods/md5_challenge.ts";
import {
  accessRequest,
  assertRejected,
  challengeOf,
  identity,
  received,
  response,
} from "./_direct.ts";
import { dictionary, secret, users } from "./_rig.ts";

function server(options: Partial<ConstructorParameters<typeof EapServer>[0]> = {}): EapServer {
  return new EapServer({ credentials: (name) => users.get(name), methods: ["md5"], ...options });
}

test("an Access-Request without EAP-Message is not the EAP server's", async () => {
  const eap = server();
  const request = received(Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }));
  assert.equal(await eap.handle(request), undefined);
  assert.deepEqual(eap.stats().rejected + eap.stats().challenges, 0);
  await assert.rejects(
    eap.handle(Packet.create(Code.AccountingRequest, dictionary, {})),
    TypeError,
  );
});

test("a State never issued, and a State used once already", async () => {
  const eap = server();
  const forged = await eap.handle(
    accessRequest(response(2, EapType.MD5Challenge, new Uint8Array(17)), new Uint8Array(16)),
  );
  assertRejected(eap, forged, "unknown-state", 2);

  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const answer = new Uint8Array([
    16,
    ...md5ChallengeValue(md5.identifier, "hello", md5.data.subarray(1)),
  ]);
  const request = accessRequest(response(md5.identifier, EapType.MD5Challenge, answer), state);
  assert.equal((await eap.handle(request))?.code, Code.AccessAccept);
  // The same Access-Request again (a replay, or a NAS retrying after the duplicate cache).
  const again = await eap.handle(request);
  assert.equal(again?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["unknown-state"], 2);
});

test("an expired conversation is gone: unknown-state", async () => {
  let now = 1_000_000;
  const store = new MemoryEapConversationStore({ now: () => now });
  const eap = server({ store, conversationTimeout: 30_000 });
  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  assert.equal(store.size, 1);
  now += 30_000;
  const late = await eap.handle(
    accessRequest(response(md5.identifier, EapType.MD5Challenge, new Uint8Array(17)), state),
  );
  assertRejected(eap, late, "unknown-state", md5.identifier);
  assert.equal(store.size, 0);
});

test("a Response with another Identifier, or of another Type, ends the conversation", async () => {
  const eap = server();
  const first = challengeOf(await eap.handle(accessRequest(identity("bob", 200))));
  assert.equal(first.eap.identifier, 201);
  const stale = await eap.handle(
    accessRequest(response(200, EapType.MD5Challenge, new Uint8Array(17)), first.state),
  );
  assertRejected(eap, stale, "identifier-mismatch", 200);
  // The conversation is over: the right answer now finds no State.
  const late = await eap.handle(
    accessRequest(response(201, EapType.MD5Challenge, new Uint8Array(17)), first.state),
  );
  assert.equal(late?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["unknown-state"], 1);

  const second = challengeOf(await eap.handle(accessRequest(identity("bob", 255))));
  assert.equal(second.eap.identifier, 0); // wraps around
  const gtc = await eap.handle(
    accessRequest(response(0, EapType.GTC, new TextEncoder().encode("hello")), second.state),
  );
  assertRejected(eap, gtc, "unexpected-type", 0);
  const third = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const identityAgain = await eap.handle(
    accessRequest(identity("bob", third.eap.identifier), third.state),
  );
  assert.equal(identityAgain?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["unexpected-type"], 2);
});

test("EAP that does not decode: each EapError reason, answered with the Identifier seen", async () => {
  const cases: [Uint8Array, string][] = [
    [new Uint8Array([2, 9, 0]), "eap-truncated"],
    [new Uint8Array([2, 9, 0, 9, 1, 0x62]), "eap-length-mismatch"],
    [new Uint8Array([9, 9, 0, 5, 1]), "eap-unknown-code"],
    [new Uint8Array([3, 9, 0, 5, 0]), "eap-result-with-data"],
    [new Uint8Array([2, 9, 0, 4]), "eap-missing-type"],
    [new Uint8Array([2, 9, 0, 8, 254, 0, 0, 0]), "eap-expanded-truncated"],
  ];
  for (const [bytes, reason] of cases) {
    const eap = server();
    assertRejected(eap, await eap.handle(accessRequest([bytes])), reason, 9);
  }
  // A Nak that lists nothing, where a Nak may come.
  const eap = server();
  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const emptyNak = accessRequest([new Uint8Array([2, md5.identifier, 0, 5, 3])], state);
  assertRejected(eap, await eap.handle(emptyNak), "eap-bad-nak", md5.identifier);
});

test("EAP packets that are no Response, and Responses other than Identity without State", async () => {
  const eap = server();
  const request = {
    code: EapCode.Request,
    identifier: 4,
    type: EapType.Identity,
    data: new Uint8Array(),
  };
  assertRejected(eap, await eap.handle(accessRequest(request)), "not-a-response", 4);
  const success = accessRequest({ code: EapCode.Success, identifier: 5 });
  assert.equal((await eap.handle(success))?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["not-a-response"], 2);
  const md5 = accessRequest(response(6, EapType.MD5Challenge, new Uint8Array(17)));
  assertRejected(eap, await eap.handle(md5), "missing-state", 6);
});

test("too many EAP-Message fragments: 33 and 600 interleaved with other attributes", async () => {
  for (const count of [33, 600]) {
    const eap = server();
    const bytes = encodeEap(identity("b".repeat(count - 5)));
    const request = Packet.create(Code.AccessRequest, dictionary, {});
    for (let i = 0; i < count; i++) {
      request.add("EAP-Message", bytes.subarray(i, i + 1)).add("NAS-Port-Id", "p");
    }
    const datagram = request.encode(secret);
    assert.equal(countEapMessageAttributes(datagram), count);
    const reply = await eap.handle(Packet.decode(datagram, { dictionary, secret }));
    assertRejected(eap, reply, "too-many-fragments", 1);
  }
  // 32 are fine.
  const eap = server();
  const bytes = encodeEap(identity("b".repeat(27)));
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  for (let i = 0; i < 32; i++) {
    request.add("EAP-Message", bytes.subarray(i, i + 1)).add("Class", "c");
  }
  challengeOf(await eap.handle(received(request)));
});

test("1,000 consecutive one-octet EAP-Message attributes: joined, then refused on their content", async () => {
  // The decoder joins a consecutive run into one value (RFC 3579 §3.1), in
  // linear time: what is refused is the 995-octet identity it carries.
  const eap = server();
  const bytes = encodeEap(identity("b".repeat(995)));
  const fragments = [...bytes].map((octet) => new Uint8Array([octet]));
  const request = Packet.create(Code.AccessRequest, dictionary, {}).add("EAP-Message", fragments);
  const datagram = request.encode(secret);
  assert.equal(countEapMessageAttributes(datagram), 1000);
  const reply = await eap.handle(Packet.decode(datagram, { dictionary, secret }));
  assertRejected(eap, reply, "identity-too-long", 1);
  // The same run one octet short no longer matches its Length field.
  const short = Packet.create(Code.AccessRequest, dictionary, {}).add(
    "EAP-Message",
    fragments.slice(0, 999),
  );
  const other = server();
  assertRejected(other, await other.handle(received(short)), "eap-length-mismatch", 1);
});

test("identities: 253 octets are fine, 254 and 4,000 too long, invalid UTF-8 refused", async () => {
  const eap = server();
  challengeOf(await eap.handle(accessRequest(identity("é".repeat(126) + "x"))));
  assertRejected(
    eap,
    await eap.handle(accessRequest(identity("x".repeat(254)))),
    "identity-too-long",
    1,
  );
  const huge = accessRequest(identity("x".repeat(4000)), undefined, {});
  assert.equal((await eap.handle(huge))?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["identity-too-long"], 2);
  const latin1 = response(3, EapType.Identity, new Uint8Array([0x62, 0xf6, 0x62]));
  assertRejected(eap, await eap.handle(accessRequest(latin1)), "bad-identity", 3);
});

test("a Nak loop ends: every method tried once, then no-common-method", async () => {
  const eap = server({ methods: ["md5", "gtc", "mschapv2"] });
  let { eap: offered, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const seen = [offered.type];
  // The peer keeps asking for the methods already offered, then for the last one left.
  for (
    const wanted of [[EapType.MD5Challenge, EapType.GTC], [
      EapType.MD5Challenge,
      EapType.GTC,
      EapType.MSCHAPv2,
    ]]
  ) {
    const nak = accessRequest(encodeNak(offered.identifier, wanted), state);
    ({ eap: offered, state } = challengeOf(await eap.handle(nak)));
    seen.push(offered.type);
  }
  assert.deepEqual(seen, [EapType.MD5Challenge, EapType.GTC, EapType.MSCHAPv2]);
  const last = accessRequest(
    encodeNak(offered.identifier, [EapType.MD5Challenge, EapType.GTC]),
    state,
  );
  assertRejected(eap, await eap.handle(last), "no-common-method", offered.identifier);

  // A Nak with no alternative (0), and one for a method the server does not offer.
  for (const wanted of [[0], [EapType.TLS]]) {
    const other = server();
    const first = challengeOf(await other.handle(accessRequest(identity("bob"))));
    const nak = accessRequest(encodeNak(first.eap.identifier, wanted), first.state);
    assertRejected(other, await other.handle(nak), "no-common-method", first.eap.identifier);
  }
});

test("a Nak after a method has begun is refused", async () => {
  const eap = server({ methods: ["mschapv2"] });
  const challenge = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  // A Response with the wrong password: the server sends the Failure Request.
  const ntResponse = new Uint8Array(49);
  ntResponse[0] = 49;
  const data = new Uint8Array([
    2,
    challenge.eap.identifier,
    0,
    57,
    ...ntResponse,
    ...new TextEncoder().encode("bob"),
  ]);
  const failure = challengeOf(
    await eap.handle(
      accessRequest(response(challenge.eap.identifier, EapType.MSCHAPv2, data), challenge.state),
    ),
  );
  assert.equal(failure.eap.data[0], 4); // Failure Request
  const nak = accessRequest(
    encodeNak(failure.eap.identifier, [EapType.MD5Challenge]),
    failure.state,
  );
  assertRejected(eap, await eap.handle(nak), "unexpected-nak", failure.eap.identifier);
});

test("maxRounds ends a conversation that goes on", async () => {
  const eap = server({ methods: ["md5", "gtc", "mschapv2"], maxRounds: 2 });
  const first = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const second = challengeOf(
    await eap.handle(accessRequest(encodeNak(first.eap.identifier, [EapType.GTC]), first.state)),
  );
  const third = await eap.handle(
    accessRequest(encodeNak(second.eap.identifier, [EapType.MSCHAPv2]), second.state),
  );
  assertRejected(eap, third, "too-many-rounds", second.eap.identifier);
});

test("method data that does not parse: bad-method-data", async () => {
  const eap = server();
  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  // Value-Size 16 but one octet of value.
  const cut = accessRequest(
    response(md5.identifier, EapType.MD5Challenge, new Uint8Array([16, 1])),
    state,
  );
  assertRejected(eap, await eap.handle(cut), "bad-method-data", md5.identifier);

  const mschap = server({ methods: ["mschapv2"] });
  const challenge = challengeOf(await mschap.handle(accessRequest(identity("bob"))));
  // A Success Response where the Response belongs.
  const early = accessRequest(
    response(challenge.eap.identifier, EapType.MSCHAPv2, new Uint8Array([3])),
    challenge.state,
  );
  assertRejected(mschap, await mschap.handle(early), "bad-method-data", challenge.eap.identifier);
});

test("an unknown user fails like a wrong password, after the same challenge", async () => {
  const eap = server();
  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("mallory"))));
  assert.equal(md5.type, EapType.MD5Challenge);
  const answer = new Uint8Array([
    16,
    ...md5ChallengeValue(md5.identifier, "hello", md5.data.subarray(1)),
  ]);
  const reply = await eap.handle(
    accessRequest(response(md5.identifier, EapType.MD5Challenge, answer), state),
  );
  assertRejected(eap, reply, "authentication-failed", md5.identifier);
});

test("a credential lookup that throws leaves the conversation for the NAS to retry", async () => {
  let down = false;
  const eap = new EapServer({
    credentials: (name) => {
      if (down) throw new Error("database down");
      return users.get(name);
    },
    methods: ["md5"],
  });
  const { eap: md5, state } = challengeOf(await eap.handle(accessRequest(identity("bob"))));
  const answer = new Uint8Array([
    16,
    ...md5ChallengeValue(md5.identifier, "hello", md5.data.subarray(1)),
  ]);
  const request = accessRequest(response(md5.identifier, EapType.MD5Challenge, answer), state);
  down = true;
  await assert.rejects(eap.handle(request), /database down/);
  down = false;
  assert.equal((await eap.handle(request))?.code, Code.AccessAccept);
  // A lookup that returns something unusable is a programmer error, said so.
  const broken = new EapServer({ credentials: () => ({ password: 42 } as never) });
  await assert.rejects(broken.handle(accessRequest(identity("bob"))), TypeError);
});

test("every reject reason is counted, and the counts add up", async () => {
  const eap = server();
  await eap.handle(accessRequest(identity("x".repeat(300))));
  await eap.handle(accessRequest(response(1, EapType.GTC, new Uint8Array(1)), new Uint8Array(16)));
  const stats = eap.stats();
  assert.deepEqual(Object.keys(stats.rejectedBy), [...EAP_REJECT_REASONS]);
  assert.equal(Object.values(stats.rejectedBy).reduce((a, b) => a + b, 0), stats.rejected);
  assert.equal(stats.rejected, 2);
});

test("options that cannot work are refused at construction", () => {
  const credentials = () => undefined;
  assert.throws(() => new EapServer({} as never), /credentials/);
  assert.throws(() => new EapServer({ credentials, methods: [] }), /methods/);
  assert.throws(() => new EapServer({ credentials, methods: ["md5", "md5"] }), /methods/);
  assert.throws(() => new EapServer({ credentials, methods: ["tls" as never] }), /methods/);
  assert.throws(() => new EapServer({ credentials, maxRounds: 0 }), /maxRounds/);
  assert.throws(
    () => new EapServer({ credentials, conversationTimeout: 1.5 }),
    /conversationTimeout/,
  );
  assert.throws(() => new EapServer({ credentials, store: {} as never }), /store/);
  assert.throws(() => new EapServer({ credentials, gtcPrompt: "" }), /gtcPrompt/);
});
