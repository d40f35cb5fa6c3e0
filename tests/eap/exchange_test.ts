// The Access-Challenge loop (RFC 3579 §2.1): the client's next Access-Request
// (nextEapRequest) and the server's reply (eapReply), through real encoded
// datagrams with a shared secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { EapCode } from "../../src/eap/code.ts";
import { readEap, setEapMessage } from "../../src/eap/eap_message.ts";
import { eapReply } from "../../src/eap/eap_reply.ts";
import { nextEapRequest } from "../../src/eap/next_request.ts";
import { type EapDataPacket, encodeEap } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";

const dictionary = Dictionary.default();
const secret = "s3cret";
const secretBytes = new TextEncoder().encode(secret);

function response(identifier: number, type: number, length: number): EapDataPacket {
  const data = Uint8Array.from({ length }, (_, i) => (i + identifier) & 0xff);
  return { code: EapCode.Response, identifier, type, data };
}

function request(identifier: number, type: number, length: number): EapDataPacket {
  return { ...response(identifier, type, length), code: EapCode.Request };
}

test("a whole conversation: identity, two challenges with State, then Success", () => {
  // The NAS's first Access-Request: EAP-Response/Identity.
  const first = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "NAS-IP-Address": "192.0.2.1",
    "Calling-Station-Id": "02-00-00-00-00-01",
  });
  setEapMessage(first, {
    code: EapCode.Response,
    identifier: 0,
    type: EapType.Identity,
    data: new TextEncoder().encode("bob"),
  });
  let sent = first;
  let datagram = first.encode(secret);

  for (const [round, state] of [[1, "0x0101"], [2, "0x0202020202"]] as const) {
    // The server verifies, decodes, and challenges with a State.
    assert.equal(checkRequest(datagram, secretBytes, true), undefined);
    const received = Packet.decode(datagram, { dictionary, secret });
    assert.equal(readEap(received)?.identifier, round - 1);
    const challenge = eapReply(received, request(round, EapType.MD5Challenge, 300 * round), {
      "State": state,
    });
    assert.equal(challenge.code, Code.AccessChallenge);
    const challengeBytes = challenge.encode(secret);
    assert.equal(checkResponse(challengeBytes, secretBytes, sent.authenticator, true), undefined);

    // The NAS decodes the challenge and answers it.
    const answered = Packet.decode(challengeBytes, { dictionary, secret, request: sent });
    assert.deepEqual(readEap(answered), request(round, EapType.MD5Challenge, 300 * round));
    const next = nextEapRequest(sent, answered, response(round, EapType.MD5Challenge, 17));
    assert.notDeepEqual(next.authenticator, sent.authenticator);
    assert.deepEqual(next.attributes().map((attr) => attr.name), [
      "User-Name",
      "NAS-IP-Address",
      "Calling-Station-Id",
      "State",
      "EAP-Message",
    ]);
    assert.deepEqual(next.get("State"), answered.get("State"));
    sent = next;
    datagram = next.encode(secret);
  }

  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
  const last = Packet.decode(datagram, { dictionary, secret });
  assert.deepEqual(last.get("State"), new Uint8Array([2, 2, 2, 2, 2]));
  assert.equal(last.getAll("State").length, 1);
  assert.deepEqual(readEap(last), response(2, EapType.MD5Challenge, 17));
  const accept = eapReply(last, { code: EapCode.Success, identifier: 2 }, {
    "Session-Timeout": 3600,
  }).encode(secret);
  assert.equal(checkResponse(accept, secretBytes, sent.authenticator, true), undefined);
  const done = Packet.decode(accept, { dictionary, secret, request: sent });
  assert.equal(done.code, Code.AccessAccept);
  assert.equal(done.get("Session-Timeout"), 3600);
  assert.deepEqual(readEap(done), { code: EapCode.Success, identifier: 2 });
});

test("nextEapRequest copies the challenge's State unmodified, and none when it has none", () => {
  const first = setEapMessage(
    Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob", "State": "0x99" }),
    response(0, EapType.Identity, 3),
  );
  const state = Uint8Array.from({ length: 253 }, (_, i) => 255 - i);
  const withState = first.reply(Code.AccessChallenge, { "State": state });
  setEapMessage(withState, request(1, EapType.GTC, 0));
  const received = Packet.decode(withState.encode(secret), { dictionary, secret, request: first });
  const next = nextEapRequest(first, received, response(1, EapType.GTC, 4));
  assert.deepEqual(next.getAll("State"), [state]);

  const withoutState = setEapMessage(first.reply(Code.AccessChallenge), request(1, EapType.GTC, 0));
  assert.equal(
    nextEapRequest(first, withoutState, response(1, EapType.GTC, 4)).has("State"),
    false,
  );
});

test("nextEapRequest leaves out the previous request's Message-Authenticator and EAP-Message", () => {
  // A request decoded from the wire holds its Message-Authenticator.
  const built = setEapMessage(
    Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }),
    response(0, EapType.Identity, 600),
  );
  const previous = Packet.decode(built.encode(secret), { dictionary, secret });
  assert.equal(previous.has("Message-Authenticator"), true);
  const challenge = setEapMessage(previous.reply(Code.AccessChallenge), request(1, 4, 17));
  const next = nextEapRequest(previous, challenge, encodeEap(response(1, 4, 17)));
  assert.deepEqual(next.attributes().map((attr) => attr.name), ["User-Name", "EAP-Message"]);
  assert.deepEqual(readEap(next), response(1, 4, 17));
  const datagram = next.encode(secret);
  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
});

test("nextEapRequest refuses what is no Access-Request or no Access-Challenge", () => {
  const first = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  const eap = response(1, 4, 17);
  for (const code of [Code.AccessAccept, Code.AccessReject]) {
    assert.throws(() => nextEapRequest(first, first.reply(code), eap), {
      name: "TypeError",
      message: /Only an Access-Challenge/,
    });
  }
  const accounting = Packet.create(Code.AccountingRequest, dictionary, {});
  assert.throws(
    () => nextEapRequest(accounting, accounting.reply(Code.AccessChallenge), eap),
    { name: "TypeError", message: /continues an Access-Request/ },
  );
});

test("eapReply: Request → Access-Challenge, Success → Access-Accept, Failure → Access-Reject", () => {
  const received = Packet.create(Code.AccessRequest, dictionary, {});
  assert.equal(eapReply(received, request(1, 4, 17)).code, Code.AccessChallenge);
  assert.equal(eapReply(received, new Uint8Array([3, 1, 0, 4])).code, Code.AccessAccept);
  assert.equal(
    eapReply(received, { code: EapCode.Failure, identifier: 1 }).code,
    Code.AccessReject,
  );
  for (const eap of [response(1, 4, 1), { ...request(1, 4, 1), code: EapCode.Initiate }] as const) {
    assert.throws(() => eapReply(received, eap as EapDataPacket), {
      name: "RangeError",
      message: /Request, Success or Failure/,
    });
  }
});
