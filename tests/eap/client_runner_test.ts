// The client's EAP runner (Client.eap): Nak negotiation, the EAP-MSCHAPv2
// server proof checked, Notifications, and servers that break the rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { EapCode } from "../../src/eap/code.ts";
import { EapConversationError } from "../../src/eap/conversation_error.ts";
import { readEap, setEapMessage } from "../../src/eap/eap_message.ts";
import { eapReply } from "../../src/eap/eap_reply.ts";
import { decodeNak, isNak } from "../../src/eap/nak.ts";
import { EapType } from "../../src/eap/type.ts";
import { rig } from "./_rig.ts";

test("Nak: the client wants GTC, the server prefers MD5 and offers GTC too", async () => {
  const { client, eap, close } = await rig({ methods: ["md5", "gtc"] });
  try {
    const result = await client.eap({ identity: "bob", method: "gtc", password: "hello" });
    assert.equal(result.reply.code, Code.AccessAccept);
    assert.equal(result.authenticated, true);
    // The MD5 proposal (Nak'd), then the GTC prompt.
    assert.equal(eap.stats().challenges, 2);
  } finally {
    await close();
  }
});

test("Nak: the client wants MS-CHAPv2, the server offers only MD5: rejected", async () => {
  const { client, eap, close } = await rig({ methods: ["md5"] });
  try {
    const result = await client.eap({ identity: "bob", method: "mschapv2", password: "hello" });
    assert.equal(result.reply.code, Code.AccessReject);
    assert.equal(result.authenticated, false);
    assert.equal(eap.stats().rejectedBy["no-common-method"], 1);
  } finally {
    await close();
  }
});

test("EAP-MSCHAPv2: a server whose S= proof is wrong is refused, the conversation rejected", async () => {
  const { client, eap, close } = await rig(
    { methods: ["mschapv2"] },
    "memory",
    (eap) => async (request) => {
      const reply = await eap.handle(request);
      const request26 = reply && readEap(reply);
      // Tamper with the authenticator response of the Success Request (OpCode 3).
      if (request26 && "type" in request26 && request26.data[0] === 3) {
        const data = request26.data.slice();
        data[6] = data[6] === 0x30 ? 0x31 : 0x30; // a digit of S=…
        setEapMessage(reply!, { ...request26, data });
      }
      return reply;
    },
  );
  try {
    const result = await client.eap({ identity: "bob", method: "mschapv2", password: "hello" });
    assert.equal(result.reply.code, Code.AccessReject);
    assert.equal(result.authenticated, false);
    assert.equal(result.msk, undefined);
    assert.equal(eap.stats().rejectedBy["peer-failure"], 1);
  } finally {
    await close();
  }
});

test("Notifications are answered and reported; an early EAP-Success does not authenticate", async () => {
  const { client, close } = await rig({ methods: ["md5"], failureMessage: "Ask the helpdesk" });
  try {
    const result = await client.eap({ identity: "bob", method: "md5", password: "nope" });
    assert.equal(result.reply.code, Code.AccessReject);
    assert.deepEqual(result.notifications, ["Ask the helpdesk"]);
  } finally {
    await close();
  }
  // A server that accepts right after the identity: the method never ran.
  const lax = await rig({}, "memory", () => (request) => {
    const identity = readEap(request)!;
    return eapReply(request, { code: EapCode.Success, identifier: identity.identifier });
  });
  try {
    const result = await lax.client.eap({ identity: "bob", method: "mschapv2", password: "x" });
    assert.equal(result.reply.code, Code.AccessAccept);
    assert.equal(result.authenticated, false);
    assert.equal(result.msk, undefined);
  } finally {
    await lax.close();
  }
});

test("an expanded Request gets an expanded Nak for the client's method", async () => {
  let nak: number[] | undefined;
  const { client, close } = await rig({}, "memory", () => (request) => {
    const eap = readEap(request)!;
    if (eap.code === EapCode.Response && "type" in eap && eap.type === EapType.Identity) {
      return eapReply(request, {
        code: EapCode.Request,
        identifier: eap.identifier + 1,
        type: EapType.Expanded,
        vendorId: 0x00372a,
        vendorType: 1,
        data: new Uint8Array(0),
      }, { "State": "0x01" });
    }
    assert.ok(isNak(eap));
    assert.equal("type" in eap && eap.type, EapType.Expanded);
    nak = decodeNak(eap) as number[];
    return eapReply(request, { code: EapCode.Failure, identifier: eap.identifier });
  });
  try {
    const result = await client.eap({ identity: "bob", method: "gtc", password: "x" });
    assert.equal(result.reply.code, Code.AccessReject);
    assert.deepEqual(nak, [EapType.GTC]);
  } finally {
    await close();
  }
});

test("servers that break the rules: the runner rejects with the reason", async () => {
  const noEap = await rig(
    {},
    "memory",
    () => (request) => request.reply(Code.AccessChallenge, { "State": "0x01" }),
  );
  try {
    await assert.rejects(
      noEap.client.eap({ identity: "bob", method: "md5", password: "x" }),
      (error) => error instanceof EapConversationError && error.reason === "no-eap-message",
    );
  } finally {
    await noEap.close();
  }
  const success = await rig(
    {},
    "memory",
    () => (request) =>
      request.reply(Code.AccessChallenge, { "EAP-Message": new Uint8Array([3, 1, 0, 4]) }),
  );
  try {
    await assert.rejects(
      success.client.eap({ identity: "bob", method: "md5", password: "x" }),
      { reason: "unexpected-code" },
    );
  } finally {
    await success.close();
  }
  const garbled = await rig(
    {},
    "memory",
    () => (request) =>
      request.reply(Code.AccessChallenge, { "EAP-Message": new Uint8Array([1, 1, 0, 9, 4]) }),
  );
  try {
    await assert.rejects(
      garbled.client.eap({ identity: "bob", method: "md5", password: "x" }),
      { reason: "bad-eap" },
    );
  } finally {
    await garbled.close();
  }
  // An MD5-Challenge Request without a challenge, forever.
  const endless = await rig({}, "memory", () => (request) =>
    eapReply(request, {
      code: EapCode.Request,
      identifier: 1,
      type: EapType.MD5Challenge,
      data: new Uint8Array([1, 7]),
    }, { "State": "0x01" }));
  try {
    await assert.rejects(
      endless.client.eap({ identity: "bob", method: "md5", password: "x", maxRounds: 5 }),
      { reason: "too-many-rounds" },
    );
    await assert.rejects(
      endless.client.eap({ identity: "bob", method: "mschapv2", password: "x" }),
      { reason: "too-many-rounds" }, // Nak'd every time
    );
  } finally {
    await endless.close();
  }
});

test("options that cannot work, and a signal already aborted, reject", async () => {
  const { client, close } = await rig();
  try {
    await assert.rejects(
      client.eap({ identity: "bob", method: "tls" as never, password: "x" }),
      TypeError,
    );
    await assert.rejects(
      client.eap({ identity: 1 as never, method: "md5", password: "x" }),
      TypeError,
    );
    const signal = AbortSignal.abort();
    await assert.rejects(
      client.eap({ identity: "bob", method: "md5", password: "hello", signal }),
      { name: "AbortError" },
    );
  } finally {
    await close();
  }
});
