// The conversation store: bounded in entries and in time under a flood of new
// conversations, and pluggable (a store that keeps JSON text, as a shared
// cache would, runs whole conversations).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Code } from "../../src/codec/code.ts";
import { EapServer } from "../../src/eap/server/eap_server.ts";
import {
  type EapConversation,
  type EapConversationStore,
  MemoryEapConversationStore,
} from "../../src/eap/server/conversation_store.ts";
import { EapType } from "../../src/eap/type.ts";
import { accessRequest, challengeOf, identity, response } from "./_direct.ts";
import { rig, users } from "./_rig.ts";

const conversation: EapConversation = {
  identity: "bob",
  identifier: 1,
  method: "md5",
  methodState: {},
  tried: ["md5"],
  nakAllowed: true,
  rounds: 1,
};

test("10,000 new conversations: the store keeps at most maxEntries, the newest", async () => {
  const store = new MemoryEapConversationStore({ maxEntries: 1000 });
  const eap = new EapServer({ credentials: (name) => users.get(name), store, methods: ["md5"] });
  const rssBefore = process.memoryUsage().rss;
  const states: { state: Uint8Array; identifier: number }[] = [];
  for (let i = 0; i < 10_000; i++) {
    const { eap: md5, state } = challengeOf(
      await eap.handle(accessRequest(identity(`user${i}`, i & 0xff))),
    );
    if (i === 0 || i === 9_999) states.push({ state, identifier: md5.identifier });
    assert.ok(store.size <= 1000);
  }
  const rssAfter = process.memoryUsage().rss;
  console.log(
    `10,000 conversations, store bound 1,000: ${store.size} kept; RSS ${
      (rssBefore / 2 ** 20).toFixed(1)
    } MiB -> ${(rssAfter / 2 ** 20).toFixed(1)} MiB`,
  );
  assert.equal(store.size, 1000);
  assert.equal(eap.stats().started, 10_000);
  // The first was forgotten; the last is still there.
  const [first, last] = states;
  const stale = await eap.handle(
    accessRequest(
      response(first!.identifier, EapType.MD5Challenge, new Uint8Array(17)),
      first!.state,
    ),
  );
  assert.equal(stale?.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["unknown-state"], 1);
  const fresh = await eap.handle(
    accessRequest(
      response(last!.identifier, EapType.MD5Challenge, new Uint8Array(17)),
      last!.state,
    ),
  );
  assert.equal(eap.stats().rejectedBy["unknown-state"], 1);
  assert.equal(fresh?.code, Code.AccessReject); // a wrong answer, but to a live conversation
  assert.equal(eap.stats().rejectedBy["bad-method-data"], 1);
});

test("expired entries are dropped as new ones come, so time bounds the store too", () => {
  let now = 0;
  const store = new MemoryEapConversationStore({ maxEntries: 100, now: () => now });
  for (let i = 0; i < 50; i++) store.set(`a${i}`, conversation, 1000);
  assert.equal(store.size, 50);
  now = 999;
  assert.equal(store.get("a0"), conversation);
  now = 1000;
  store.set("b0", conversation, 1000);
  assert.equal(store.size, 1);
  assert.equal(store.get("a49"), undefined);
  store.delete("b0");
  assert.equal(store.size, 0);
  assert.throws(() => new MemoryEapConversationStore({ maxEntries: 0 }), RangeError);
});

test("a store that keeps JSON text runs whole conversations of every method", async () => {
  const texts = new Map<string, string>();
  const ttls: number[] = [];
  // Every call answers asynchronously, as a client of a cache server would.
  const store: EapConversationStore = {
    get: (key) => {
      const text = texts.get(key);
      return Promise.resolve(text === undefined ? undefined : JSON.parse(text) as EapConversation);
    },
    set: (key, value, ttl) => {
      ttls.push(ttl);
      texts.set(key, JSON.stringify(value));
      return Promise.resolve();
    },
    delete: (key) => {
      texts.delete(key);
      return Promise.resolve();
    },
  };
  const { client, close } = await rig({ store, conversationTimeout: 5000 });
  try {
    for (const method of ["md5", "gtc", "mschapv2"] as const) {
      const result = await client.eap({ identity: "bob", method, password: "hello" });
      assert.equal(result.reply.code, Code.AccessAccept, method);
    }
    assert.equal(texts.size, 0); // every State used up
    assert.ok(ttls.length > 0 && ttls.every((ttl) => ttl === 5000));
  } finally {
    await close();
  }
});
