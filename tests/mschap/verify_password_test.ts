// verifyPassword() on the server side, fed requests that went through the
// real codec with a shared secret, and the client helpers on the replies
// that come back the same way (so the MPPE keys' salt-encryption, RFC 2548
// §2.4.2, runs both ways).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { addChapPassword } from "../../src/chap.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import {
  addMsChapV1,
  addMsChapV2,
  msChapV1MppeKeys,
  msChapV2MppeKeys,
  ntPasswordHash,
  verifyMsChapV1Reply,
  verifyMsChapV2Success,
} from "../../src/mschap/mod.ts";
import { type AttributesInit, Packet } from "../../src/packet.ts";
import type { RawAttributeName } from "../../src/attribute_map.ts";
import {
  type PasswordVerification,
  verifyPassword,
  type VerifyPasswordOptions,
} from "../../src/verify_password.ts";
import type { PasswordCredential } from "../../src/mschap/credential.ts";

const dictionary = Dictionary.default();
const secret = "xyzzy5461";
const text = new TextDecoder();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
const bytes = (value: string): Uint8Array =>
  Uint8Array.from(value.match(/../g) ?? [], (pair) => parseInt(pair, 16));

const PASSWORD = "correct horse";
const cleartext: PasswordCredential = { password: PASSWORD };
const hashOnly: PasswordCredential = { ntHash: ntPasswordHash(PASSWORD) };

function newRequest(attributes: AttributesInit = { "User-Name": "alice" }) {
  return Packet.create(Code.AccessRequest, dictionary, attributes);
}
type Request = ReturnType<typeof newRequest>;

/** The request as the server receives it: encoded with the secret, then decoded. */
function overTheWire(request: Request) {
  return Packet.decode(request.encode(secret), { dictionary, secret });
}

/** The server's answer to `received`, as the client receives it. */
function answer(request: Request, received: Request, result: PasswordVerification) {
  const reply = received.reply(result.ok ? Code.AccessAccept : Code.AccessReject, result.reply);
  return Packet.decode(reply.encode(secret), { dictionary, secret, request });
}

/** The server's side, with the Access-Accept/Reject it sends back, as the client sees it. */
function exchange(
  request: Request,
  credential: PasswordCredential,
  options?: VerifyPasswordOptions,
) {
  const received = overTheWire(request);
  const result = verifyPassword(received, credential, options);
  return { result, reply: answer(request, received, result) };
}

