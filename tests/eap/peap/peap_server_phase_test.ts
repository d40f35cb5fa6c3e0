// PEAPv0's phase 2 on the server, fed plaintext by hand: every stage
// turns failure for anything malformed or unexpected, and never throws.
// Each call is given the Identifier of the outer EAP-Request that will
// carry what the phase sends next, as the TLS machinery does: the handshake
// ends in outer Request 7, so phase 2 runs in Requests 8, 9, 10, ...
import { test } from "node:test";
import assert from "node:assert/strict";
import { peapPeerPhase } from "../../../src/eap/peap/peap_peer_phase.ts";
import { peapServerPhase } from "../../../src/eap/peap/peap_server_phase.ts";
import { md5Concat } from "../../../src/crypto/md5.ts";
import { MAX_INNER_PLAINTEXT } from "../../../src/eap/peap/inner_eap.ts";
import type { PasswordMethodName } from "../../../src/eap/methods/registry.ts";
import type { TunnelServerPhase, TunnelServerTurn } from "../../../src/eap/tls/tunnel.ts";
import { seededRandom } from "../../_random.ts";
import { fromHex, peerContext, serverContext, toHex } from "./_phases.ts";

const IDENTITY_BOB = fromHex("01 62 6f 62");
const GTC_HELLO = fromHex("06 68 65 6c 6c 6f");
const failure = (
  reason: string,
): TunnelServerTurn => ({ next: "failure", reason } as TunnelServerTurn);

function plaintextOf(turn: TunnelServerTurn): Uint8Array {
  assert.equal(turn.next, "send");
  return (turn as { plaintext: Uint8Array }).plaintext;
}

const sent = (turn: TunnelServerTurn): string => toHex(plaintextOf(turn));

type Stage = "identity" | "method" | "result-success" | "result-failure";

/**
 * The outer Request that carried the last inner Request of each stage:
 * the Identity Request in 8, the method's first Request in 9, the Result in
 * 10. The peer's answer is handed to the phase with the next one.
 */
const SENT_IN: Record<Stage, number> = {
  "identity": 8,
  "method": 9,
  "result-success": 10,
  "result-failure": 10,
};
const NEXT = (stage: Stage): number => SENT_IN[stage] + 1;

/** A server phase brought to `stage` with GTC (or `methods`) for bob/hello. */
async function serverAt(
  stage: Stage,
  methods: readonly PasswordMethodName[] = ["gtc"],
): Promise<TunnelServerPhase> {
  const server = peapServerPhase(serverContext({ bob: { password: "hello" } }, methods).context);
  assert.equal(sent(await server.start(new Uint8Array(0), 8)), "01");
  if (stage === "identity") return server;
  const first = { gtc: "06", mschapv2: "1a", md5: "04" }[methods[0]!];
  assert.equal(sent(await server.receive(IDENTITY_BOB, 9)).slice(0, 2), first);
  if (stage === "method") return server;
  const password = stage === "result-success" ? GTC_HELLO : fromHex("06 6e 6f");
  const result = stage === "result-success" ? "01" : "02";
  assert.equal(sent(await server.receive(password, 10)), `01 0a 00 0b 21 80 03 00 02 00 ${result}`);
  return server;
}

test("start sends the headerless inner Identity Request", async () => {
  const server = peapServerPhase(serverContext({}).context);
  assert.deepEqual(await server.start(new Uint8Array(0), 8), {
    next: "send",
    plaintext: fromHex("01"),
  });
});

test("plaintext before the Identity Request ends the conversation", async () => {
  const server = peapServerPhase(serverContext({}).context);
  assert.deepEqual(await server.start(fromHex("01 62"), 8), failure("bad-method-data"));
});

test("start twice, or receive before start, is a programmer error that says what to do", async () => {
  const server = peapServerPhase(serverContext({}).context);
  await assert.rejects(server.receive(IDENTITY_BOB, 8), /call start\(\) first/);
  await server.start(new Uint8Array(0), 8);
  assert.throws(() => server.start(new Uint8Array(0), 9), /one phase per conversation/);
});

test("each inner Request takes the Identifier of the outer Request carrying it, not a count", async () => {
  // The Result Request keeps its header: its Identifier shows.
  const server = peapServerPhase(serverContext({ bob: { password: "hello" } }, ["gtc"]).context);
  assert.equal(sent(await server.start(new Uint8Array(0), 200)), "01");
  assert.equal(sent(await server.receive(IDENTITY_BOB, 17)).slice(0, 2), "06");
  assert.equal(sent(await server.receive(GTC_HELLO, 255)), "01 ff 00 0b 21 80 03 00 02 00 01");
  // The Response answers Request 255, whatever the outer Identifier now.
  assert.deepEqual(await server.receive(fromHex("02 ff 00 0b 21 80 03 00 02 00 01"), 0), {
    next: "success",
    identity: "bob",
    method: "peap/gtc",
  });
});

