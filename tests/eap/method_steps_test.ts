// The methods' own steps, without RADIUS: the MD5-Challenge value, the
// EAP-MSCHAPv2 packets (OpCodes, MS-CHAPv2-ID, MS-Length, S= and E=691 texts)
// and its MSK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md5ChallengeValue } from "../../src/eap/methods/md5_challenge.ts";
import type { ServerMethodContext, ServerStep } from "../../src/eap/methods/method.ts";
import { msChapV2Peer, msChapV2Server } from "../../src/eap/methods/mschapv2.ts";
import { gtcPeer, gtcServer } from "../../src/eap/methods/gtc.ts";
import type { PasswordCredential } from "../../src/mschap/credential.ts";

const text = new TextDecoder();

function context(
  identity: string,
  identifier: number,
  credential: PasswordCredential | undefined,
): ServerMethodContext {
  return {
    identity,
    identifier,
    gtcPrompt: "Password: ",
    credentials: () => Promise.resolve(credential),
    credentialsOf: () => Promise.resolve(undefined),
    innerMethods: ["mschapv2", "gtc", "md5"],
  };
}

test("MD5-Challenge: MD5 of the Identifier, the password and the challenge (RFC 3748 §5.4)", () => {
  const challenge = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
  const expected = createHash("md5")
    .update(new Uint8Array([42]))
    .update("hello")
    .update(challenge)
    .digest();
  assert.deepEqual(md5ChallengeValue(42, "hello", challenge), new Uint8Array(expected));
});

test("EAP-MSCHAPv2: Challenge, Response, Success Request with S=, Success, and the MSK", async () => {
  const credential = { password: "hello" };
  const started = msChapV2Server.start(context("bob", 7, credential));
  const challenge = started.data;
  // OpCode 1, MS-CHAPv2-ID = the EAP Identifier, MS-Length = the Type-Data's length.
  assert.deepEqual([...challenge.subarray(0, 5)], [1, 7, 0, challenge.length, 16]);
  assert.equal(text.decode(challenge.subarray(21)), "radkit");

  const peer = msChapV2Peer("bob", "hello");
  const answer = peer.respond(7, challenge);
  assert.deepEqual([...answer.subarray(0, 5)], [2, 7, 0, answer.length, 49]);
  assert.deepEqual(answer.subarray(21, 29), new Uint8Array(8)); // Reserved
  assert.equal(answer[53], 0); // Flags
  assert.equal(text.decode(answer.subarray(54)), "bob");
  assert.equal(peer.finished, false);

  const success = await msChapV2Server.step(started.state, answer, context("bob", 8, credential));
  assert.equal(success.next, "request");
  const request = success as Extract<ServerStep, { next: "request" }>;
  // The Success Request repeats the Response's MS-CHAPv2-ID.
  assert.deepEqual([...request.data.subarray(0, 4)], [3, 7, 0, request.data.length]);
  assert.match(text.decode(request.data.subarray(4)), /^S=[0-9A-F]{40} M=OK$/);

  assert.deepEqual(peer.respond(8, request.data), new Uint8Array([3]));
  assert.equal(peer.finished, true);
  const done = await msChapV2Server.step(
    request.state,
    new Uint8Array([3]),
    context("bob", 9, credential),
  );
  assert.equal(done.next, "success");
  const msk = (done as Extract<ServerStep, { next: "success" }>).msk;
  assert.equal(msk?.length, 32);
  assert.deepEqual(peer.msk, msk);
});

test("EAP-MSCHAPv2: a wrong password or another Name gets E=691 R=0 C=… V=3", async () => {
  for (const [name, password] of [["bob", "wrong"], ["DOMAIN\\alice", "hello"]] as const) {
    const credential = { password: "hello" };
    const started = msChapV2Server.start(context("bob", 1, credential));
    const answer = msChapV2Peer(name, password).respond(1, started.data);
    const failure = await msChapV2Server.step(started.state, answer, context("bob", 2, credential));
    assert.equal(failure.next, "request");
    const data = (failure as Extract<ServerStep, { next: "request" }>).data;
    assert.deepEqual([...data.subarray(0, 4)], [4, 1, 0, data.length]);
    assert.match(text.decode(data.subarray(4)), /^E=691 R=0 C=[0-9A-F]{32} V=3 M=/);
    const peer = msChapV2Peer(name, password);
    peer.respond(1, started.data);
    assert.deepEqual(peer.respond(2, data), new Uint8Array([4]));
    assert.equal(peer.finished, false);
    const end = await msChapV2Server.step(
      (failure as Extract<ServerStep, { next: "request" }>).state,
      new Uint8Array([4]),
      context("bob", 3, credential),
    );
    assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
  }
  // A DOMAIN\ prefix on both sides is left out of the hash (RFC 2759 §8.2) and accepted.
  const credential = { password: "hello" };
  const started = msChapV2Server.start(context("EXAMPLE\\bob", 1, credential));
  const answer = msChapV2Peer("EXAMPLE\\bob", "hello").respond(1, started.data);
  const success = await msChapV2Server.step(
    started.state,
    answer,
    context("EXAMPLE\\bob", 2, credential),
  );
  assert.equal(success.next, "request");
  assert.equal((success as Extract<ServerStep, { next: "request" }>).data[0], 3);
});

test("EAP-MSCHAPv2 peer: malformed Requests are refused with bad-method-data", () => {
  const peer = msChapV2Peer("bob", "hello");
  assert.throws(() => peer.respond(1, new Uint8Array([1, 1, 0])), { reason: "bad-method-data" });
  assert.throws(() => peer.respond(1, new Uint8Array([1, 1, 0, 5, 8])), {
    reason: "bad-method-data",
  });
  assert.throws(() => peer.respond(1, new Uint8Array([9, 1, 0, 4])), { reason: "bad-method-data" });
  // A Success Request before any Challenge proves nothing: refused with Failure.
  assert.deepEqual(
    peer.respond(
      1,
      new TextEncoder().encode("\x03\x01\x00\x2eS=0000000000000000000000000000000000000000"),
    ),
    new Uint8Array([4]),
  );
});

test("GTC: the prompt, the password in clear", async () => {
  const started = gtcServer.start(context("bob", 1, { password: "hello" }));
  assert.equal(text.decode(started.data), "Password: ");
  const answer = gtcPeer("hello").respond(1, started.data);
  assert.equal(text.decode(answer), "hello");
  assert.deepEqual(
    await gtcServer.step(started.state, answer, context("bob", 2, { password: "hello" })),
    { next: "success", msk: undefined },
  );
  assert.deepEqual(
    await gtcServer.step(started.state, answer, context("bob", 2, { password: "hellO" })),
    { next: "failure", reason: "authentication-failed" },
  );
});