for (const [name, credential] of [["cleartext", cleartext], ["NT hash", hashOnly]] as const) {
  test(`PAP against the ${name}: accepted, and a wrong password rejected`, () => {
    const good = exchange(
      newRequest({ "User-Name": "alice", "User-Password": PASSWORD }),
      credential,
    );
    assert.deepEqual(good.result, { ok: true, method: "pap", reply: {} });
    assert.equal(good.reply.code, Code.AccessAccept);
    const bad = exchange(
      newRequest({ "User-Name": "alice", "User-Password": "wrong" }),
      credential,
    );
    assert.deepEqual(bad.result, { ok: false, method: "pap", reason: "wrong-password", reply: {} });
    // A longer or shorter password is just as wrong.
    const longer = newRequest({ "User-Name": "alice", "User-Password": `${PASSWORD}!` });
    assert.equal(exchange(longer, credential).result.ok, false);
  });

  test(`MS-CHAP v2 against the ${name}: MS-CHAP2-Success and MPPE keys the client verifies`, () => {
    const request = newRequest();
    const context = addMsChapV2(request, { password: PASSWORD });
    const { result, reply } = exchange(request, credential);
    assert.equal(result.ok, true);
    assert.equal(result.method, "mschapv2");
    const success = reply.get("MS-CHAP2-Success");
    assert.ok(success instanceof Uint8Array);
    assert.equal(success[0], context.ident);
    assert.match(text.decode(success.subarray(1)), /^S=[0-9A-F]{40}$/);
    // The keys went out hidden with the secret and came back revealed.
    const keys = msChapV2MppeKeys(ntPasswordHash(PASSWORD), context.ntResponse);
    assert.deepEqual(reply.get("MS-MPPE-Send-Key"), keys.sendKey);
    assert.deepEqual(reply.get("MS-MPPE-Recv-Key"), keys.recvKey);
    assert.equal(reply.get("MS-MPPE-Encryption-Policy"), "Encryption-Allowed");
    assert.equal(reply.get("MS-MPPE-Encryption-Types"), "RC4-40or128-bit-Allowed");
    assert.deepEqual(verifyMsChapV2Success(reply, context), { ok: true, keys });
  });

  test(`MS-CHAP v2 against the ${name}: a wrong password gets MS-CHAP-Error E=691`, () => {
    const request = newRequest();
    const context = addMsChapV2(request, { password: "wrong" });
    const { result, reply } = exchange(request, credential);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? undefined : result.reason, "wrong-password");
    assert.equal(reply.code, Code.AccessReject);
    assert.equal(reply.has("MS-CHAP2-Success"), false);
    assert.equal(reply.has("MS-MPPE-Send-Key"), false);
    const error = reply.getRaw("MS-CHAP-Error")!;
    assert.equal(error[0], context.ident);
    assert.match(
      text.decode(error.subarray(1)),
      /^E=691 R=0 C=[0-9A-F]{32} V=3 M=Authentication failed$/,
    );
    const verified = verifyMsChapV2Success(reply, context);
    assert.equal(verified.ok, false);
    if (!verified.ok) {
      assert.equal(verified.reason, "rejected");
      assert.equal(verified.error?.code, 691);
      assert.equal(verified.error?.retry, false);
      assert.equal(verified.error?.version, 3);
      assert.equal(verified.error?.message, "Authentication failed");
    }
  });

  test(`MS-CHAP v1 against the ${name}: MS-CHAP-MPPE-Keys, and MS-CHAP-Error for a wrong password`, () => {
    const request = newRequest();
    const context = addMsChapV1(request, { password: PASSWORD });
    const good = exchange(request, credential);
    assert.equal(good.result.ok, true);
    assert.equal(good.result.method, "mschap");
    assert.deepEqual(
      good.reply.get("MS-CHAP-MPPE-Keys"),
      msChapV1MppeKeys(ntPasswordHash(PASSWORD)),
    );
    assert.equal(good.reply.getRaw("MS-CHAP-MPPE-Keys")?.length, 32); // hidden: padded to 32
    const verified = verifyMsChapV1Reply(good.reply, context);
    assert.equal(verified.ok, true);
    if (verified.ok) {
      assert.deepEqual(verified.ntKey, msChapV1MppeKeys(ntPasswordHash(PASSWORD)).subarray(8));
    }

    const wrongRequest = newRequest();
    const wrongContext = addMsChapV1(wrongRequest, { password: "wrong" });
    const bad = exchange(wrongRequest, credential);
    assert.equal(bad.result.ok ? undefined : bad.result.reason, "wrong-password");
    const error = bad.reply.getRaw("MS-CHAP-Error")!;
    assert.equal(error[0], wrongContext.ident);
    assert.equal(text.decode(error.subarray(1)), "E=691 R=0");
    const rejected = verifyMsChapV1Reply(bad.reply, wrongContext);
    assert.equal(rejected.ok ? undefined : rejected.error?.code, 691);
  });
}

test("CHAP against the cleartext is accepted; against only the NT hash it needs the cleartext", () => {
  const request = newRequest();
  addChapPassword(request, PASSWORD);
  assert.deepEqual(exchange(request, cleartext).result, { ok: true, method: "chap", reply: {} });
  assert.deepEqual(exchange(request, hashOnly).result, {
    ok: false,
    method: "chap",
    reason: "needs-cleartext",
    reply: {},
  });
  const wrong = newRequest();
  addChapPassword(wrong, "wrong");
  assert.equal(exchange(wrong, cleartext).result.ok ? "" : "wrong-password", "wrong-password");
});

