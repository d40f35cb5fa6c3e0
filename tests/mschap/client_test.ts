// The client helpers: what addMsChapV1/V2 put in a request, and how the
// verifiers judge replies, including forged and malformed ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import {
  addMsChapV1,
  addMsChapV2,
  generateAuthenticatorResponse,
  type MsChapV1Context,
  type MsChapV2Context,
  msChapV2MppeKeys,
  ntPasswordHash,
  verifyMsChapV1Reply,
  verifyMsChapV2Success,
} from "../../src/mschap/mod.ts";
import { parseMsChapError } from "../../src/mschap/ms_chap_error.ts";
import { type AttributesInit, Packet } from "../../src/packet.ts";
import { verifyPassword } from "../../src/verify_password.ts";

const dictionary = Dictionary.default();
const secret = "testing123";
const encoder = new TextEncoder();
const PASSWORD = "hunter2";

function request() {
  return Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
}
type Request = ReturnType<typeof request>;

/** A reply to `sent` with `attributes`, as the client receives it. */
function received(sent: Request, code: Code, attributes: AttributesInit) {
  const reply = sent.reply(code, attributes);
  return Packet.decode(reply.encode(secret), { dictionary, secret, request: sent });
}

function success(ident: number, text: string): Uint8Array {
  return Uint8Array.of(ident, ...encoder.encode(text));
}

function v2(): { sent: Request; context: MsChapV2Context; good: AttributesInit } {
  const sent = request();
  const context = addMsChapV2(sent, { password: PASSWORD });
  const result = verifyPassword(sent, { password: PASSWORD });
  assert.equal(result.ok, true);
  return { sent, context, good: result.reply };
}

test("verifyMsChapV2Success() accepts the real server's answer, built here or received", () => {
  const { sent, context, good } = v2();
  assert.equal(verifyMsChapV2Success(received(sent, Code.AccessAccept, good), context).ok, true);
  assert.equal(verifyMsChapV2Success(sent.reply(Code.AccessAccept, good), context).ok, true);
  // Without MPPE keys in the reply the keys are still derived for the caller.
  const { "MS-CHAP2-Success": only } = good as { "MS-CHAP2-Success": Uint8Array };
  const bare = verifyMsChapV2Success(
    received(sent, Code.AccessAccept, { "MS-CHAP2-Success": only }),
    context,
  );
  assert.deepEqual(bare, {
    ok: true,
    keys: msChapV2MppeKeys(ntPasswordHash(PASSWORD), context.ntResponse),
  });
  // " M=<message>" after the authenticator response is allowed (RFC 2759 §5).
  const withMessage = success(
    context.ident,
    `${new TextDecoder().decode(only.subarray(1))} M=Welcome`,
  );
  assert.equal(
    verifyMsChapV2Success(
      received(sent, Code.AccessAccept, { "MS-CHAP2-Success": withMessage }),
      context,
    ).ok,
    true,
  );
});

test("verifyMsChapV2Success() tells why a reply proves nothing", () => {
  const { sent, context, good } = v2();
  const reason = (code: Code, attributes: AttributesInit) => {
    const result = verifyMsChapV2Success(received(sent, code, attributes), context);
    return result.ok ? "ok" : result.reason;
  };
  assert.equal(reason(Code.AccessReject, {}), "rejected");
  assert.equal(reason(Code.AccessChallenge, good), "unexpected-code");
  assert.equal(reason(Code.AccessAccept, {}), "missing-success");
  assert.equal(
    reason(Code.AccessAccept, { "MS-CHAP2-Success": Uint8Array.of(context.ident) }),
    "malformed-success",
  );
  assert.equal(
    reason(Code.AccessAccept, { "MS-CHAP2-Success": success(context.ident, "S=1234") }),
    "malformed-success",
  );
  assert.equal(
    reason(Code.AccessAccept, {
      "MS-CHAP2-Success": success(context.ident, `X=${"0".repeat(40)}`),
    }),
    "malformed-success",
  );
  // A server that does not know the password cannot compute the S= value.
  const impostor = generateAuthenticatorResponse(
    {
      authenticatorChallenge: context.authenticatorChallenge,
      peerChallenge: context.peerChallenge,
      username: context.username,
      passwordHash: ntPasswordHash("not the password"),
    },
    context.ntResponse,
  );
  assert.equal(
    reason(Code.AccessAccept, { "MS-CHAP2-Success": success(context.ident, impostor) }),
    "wrong-authenticator-response",
  );
  const real = (good as { "MS-CHAP2-Success": Uint8Array })["MS-CHAP2-Success"];
  const otherIdent = real.slice();
  otherIdent[0] = (context.ident + 1) & 0xff;
  assert.equal(
    reason(Code.AccessAccept, { ...good, "MS-CHAP2-Success": otherIdent }),
    "wrong-ident",
  );
  assert.equal(
    reason(Code.AccessAccept, { ...good, "MS-MPPE-Send-Key": new Uint8Array(16) }),
    "wrong-mppe-keys",
  );
  assert.equal(
    reason(Code.AccessAccept, { ...good, "MS-MPPE-Recv-Key": new Uint8Array(8) }),
    "wrong-mppe-keys",
  );
});

