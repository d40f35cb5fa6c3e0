// What a hostile or broken peer can do to the TLS methods (EAP-TLS, PEAP,
// EAP-TTLS) of an EapServer, driven by hand: bytes that are no TLS, a flood
// of fragments, a conversation abandoned mid-handshake, and many half-open
// conversations. Each ends in an Access-Reject counted by its reason; the
// live TLS sessions stay within maxSessions and expire after sessionTimeout.
// (bench/eap_half_open.ts measures the memory of 10,000 half-open ones.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TLSSocket } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Code } from "../../../src/codec/code.ts";
import type { EapMethodName } from "../../../src/eap/methods/method.ts";
import { EapServer, type EapServerOptions } from "../../../src/eap/server/eap_server.ts";
import type { EapTlsServerOptions } from "../../../src/eap/tls/eap_tls_server.ts";
import { encodeEapTlsFrame } from "../../../src/eap/tls/frame.ts";
import { EapType } from "../../../src/eap/type.ts";
import type { Packet } from "../../../src/packet.ts";
import { answer as answerByHand, begin as beginByHand } from "./_by_hand.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), "utf8");
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";
const engine = nodeTlsEngine();
const skip = hasExporter
  ? false
  : "the server stops before any TLS where node:tls has no exporter (Deno 2.9)";

const TYPES = { tls: EapType.TLS, peap: EapType.PEAP, ttls: EapType.TTLS } as const;
type TlsMethod = keyof typeof TYPES;
const METHODS: readonly TlsMethod[] = ["tls", "peap", "ttls"];

function server(
  method: TlsMethod,
  tls: Partial<EapTlsServerOptions> = {},
  more: Partial<EapServerOptions> = {},
): EapServer {
  return new EapServer({
    credentials: () => ({ password: "hello" }),
    methods: [method as EapMethodName],
    tls: {
      engine,
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      ca: fixture("ca.pem"),
      ...tls,
    },
    ...more,
  });
}

const begin = (eap: EapServer) => beginByHand(eap, "bob");
const answer = (eap: EapServer, method: TlsMethod, challenge: Packet, typeData: Uint8Array) =>
  answerByHand(eap, challenge, TYPES[method], typeData, "bob");

/** A peer's first flight: a real ClientHello. */
async function clientHello(): Promise<{ records: Uint8Array; destroy(): void }> {
  const peer = engine.open({ role: "client", ca: fixture("ca.pem") });
  const { records } = await peer.receive(new Uint8Array(0));
  return { records, destroy: () => peer.destroy() };
}

for (const method of METHODS) {
  test(`${method}: bytes that are no TLS get the alert, then an Access-Reject (tls-failed)`, {
    skip,
  }, async () => {
    const eap = server(method);
    const garbage = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: radius.test\r\n\r\n");
    const start = await begin(eap);
    assert.equal(start.code, Code.AccessChallenge);
    const refused = await answer(eap, method, start, encodeEapTlsFrame({ data: garbage }));
    const final = refused.code === Code.AccessChallenge
      ? await answer(eap, method, refused, encodeEapTlsFrame({}))
      : refused;
    assert.equal(final.code, Code.AccessReject);
    assert.equal(eap.stats().rejectedBy["tls-failed"], 1);
    assert.equal(eap.stats().accepted, 0);
  });

  test(`${method}: a flood of fragments ends at maxRounds, at 128 fragments, or at 64 KiB`, {
    skip,
  }, async () => {
    const flood = async (eap: EapServer, size: number, max: number): Promise<Packet> => {
      let challenge = await begin(eap);
      for (let round = 0; round < max; round++) {
        const reply = await answer(
          eap,
          method,
          challenge,
          encodeEapTlsFrame({ more: true, data: new Uint8Array(size).fill(22) }),
        );
        if (reply.code !== Code.AccessChallenge) return reply;
        challenge = reply;
      }
      throw new Error(`no end after ${max} fragments`);
    };
    const rounds = server(method);
    assert.equal((await flood(rounds, 100, 1_000)).code, Code.AccessReject);
    assert.equal(rounds.stats().rejectedBy["too-many-rounds"], 1);
    assert.equal(rounds.stats().challenges, 50, "the Start and 49 acknowledgements: 50 rounds");

    const many = server(method, {}, { maxRounds: 1_000 });
    assert.equal((await flood(many, 100, 1_000)).code, Code.AccessReject);
    assert.equal(many.stats().rejectedBy["tls-too-many-fragments"], 1);

    const large = server(method, {}, { maxRounds: 1_000 });
    assert.equal((await flood(large, 1_400, 1_000)).code, Code.AccessReject);
    assert.equal(large.stats().rejectedBy["tls-message-too-long"], 1);
  });

  test(`${method}: a conversation abandoned mid-handshake expires with its TLS session`, {
    skip,
  }, async () => {
    // The TLS session expires first: the conversation's next Response finds it gone.
    const eap = server(method, { sessionTimeout: 30 });
    const hello = await clientHello();
    try {
      const first = await answer(
        eap,
        method,
        await begin(eap),
        encodeEapTlsFrame({
          data: hello.records,
        }),
      );
      assert.equal(first.code, Code.AccessChallenge);
      await sleep(80);
      await begin(eap); // a new conversation sweeps the expired sessions
      const late = await answer(eap, method, first, encodeEapTlsFrame({}));
      assert.equal(late.code, Code.AccessReject);
      assert.equal(eap.stats().rejectedBy["tls-failed"], 1);
    } finally {
      hello.destroy();
    }
    // The conversation itself expires: its State is unknown.
    const short = server(method, {}, { conversationTimeout: 30 });
    const start = await begin(short);
    await sleep(80);
    const stale = await answer(short, method, start, encodeEapTlsFrame({ data: hello.records }));
    assert.equal(stale.code, Code.AccessReject);
    assert.equal(short.stats().rejectedBy["unknown-state"], 1);
  });

  test(`${method}: past maxSessions half-open conversations, the oldest are dropped`, {
    skip,
  }, async () => {
    const maxSessions = 16;
    const eap = server(method, { maxSessions });
    const hello = await clientHello();
    try {
      const open: Packet[] = [];
      for (let i = 0; i < 3 * maxSessions; i++) {
        const reply = await answer(
          eap,
          method,
          await begin(eap),
          encodeEapTlsFrame({
            more: true,
            messageLength: hello.records.length,
            data: hello.records.subarray(0, 64),
          }),
        );
        assert.equal(reply.code, Code.AccessChallenge);
        open.push(reply);
      }
      const rest = encodeEapTlsFrame({ data: hello.records.subarray(64) });
      // The newest is alive: its ClientHello completes and the server answers it.
      const newest = await answer(eap, method, open.at(-1)!, rest);
      assert.equal(newest.code, Code.AccessChallenge);
      // The oldest lost its session to the bound.
      const oldest = await answer(eap, method, open[0]!, rest);
      assert.equal(oldest.code, Code.AccessReject);
      assert.equal(eap.stats().rejectedBy["tls-failed"], 1);
    } finally {
      hello.destroy();
    }
  });
}