test("EAP-MD5: the server checks the hash over the Identifier of the outer Request with its challenge", async () => {
  const hashOver = async (identifier: number) => {
    const server = peapServerPhase(serverContext({ bob: { password: "hello" } }, ["md5"]).context);
    await server.start(new Uint8Array(0), 41);
    // The MD5-Challenge Request in outer Request 42: Type 4, Value-Size 16, the challenge.
    const request = plaintextOf(await server.receive(IDENTITY_BOB, 42));
    assert.deepEqual(Array.from(request.subarray(0, 2)), [4, 16]);
    const challenge = request.subarray(2, 18);
    const value = md5Concat([
      Uint8Array.of(identifier),
      new TextEncoder().encode("hello"),
      challenge,
    ]);
    return sent(await server.receive(Uint8Array.of(4, 16, ...value), 43));
  };
  assert.equal(await hashOver(42), "01 2b 00 0b 21 80 03 00 02 00 01");
  // The Identifier the Request would have had counted from 0, the previous
  // outer one, the next outer one: a wrong hash, told with a Result Failure.
  for (const other of [1, 41, 43]) {
    assert.equal(await hashOver(other), "01 2b 00 0b 21 80 03 00 02 00 02", String(other));
  }
});

test("inner methods that cannot work are refused when the phase is made", () => {
  const make = (methods: unknown) => () =>
    peapServerPhase(serverContext({}, methods as PasswordMethodName[]).context);
  assert.throws(make([]), TypeError);
  assert.throws(make(["tls"]), /"mschapv2", "gtc", "md5"/);
  assert.throws(make(["toString"]), TypeError);
  assert.throws(make(null), TypeError);
});

test("the inner identity: up to 253 octets of UTF-8", async () => {
  const longest = new Uint8Array(254).fill(0x61);
  longest[0] = 1;
  assert.equal((await (await serverAt("identity")).receive(longest, 9)).next, "send");
  const tooLong = new Uint8Array(255).fill(0x61);
  tooLong[0] = 1;
  assert.deepEqual(
    await (await serverAt("identity")).receive(tooLong, 9),
    failure("bad-method-data"),
  );
  assert.deepEqual(
    await (await serverAt("identity")).receive(fromHex("01 ff fe"), 9),
    failure("bad-method-data"),
  );
  // An empty identity is an unknown user: offered the first method.
  assert.equal(
    sent(await (await serverAt("identity")).receive(fromHex("01"), 9)).slice(0, 2),
    "06",
  );
});

const garbage: Record<Exclude<Stage, "result-failure">, [string, string][]> = {
  "identity": [
    ["nothing", ""],
    ["an Expanded Type without its vendor", "fe 00"],
    ["a method's Type", "06 68 65 6c 6c 6f"],
    ["a Nak", "03 1a"],
    ["an Extensions Response", "02 08 00 0b 21 80 03 00 02 00 01"],
  ],
  "method": [
    ["nothing", ""],
    ["an Expanded Type without its vendor", "fe 00 00 00"],
    ["the Identity again", "01 62 6f 62"],
    ["another method's Type", "04 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"],
    ["a Nak listing nothing", "03"],
    ["a Nak asking for Identity", "03 01"],
    ["an Extensions Response", "02 09 00 0b 21 80 03 00 02 00 01"],
  ],
  "result-success": [
    ["nothing", ""],
    ["a method's Type", "06 68 65 6c 6c 6f"],
    // The Result Request went in outer Request 10: its Response must say 10.
    ["another Identifier than the Result Request's", "02 05 00 0b 21 80 03 00 02 00 01"],
    ["the Identifier of the next outer Request", "02 0b 00 0b 21 80 03 00 02 00 01"],
    ["the Identifier of the method's Request", "02 09 00 0b 21 80 03 00 02 00 01"],
    ["a Request's Code", "01 0a 00 0b 21 80 03 00 02 00 01"],
    ["a TLV Length past the end", "02 0a 00 0b 21 80 03 00 03 00 01"],
    ["no Result TLV", "02 0a 00 05 21"],
    ["an unknown mandatory TLV", "02 0a 00 0f 21 80 03 00 02 00 01 80 07 00 00"],
    ["a Result Status of 3", "02 0a 00 0b 21 80 03 00 02 00 03"],
    ["a Nak", "03 1a"],
  ],
};

for (const [stage, cases] of Object.entries(garbage)) {
  for (const [what, hex] of cases) {
    test(`${stage}: ${what} turns failure "bad-method-data"`, async () => {
      const server = await serverAt(stage as Stage);
      const next = NEXT(stage as Stage);
      assert.deepEqual(await server.receive(fromHex(hex), next), failure("bad-method-data"));
      // And the conversation stays over.
      assert.deepEqual(await server.receive(IDENTITY_BOB, next + 1), failure("bad-method-data"));
    });
  }
}

test("plaintext over the bound is refused before the method sees it", async () => {
  const most = new Uint8Array(MAX_INNER_PLAINTEXT).fill(0x61);
  most[0] = 6;
  // GTC compares the password (and it is wrong): a Result Failure follows.
  assert.match(sent(await (await serverAt("method")).receive(most, 10)), /^01 0a 00 0b 21 /);
  const over = new Uint8Array(MAX_INNER_PLAINTEXT + 1).fill(0x61);
  over[0] = 6;
  assert.deepEqual(await (await serverAt("method")).receive(over, 10), failure("bad-method-data"));
  assert.deepEqual(
    await (await serverAt("identity")).receive(over, 9),
    failure("bad-method-data"),
  );
});