test("MS-CHAP v2 with the RFC 2759 §9.2 values gives exactly the RFC's response and S= value", () => {
  const request = newRequest({ "User-Name": "User" });
  addMsChapV2(request, {
    password: "clientPass",
    ident: 1,
    authenticatorChallenge: bytes("5B5D7C7D7B3F2F3E3C2C602132262628"),
    peerChallenge: bytes("21402324255E262A28295F2B3A337C7E"),
  });
  assert.equal(
    hex(request.get("MS-CHAP2-Response")!),
    "0100" + "21402324255E262A28295F2B3A337C7E" + "0000000000000000" +
      "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF",
  );
  const { reply } = exchange(request, { ntHash: bytes("44EBBA8D5312B8D611474411F56989AE") });
  assert.equal(
    text.decode(reply.get("MS-CHAP2-Success")!),
    "\x01S=407A5589115FD0D6209F510FE9C04566932CDA56",
  );
  assert.equal(hex(reply.get("MS-MPPE-Send-Key")!), "8B7CDC149B993A1BA118CB153F56DCCB");
});

test("MS-CHAP v1 builds an NT-only MS-CHAP-Response: LM-Response zero, Flags 1 (RFC 2548 §2.1.3)", () => {
  const request = newRequest({ "User-Name": "User" });
  addMsChapV1(request, { password: "MyPw", ident: 5, challenge: bytes("102DB5DF085D3041") });
  assert.equal(hex(request.get("MS-CHAP-Challenge")!), "102DB5DF085D3041");
  assert.equal(
    hex(request.get("MS-CHAP-Response")!),
    "0501" + "00".repeat(24) + "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61",
  );
});

test("the MPPE options: none at all, or encryption required and 128-bit only", () => {
  const request = newRequest();
  const context = addMsChapV2(request, { password: PASSWORD });
  const without = exchange(request, cleartext, { mppe: false });
  assert.deepEqual(Object.keys(without.result.reply), ["MS-CHAP2-Success"]);
  assert.equal(verifyMsChapV2Success(without.reply, context).ok, true);
  const strict = exchange(request, cleartext, {
    requireEncryption: true,
    requireStrongEncryption: true,
  });
  assert.equal(strict.reply.get("MS-MPPE-Encryption-Policy"), "Encryption-Required");
  assert.equal(strict.reply.get("MS-MPPE-Encryption-Types"), "RC4-128bit-Allowed");
  const v1 = newRequest();
  addMsChapV1(v1, { password: PASSWORD });
  assert.deepEqual(exchange(v1, cleartext, { mppe: false }).result.reply, {});
});

test("a DOMAIN\\ prefix in User-Name is left out of the MS-CHAP v2 hashes on both sides", () => {
  const request = newRequest({ "User-Name": "EXAMPLE\\alice" });
  const context = addMsChapV2(request, { password: PASSWORD });
  const { result, reply } = exchange(request, cleartext);
  assert.equal(result.ok, true);
  assert.equal(verifyMsChapV2Success(reply, context).ok, true);
});

/** Runs verifyPassword on `request` as received and returns the reason it gives. */
function reasonFor(request: Request, credential: PasswordCredential = cleartext): string {
  const result = verifyPassword(overTheWire(request), credential);
  return result.ok ? "ok" : result.reason;
}

/** Replaces attribute `name` with raw bytes under its number, bypassing the type's length check. */
function replaceRaw(
  request: Request,
  name: "MS-CHAP-Response" | "MS-CHAP2-Response",
  number: RawAttributeName,
  value: Uint8Array,
): void {
  request.delete(name);
  request.add(number, value);
}