test("verifyMsChapV1Reply(): accepted with the NT key; wrong MS-CHAP-MPPE-Keys are caught", () => {
  const sent = request();
  const context: MsChapV1Context = addMsChapV1(sent, { password: PASSWORD });
  const result = verifyPassword(sent, { password: PASSWORD });
  assert.equal(result.ok, true);
  const ok = verifyMsChapV1Reply(received(sent, Code.AccessAccept, result.reply), context);
  assert.equal(ok.ok, true);
  // MS-CHAP v1 has no server proof: a bare Access-Accept is all there is.
  assert.equal(verifyMsChapV1Reply(received(sent, Code.AccessAccept, {}), context).ok, true);
  const forged = verifyMsChapV1Reply(
    received(sent, Code.AccessAccept, { "MS-CHAP-MPPE-Keys": new Uint8Array(24).fill(1) }),
    context,
  );
  assert.deepEqual(forged, { ok: false, reason: "wrong-mppe-keys" });
  assert.deepEqual(verifyMsChapV1Reply(received(sent, Code.AccessChallenge, {}), context), {
    ok: false,
    reason: "unexpected-code",
  });
});

test("the verifiers want the context the add functions returned", () => {
  const sent = request();
  const context = addMsChapV2(sent, { password: PASSWORD });
  const copy = { ...context };
  const reply = sent.reply(Code.AccessAccept);
  assert.throws(() => verifyMsChapV2Success(reply, copy), /the context addMsChapV2\(\) returned/);
  const v1 = addMsChapV1(request(), { password: PASSWORD });
  assert.throws(
    () => verifyMsChapV1Reply(reply, { ...v1 }),
    /the context addMsChapV1\(\) returned/,
  );
});

test("contexts hold nothing secret: no password or hash in JSON or inspect()", () => {
  const hash = Array.from(ntPasswordHash(PASSWORD), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  for (
    const context of [
      addMsChapV2(request(), { password: PASSWORD }),
      addMsChapV1(request(), { password: PASSWORD }),
    ]
  ) {
    for (
      const shown of [JSON.stringify(context), inspect(context, { depth: 5, showHidden: true })]
    ) {
      assert.ok(!shown.includes(PASSWORD));
      assert.ok(!shown.includes(hash));
    }
    assert.ok(Object.isFrozen(context));
  }
});

test("addMsChapV2/V1 take the user name from the request or set it, and check their options", () => {
  const named = Packet.create(Code.AccessRequest, dictionary, {});
  assert.equal(
    addMsChapV2(named, { username: "carol", ntHash: ntPasswordHash("x") }).username,
    "carol",
  );
  assert.equal(named.get("User-Name"), "carol");
  const anonymous = Packet.create(Code.AccessRequest, dictionary, {});
  assert.throws(
    () => addMsChapV2(anonymous, { password: "x" }),
    /User-Name or pass \{ username \}/,
  );
  assert.throws(() => addMsChapV1(anonymous, { password: "x" }), /User-Name/);
  assert.throws(() => addMsChapV2(request(), { password: "x", ident: 256 }), RangeError);
  assert.throws(() => addMsChapV2(request(), { password: "x", ident: 1.5 }), RangeError);
  assert.throws(
    () => addMsChapV2(request(), { password: "x", peerChallenge: new Uint8Array(8) }),
    /peer challenge must be a Uint8Array of 16 bytes/,
  );
  assert.throws(
    () => addMsChapV1(request(), { password: "x", challenge: new Uint8Array(16) }),
    /8 bytes/,
  );
  assert.throws(
    () => addMsChapV2(request(), { ntHash: new Uint8Array(15) } as { ntHash: Uint8Array }),
    /16 bytes/,
  );
  // Adding again replaces the earlier response: one of each attribute.
  const twice = request();
  addMsChapV2(twice, { password: "x" });
  addMsChapV2(twice, { password: "x" });
  assert.equal(twice.getAll("MS-CHAP2-Response").length, 1);
  assert.equal(twice.getAll("MS-CHAP-Challenge").length, 1);
});

test("MS-CHAP-Error texts parse into their parts (RFC 2433 §5, RFC 2759 §6)", () => {
  const parse = (text: string) => parseMsChapError(Uint8Array.of(9, ...encoder.encode(text)));
  assert.deepEqual(parse("E=691 R=1"), { ident: 9, text: "E=691 R=1", code: 691, retry: true });
  assert.deepEqual(parse("E=648 R=0 C=0011223344556677 V=2"), {
    ident: 9,
    text: "E=648 R=0 C=0011223344556677 V=2",
    code: 648,
    retry: false,
    version: 2,
  });
  const v2 = parse("E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Wrong password, R=1 E=1");
  assert.equal(v2?.code, 691);
  assert.equal(v2?.retry, false);
  assert.equal(v2?.message, "Wrong password, R=1 E=1");
  assert.deepEqual(parse(""), { ident: 9, text: "", retry: false });
  assert.deepEqual(parse("garbage E=x"), { ident: 9, text: "garbage E=x", retry: false });
  assert.equal(parseMsChapError(new Uint8Array(0)), undefined);
});