test("a Nak after the method's first round is refused", async () => {
  const server = await serverAt("identity", ["mschapv2", "gtc"]);
  const peer = peapPeerPhase({ identity: "bob", password: "hello", method: "mschapv2" })(
    peerContext,
  );
  await peer.receive(fromHex("01"), 8);
  const response = await peer.receive(plaintextOf(await server.receive(IDENTITY_BOB, 9)), 9);
  assert.match(sent(await server.receive(response, 10)), /^1a 03 /);
  assert.deepEqual(await server.receive(fromHex("03 06"), 11), failure("bad-method-data"));
});

test("a Result Failure in answer to the Result Success is the peer's failure", async () => {
  const server = await serverAt("result-success");
  assert.deepEqual(
    await server.receive(fromHex("02 0a 00 0b 21 80 03 00 02 00 02"), 11),
    failure("peer-failure"),
  );
});

test("the Result Success answered, headerless or whole, is a success", async () => {
  for (const hex of ["02 0a 00 0b 21 80 03 00 02 00 01", "21 80 03 00 02 00 01"]) {
    const server = await serverAt("result-success");
    assert.deepEqual(await server.receive(fromHex(hex), 11), {
      next: "success",
      identity: "bob",
      method: "peap/gtc",
    });
    // Nothing more is expected.
    assert.deepEqual(await server.receive(fromHex(hex), 12), failure("bad-method-data"));
  }
});

test("whatever answers a Result Failure, the conversation fails as authentication-failed", async () => {
  for (
    const hex of [
      "02 0a 00 0b 21 80 03 00 02 00 02",
      "02 0a 00 0b 21 80 03 00 02 00 01",
      "02 05 00 0b 21 80 03 00 02 00 02",
      "",
      "ff ff ff",
    ]
  ) {
    const server = await serverAt("result-failure");
    assert.deepEqual(await server.receive(fromHex(hex), 11), failure("authentication-failed"));
  }
});

test("an EAP-MSCHAPv2 peer refusing the server's proof ends as peer-failure, after a Result Failure", async () => {
  const server = await serverAt("identity", ["mschapv2"]);
  const peer = peapPeerPhase({ identity: "bob", password: "hello", method: "mschapv2" })(
    peerContext,
  );
  await peer.receive(fromHex("01"), 8);
  const response = await peer.receive(plaintextOf(await server.receive(IDENTITY_BOB, 9)), 9);
  assert.match(sent(await server.receive(response, 10)), /^1a 03 /);
  // The peer's Failure Response instead of Success (draft-kamath §2.4).
  assert.equal(
    sent(await server.receive(fromHex("1a 04"), 11)),
    "01 0b 00 0b 21 80 03 00 02 00 02",
  );
  assert.deepEqual(
    await server.receive(fromHex("02 0b 00 0b 21 80 03 00 02 00 02"), 12),
    failure("peer-failure"),
  );
});

test("an inner method's data that does not parse ends at once, with no Result TLV", async () => {
  const server = await serverAt("method", ["mschapv2"]);
  assert.deepEqual(
    await server.receive(fromHex("1a 02 09 00 05 00"), 10),
    failure("bad-method-data"),
  );
});

test("a credential lookup that fails comes out, and the phase can be fed again", async () => {
  let calls = 0;
  const fake = serverContext({ bob: { password: "hello" } }, ["gtc"]);
  const server = peapServerPhase({
    ...fake.context,
    credentials: (identity) => {
      calls++;
      return calls === 1
        ? Promise.reject(new Error("directory down"))
        : fake.context.credentials(identity);
    },
  });
  await server.start(new Uint8Array(0), 8);
  await assert.rejects(server.receive(IDENTITY_BOB, 9), /directory down/);
  // The same Response again, for the same next outer Request.
  assert.equal(sent(await server.receive(IDENTITY_BOB, 9)).slice(0, 2), "06");
  assert.equal(sent(await server.receive(GTC_HELLO, 10)), "01 0a 00 0b 21 80 03 00 02 00 01");
  assert.equal(calls, 2);
});

test("random plaintext at every stage never throws and never succeeds", async () => {
  const random = seededRandom(18);
  for (const stage of ["identity", "method", "result-success", "result-failure"] as const) {
    for (let i = 0; i < 200; i++) {
      const plaintext = Uint8Array.from(
        { length: Math.floor(random() * 40) },
        () => Math.floor(random() * 256),
      );
      // A plausible first octet half of the time, to get past the Type checks.
      if (plaintext.length > 0 && random() < 0.5) plaintext[0] = [1, 2, 3, 6, 0x21][i % 5]!;
      const server = await serverAt(stage, ["gtc", "mschapv2", "md5"]);
      const turn = await server.receive(plaintext, NEXT(stage));
      assert.notEqual(turn.next, "success", toHex(plaintext));
    }
  }
});