test("malformed MS-CHAP attributes give ok: false, reason malformed, without throwing", () => {
  const v2 = (edit: (request: Request) => void) => {
    const request = newRequest();
    addMsChapV2(request, { password: PASSWORD });
    edit(request);
    return reasonFor(request);
  };
  assert.equal(v2(() => {}), "ok");
  assert.equal(
    v2((r) => replaceRaw(r, "MS-CHAP2-Response", "Attr-26.311.25", new Uint8Array(49))),
    "malformed",
  );
  assert.equal(
    v2((r) => replaceRaw(r, "MS-CHAP2-Response", "Attr-26.311.25", new Uint8Array(51))),
    "malformed",
  );
  // An empty attribute does not survive decoding: then there is no response at all.
  assert.equal(
    v2((r) => replaceRaw(r, "MS-CHAP2-Response", "Attr-26.311.25", new Uint8Array(0))),
    "no-password",
  );
  assert.equal(v2((r) => r.set("MS-CHAP-Challenge", new Uint8Array(8))), "malformed");
  assert.equal(v2((r) => r.set("MS-CHAP-Challenge", new Uint8Array(17))), "malformed");
  assert.equal(v2((r) => r.delete("MS-CHAP-Challenge")), "malformed");
  assert.equal(v2((r) => r.delete("User-Name")), "malformed");
  // A different challenge is simply a wrong response.
  assert.equal(v2((r) => r.set("MS-CHAP-Challenge", new Uint8Array(16))), "wrong-password");

  const v1 = (edit: (request: Request) => void) => {
    const request = newRequest();
    addMsChapV1(request, { password: PASSWORD });
    edit(request);
    return reasonFor(request);
  };
  assert.equal(v1(() => {}), "ok");
  assert.equal(
    v1((r) => replaceRaw(r, "MS-CHAP-Response", "Attr-26.311.1", new Uint8Array(49))),
    "malformed",
  );
  assert.equal(v1((r) => r.set("MS-CHAP-Challenge", new Uint8Array(16))), "malformed");
  assert.equal(v1((r) => r.delete("MS-CHAP-Challenge")), "malformed");
  // Flags 0: "use the LM-Response", which is not checked.
  assert.equal(
    v1((r) => {
      const response = r.get("MS-CHAP-Response")!.slice();
      response[1] = 0;
      r.set("MS-CHAP-Response", response);
    }),
    "lm-response",
  );
  const chap = newRequest();
  chap.add("Attr-3", new Uint8Array(16));
  assert.equal(reasonFor(chap), "malformed");
});

test("no password, several methods, and PAP without the secret are refused with a reason", () => {
  assert.equal(reasonFor(newRequest()), "no-password");
  const both = newRequest({ "User-Name": "alice", "User-Password": PASSWORD });
  addMsChapV2(both, { password: PASSWORD });
  assert.equal(reasonFor(both), "several-methods");
  const pap = newRequest({ "User-Name": "alice", "User-Password": PASSWORD });
  const hidden = Packet.decode(pap.encode(secret), { dictionary });
  const result = verifyPassword(hidden, cleartext);
  assert.deepEqual(result, { ok: false, method: "pap", reason: "malformed", reply: {} });
});

test("verifyPassword() never throws on random MS-CHAP, CHAP and password attributes (fast-check)", () => {
  const attributeNames = [
    "Attr-26.311.1",
    "Attr-26.311.25",
    "Attr-26.311.11",
    "Attr-3",
    "Attr-1",
  ] as const;
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          name: fc.constantFrom(...attributeNames),
          value: fc.uint8Array({ maxLength: 60 }),
        }),
        { maxLength: 4 },
      ),
      fc.boolean(),
      (attributes, withHash) => {
        const request = newRequest({});
        for (const { name, value } of attributes) request.add(name, value);
        const received = overTheWire(request);
        const result = verifyPassword(received, withHash ? hashOnly : cleartext);
        assert.equal(result.ok, false);
        // Whatever came in, the answer encodes.
        answer(request, received, result);
      },
    ),
    { numRuns: 300 },
  );
});

test("verifyPassword() refuses a credential that is neither a password nor a 16-byte NT hash", () => {
  const request = newRequest({ "User-Name": "alice", "User-Password": PASSWORD });
  const bad = [{}, { ntHash: new Uint8Array(15) }, { password: 42 }, null];
  for (const credential of bad) {
    assert.throws(() => verifyPassword(request, credential as PasswordCredential), TypeError);
  }
});
