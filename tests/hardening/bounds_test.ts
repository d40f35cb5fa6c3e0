// Bounded work under abuse, on the in-memory network where "no answer" is
// provable: requests in flight (server-wide and per client), pending client
// lookups, attributes per packet, the duplicate cache with handlers still
// running, warnings that spoofed sources cannot silence, and error logs
// with a rate limit. Counters are exact: received = replied + resent +
// dropped + inFlight, and every drop has its reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { type NasEntry, Server, type ServerOptions, type ServerStats } from "../../src/server.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkResponse } from "../../src/codec/packet_codec.ts";
import {
  dictionary,
  gate,
  Peer,
  quiet,
  recordingLogger,
  SECRET,
  SECRET_BYTES,
  until,
  withoutMessageAuthenticator,
} from "../server/_helpers.ts";
import { runtime } from "../_udp.ts";
import { collectGarbage, memory } from "../fuzz/_fuzz.ts";

const CLIENTS: NasEntry[] = [{ address: "127.0.0.1", secret: SECRET, name: "nas" }];

interface Rig {
  network: MemoryTransport;
  server: Server;
  peer: Peer;
  logger: ReturnType<typeof recordingLogger>;
  auth: { hostname: string; port: number };
  acct: { hostname: string; port: number };
}

/** A `clients` function that counts its calls and answers with `answer()`. */
function countedLookup<T>(answer: () => T): { clients: () => T; calls: () => number } {
  let calls = 0;
  return {
    clients: () => {
      calls++;
      return answer();
    },
    calls: () => calls,
  };
}

/** Runs `body` against a listening server (auth and acct) and a NAS on 127.0.0.1. */
async function withServer(
  options: Partial<ServerOptions>,
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  const network = new MemoryTransport();
  const logger = recordingLogger();
  const server = new Server({
    transport: network,
    dictionary,
    clients: CLIENTS,
    logger,
    closeTimeout: 0,
    ...options,
  });
  let peer: Peer | undefined;
  try {
    const { auth, acct } = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
    peer = await Peer.open(network);
    await body({ network, server, peer, logger, auth: auth!, acct: acct! });
  } finally {
    await peer?.close();
    await server.close();
  }
}

/** A distinct Accounting-Request per session, encoded. */
function accounting(session: string, secret = SECRET): Uint8Array {
  return Packet.create(Code.AccountingRequest, dictionary, {
    "Acct-Status-Type": "Start",
    "Acct-Session-Id": session,
  }).encode(secret);
}

/** The counters once the network is idle; the identity every snapshot keeps, checked. */
async function idle(rig: Rig): Promise<ServerStats> {
  await rig.network.idle();
  const stats = rig.server.stats();
  assert.equal(stats.received, stats.replied + stats.resent + stats.dropped + stats.inFlight);
  return stats;
}

/** Only the drop reasons that happened. */
function drops(stats: ServerStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.droppedBy).filter(([, count]) => count > 0));
}

const respond = (request: Packet) => request.reply(Code.AccountingResponse);

test("maxInFlight: requests beyond it are dropped as overloaded; their retransmissions are handled", async () => {
  const held = gate();
  const runs: string[] = [];
  await withServer({
    maxInFlight: 5,
    handleAccountingRequest: async (request) => {
      runs.push(String(request.get("Acct-Session-Id")));
      await held.promise;
      return respond(request);
    },
  }, async (rig) => {
    const requests = Array.from({ length: 8 }, (_, i) => accounting(`s${i}`));
    for (const bytes of requests) await rig.peer.send(bytes, rig.acct);
    let stats = await idle(rig);
    assert.equal(stats.inFlight, 5);
    assert.deepEqual(drops(stats), { overloaded: 3 });
    assert.deepEqual(runs, ["s0", "s1", "s2", "s3", "s4"]);

    held.open();
    await quiet(rig.server, 8);
    stats = await idle(rig);
    assert.equal(stats.replied, 5);
    // The NAS retransmits what got no answer: handled as new requests now.
    for (const bytes of requests.slice(5)) await rig.peer.send(bytes, rig.acct);
    await quiet(rig.server, 11);
    stats = await idle(rig);
    assert.deepEqual(
      [stats.received, stats.replied, stats.resent, stats.dropped, stats.inFlight],
      [11, 8, 0, 3, 0],
    );
    assert.deepEqual(drops(stats), { overloaded: 3 });
    assert.equal(runs.length, 8);
    assert.equal(rig.peer.replies.length, 8);
  });
});

test("maxInFlight counts async client lookups too: the lookup is not called beyond it", async () => {
  const held = gate();
  const lookup = countedLookup(async () => {
    await held.promise;
    return SECRET;
  });
  await withServer({
    maxInFlight: 2,
    clients: lookup.clients,
    handleAccountingRequest: respond,
  }, async (rig) => {
    for (let i = 0; i < 5; i++) await rig.peer.send(accounting(`s${i}`), rig.acct);
    let stats = await idle(rig);
    assert.equal(lookup.calls(), 2);
    assert.equal(stats.inFlight, 2);
    assert.deepEqual(drops(stats), { overloaded: 3 });
    held.open();
    stats = await quiet(rig.server, 5);
    assert.equal(stats.replied, 2);
  });
});

test("maxPendingLookups: datagrams are dropped before the lookup while as many are pending", async () => {
  const held = gate();
  const lookup = countedLookup(async () => {
    await held.promise;
    return SECRET;
  });
  await withServer({
    maxPendingLookups: 3,
    clients: lookup.clients,
    handleAccountingRequest: respond,
  }, async (rig) => {
    const requests = Array.from({ length: 5 }, (_, i) => accounting(`s${i}`));
    for (const bytes of requests) await rig.peer.send(bytes, rig.acct);
    let stats = await idle(rig);
    assert.equal(lookup.calls(), 3);
    assert.equal(stats.inFlight, 3);
    assert.deepEqual(drops(stats), { "lookup-overloaded": 2 });
    held.open();
    await quiet(rig.server, 5);
    for (const bytes of requests.slice(3)) await rig.peer.send(bytes, rig.acct);
    stats = await quiet(rig.server, 7);
    assert.equal(lookup.calls(), 5);
    assert.deepEqual([stats.replied, stats.dropped, stats.inFlight], [5, 2, 0]);
  });
});

test("a full server still answers retransmissions of answered requests from the cache, without a lookup", async () => {
  const held = gate();
  // Full by handlers in flight: the lookup answers at once, s1 and s2 never settle until opened.
  const lookup = countedLookup(() => SECRET);
  await withServer({
    maxInFlight: 2,
    clients: lookup.clients,
    handleAccountingRequest: async (request) => {
      if (request.get("Acct-Session-Id") !== "s0") await held.promise;
      return respond(request);
    },
  }, async (rig) => {
    const answered = accounting("s0");
    await rig.peer.send(answered, rig.acct);
    await quiet(rig.server, 1);
    for (const session of ["s1", "s2"]) await rig.peer.send(accounting(session), rig.acct);
    await rig.peer.send(answered, rig.acct);
    await rig.peer.send(accounting("s3"), rig.acct);
    const stats = await idle(rig);
    assert.equal(lookup.calls(), 3);
    assert.deepEqual([stats.replied, stats.resent, stats.inFlight], [1, 1, 2]);
    assert.deepEqual(drops(stats), { overloaded: 1 });
    assert.deepEqual(rig.peer.replies[1], rig.peer.replies[0]);
    held.open();
    await quiet(rig.server, 5);
  });
  // Full by pending lookups: the first lookup settles, the next ones wait.
  const waiting = gate();
  const lookups = countedLookup(async () => {
    if (lookups.calls() > 1) await waiting.promise;
    return SECRET;
  });
  await withServer({
    maxPendingLookups: 1,
    clients: lookups.clients,
    handleAccountingRequest: respond,
  }, async (rig) => {
    const answered = accounting("s0");
    await rig.peer.send(answered, rig.acct);
    await quiet(rig.server, 1);
    await rig.peer.send(accounting("s1"), rig.acct);
    await rig.peer.send(answered, rig.acct);
    await rig.peer.send(accounting("s2"), rig.acct);
    const stats = await idle(rig);
    assert.equal(lookups.calls(), 2);
    assert.deepEqual([stats.replied, stats.resent, stats.inFlight], [1, 1, 1]);
    assert.deepEqual(drops(stats), { "lookup-overloaded": 1 });
    waiting.open();
    await quiet(rig.server, 4);
  });
});

test("a client's own maxInFlight drops its excess as client-overloaded, not others' requests", async () => {
  const held = gate();
  await withServer({
    clients: [
      { address: "127.0.0.1", secret: SECRET, name: "busy", maxInFlight: 2 },
      { address: "127.0.0.2", secret: SECRET, name: "other" },
    ],
    handleAccountingRequest: async (request) => {
      await held.promise;
      return respond(request);
    },
  }, async (rig) => {
    const other = await Peer.open(rig.network, "127.0.0.2");
    try {
      const busy = Array.from({ length: 4 }, (_, i) => accounting(`busy${i}`));
      for (const bytes of busy) await rig.peer.send(bytes, rig.acct);
      for (let i = 0; i < 3; i++) await other.send(accounting(`other${i}`), rig.acct);
      let stats = await idle(rig);
      assert.equal(stats.inFlight, 5);
      assert.deepEqual(drops(stats), { "client-overloaded": 2 });
      const warnings = rig.logger.lines.filter((line) => line.startsWith("warn"));
      assert.equal(warnings.length, 2, "a warning per drop, within the rate limit");
      assert.match(warnings[0]!, /maxInFlight.*"client":"busy","maxInFlight":2/);

      held.open();
      await quiet(rig.server, 7);
      for (const bytes of busy.slice(2)) await rig.peer.send(bytes, rig.acct);
      await quiet(rig.server, 9);
      stats = await idle(rig);
      assert.deepEqual([stats.replied, stats.dropped], [7, 2]);
      assert.equal(rig.peer.replies.length, 4);
      assert.equal(other.replies.length, 3);
    } finally {
      await other.close();
    }
  });
});

test("a client's maxInFlight holds for a lookup that builds a new object per call (counted by name)", async () => {
  const held = gate();
  await withServer({
    clients: () => ({ secret: SECRET, maxInFlight: 1 }),
    handleAccountingRequest: async (request) => {
      await held.promise;
      return respond(request);
    },
  }, async (rig) => {
    for (let i = 0; i < 3; i++) await rig.peer.send(accounting(`s${i}`), rig.acct);
    const stats = await idle(rig);
    assert.equal(stats.inFlight, 1);
    assert.deepEqual(drops(stats), { "client-overloaded": 2 });
    held.open();
    await quiet(rig.server, 3);
  });
});

test("the bounds reject values that are not positive integers", () => {
  const base = { transport: new MemoryTransport(), dictionary, clients: CLIENTS };
  for (const name of ["maxInFlight", "maxPendingLookups", "maxAttributes"]) {
    for (const value of [0, -1, 1.5, Number.NaN, "10"]) {
      assert.throws(() => new Server({ ...base, [name]: value }), RangeError, `${name} ${value}`);
    }
  }
  // Requests in flight are kept apart from the answers: no tie to maxEntries.
  new Server({ ...base, maxInFlight: 11, duplicateCache: { maxEntries: 10 } });
  assert.throws(
    () => new Server({ ...base, clients: [{ ...CLIENTS[0]!, maxInFlight: 0 }] }),
    /Client "nas" has maxInFlight 0: use an integer of at least 1/,
  );
});

test("the duplicate cache never evicts a request in flight: its handler runs once, one reply goes out", async () => {
  const held = gate();
  const runs = new Map<string, number>();
  await withServer({
    duplicateCache: { maxEntries: 4 },
    handleAccountingRequest: async (request) => {
      const session = String(request.get("Acct-Session-Id"));
      runs.set(session, (runs.get(session) ?? 0) + 1);
      if (session === "slow") await held.promise;
      return respond(request);
    },
  }, async (rig) => {
    const slow = Packet.create(Code.AccountingRequest, dictionary, {
      "Acct-Status-Type": "Start",
      "Acct-Session-Id": "slow",
    });
    const bytes = slow.encode(SECRET);
    await rig.peer.send(bytes, rig.acct);
    // Ten more requests, answered: the cache (4 entries) evicts answered ones only.
    for (let i = 0; i < 10; i++) {
      await rig.peer.send(accounting(`fast${i}`), rig.acct);
      await rig.network.idle();
    }
    await until(rig.server, (s) => s.received === 11 && s.inFlight === 1, "all but slow");
    await rig.peer.send(bytes, rig.acct); // the NAS retransmits it
    let stats = await idle(rig);
    assert.equal(stats.droppedBy["duplicate-in-flight"], 1);
    held.open();
    stats = await quiet(rig.server, 12);
    await rig.network.idle();
    assert.equal(runs.get("slow"), 1, "the handler ran once");
    const answers = rig.peer.replies.filter((reply) =>
      checkResponse(reply, SECRET_BYTES, slow.authenticator, false) === undefined
    );
    assert.equal(answers.length, 1, "one reply to it");
    assert.deepEqual(
      [stats.received, stats.replied, stats.resent, stats.dropped],
      [12, 11, 0, 1],
    );
  });
});

/** A valid Accounting-Request with `count` attributes in all. */
function withAttributes(count: number): Uint8Array {
  return Packet.create(Code.AccountingRequest, dictionary, {
    "Acct-Status-Type": "Start",
    "Class": Array.from({ length: count - 1 }, (_, i) => `c${i}`),
  }).encode(SECRET);
}

test("maxAttributes: more top-level attributes than it are dropped before the client lookup", async () => {
  const lookup = countedLookup(() => SECRET);
  await withServer({
    clients: lookup.clients,
    handleAccountingRequest: respond,
  }, async (rig) => {
    await rig.peer.send(withAttributes(200), rig.acct);
    await rig.peer.send(withAttributes(201), rig.acct);
    const stats = await idle(rig);
    assert.equal(stats.replied, 1);
    assert.deepEqual(drops(stats), { "too-many-attributes": 1 });
    assert.equal(lookup.calls(), 1);
    assert.ok(
      rig.logger.lines.some((line) => /^warn .*maxAttributes.*"maxAttributes":200/.test(line)),
    );
  });
  await withServer({ maxAttributes: 300, handleAccountingRequest: respond }, async (rig) => {
    await rig.peer.send(withAttributes(201), rig.acct);
    const stats = await idle(rig);
    assert.equal(stats.replied, 1);
  });
});

test("cheap checks first: length, code and framing before the lookup, framing before any MD5", async () => {
  const lookup = countedLookup(() => SECRET);
  await withServer({
    clients: lookup.clients,
    handleAccountingRequest: respond,
  }, async (rig) => {
    const good = accounting("s");
    // A broken attribute frame and a Request Authenticator that cannot
    // verify: had MD5 run first, this would be "bad-authenticator".
    const broken = good.slice();
    broken[21] = 1;
    broken[4]! ^= 0xff;
    await rig.peer.send(broken, rig.acct);
    await rig.peer.send(good.subarray(0, 19), rig.acct); // short
    await rig.peer.send(good, rig.auth); // wrong port
    await rig.peer.send(good, rig.acct);
    const stats = await idle(rig);
    assert.deepEqual(drops(stats), { malformed: 2, "wrong-port": 1 });
    assert.equal(stats.replied, 1);
    assert.equal(lookup.calls(), 1, "only the good datagram reached the lookup");
  });
});

/** The count held back that LimitedLog reported in a line, or 0. */
function suppressedIn(line: string): number {
  return Number(/"suppressed":(\d+)/.exec(line)?.[1] ?? 0);
}

test("warnings per configured client: 2,000 spoofed unknown sources cannot silence a NAS's warnings", async () => {
  await withServer(
    { handleAccountingRequest: respond, handleAccessRequest: () => undefined },
    async (rig) => {
      const spoofed: Peer[] = [];
      try {
        for (let i = 0; i < 2000; i++) {
          const peer = await Peer.open(rig.network, `10.0.${i >> 8}.${i & 0xff}`);
          spoofed.push(peer);
          await peer.send(accounting(`spoof${i}`, "not-the-secret"), rig.acct);
        }
      } finally {
        await Promise.all(spoofed.map((peer) => peer.close()));
      }
      await rig.peer.send(accounting("wrong", "not-the-secret"), rig.acct);
      await rig.peer.send(accounting("wrong-again", "not-the-secret"), rig.acct);
      const access = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
      await rig.peer.send(withoutMessageAuthenticator(access.encode(SECRET)), rig.auth);
      const stats = await idle(rig);
      assert.deepEqual(drops(stats), {
        "unknown-client": 2000,
        "bad-authenticator": 2,
        "missing-message-authenticator": 1,
      });
      const warnings = rig.logger.lines.filter((line) => line.startsWith("warn"));
      const unknown = warnings.filter((line) => /matches no client/.test(line));
      assert.equal(unknown.length, 10, "rate-limited to 10 per minute");
      const secrets = warnings.filter((line) => /shared secrets most likely differ/.test(line));
      assert.equal(secrets.length, 1, "logged, once per client");
      assert.match(
        secrets[0]!,
        /"reason":"bad-authenticator","from":"127\.0\.0\.1:\d+","client":"nas"/,
      );
      assert.equal(warnings.filter((line) => /BlastRADIUS/.test(line)).length, 1);

      await rig.server.close();
      const summary = rig.logger.lines.filter((line) =>
        /suppressed \d+ similar messages/.test(line)
      );
      assert.equal(summary.length, 1);
      assert.match(summary[0]!, /^warn Dropping requests from an address that matches no client/);
      assert.equal(suppressedIn(summary[0]!), 1990);
    },
  );
});

/** Every line of `kind` logged, plus every line they say was suppressed. */
function accounted(lines: string[], pattern: RegExp): { logged: number; total: number } {
  const matching = lines.filter((line) => pattern.test(line));
  const summaries = matching.filter((line) => /: suppressed \d+ similar messages/.test(line));
  const logged = matching.length - summaries.length;
  return {
    logged,
    total: logged + matching.reduce((sum, line) => sum + suppressedIn(line), 0),
  };
}

test("error logs are rate-limited with a count: failing lookups, handlers and replies", async () => {
  const logger = recordingLogger();
  await withServer({
    logger,
    clients: (address) => {
      if (address === "127.0.0.1") return SECRET;
      throw new Error("database down");
    },
    handleAccountingRequest: (request) => {
      if (request.get("Acct-Session-Id") === "throw") throw new Error("handler bug");
      return "not a packet" as unknown as Packet;
    },
  }, async (rig) => {
    const stranger = await Peer.open(rig.network, "192.0.2.7");
    try {
      for (let i = 0; i < 1000; i++) await stranger.send(accounting(`l${i}`), rig.acct);
      for (let i = 0; i < 300; i++) await rig.peer.send(accounting("throw"), rig.acct);
      for (let i = 0; i < 300; i++) await rig.peer.send(accounting(`r${i}`), rig.acct);
      const stats = await idle(rig);
      assert.deepEqual(drops(stats), {
        "client-lookup-error": 1000,
        "handler-error": 300,
        "reply-error": 300,
      });
    } finally {
      await stranger.close();
    }
    await rig.server.close();
    const lookup = accounted(logger.lines, /^error client lookup failed/);
    const handler = accounted(logger.lines, /^error handler failed/);
    const reply = accounted(logger.lines, /^error could not encode the reply/);
    // Ten lines per minute per kind: every failure is accounted for, in few lines.
    assert.deepEqual([lookup.total, handler.total, reply.total], [1000, 300, 300]);
    for (const { logged } of [lookup, handler, reply]) assert.ok(logged <= 30, `${logged} lines`);
    console.log(
      `rate-limited error lines: lookup ${lookup.logged}, handler ${handler.logged}, reply ${reply.logged} (+1 summary each)`,
    );
  });
});

/** Process memory after a forced GC, for the record (never asserted). */
function measured(): string {
  collectGarbage();
  const now = memory();
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return now === undefined ? "n/a" : `rss ${mb(now.rss)}, heap ${mb(now.heapUsed)}`;
}

test("defaults: 20,000 requests to handlers that never settle hold 4,096; 20,000 junk datagrams to a lookup that never settles hold 1,024", async () => {
  const never = new Promise<never>(() => {});
  let calls = 0;
  await withServer({
    handleAccountingRequest: async () => {
      calls++;
      return await never;
    },
  }, async (rig) => {
    const before = measured();
    for (let i = 0; i < 20_000; i++) await rig.peer.send(accounting(`s${i}`), rig.acct);
    const stats = await idle(rig);
    assert.equal(calls, 4096);
    assert.equal(stats.inFlight, 4096);
    assert.deepEqual(drops(stats), { overloaded: 20_000 - 4096 });
    console.log(`never-settling handlers (${runtime}): ${before} -> ${measured()}`);
  });
  const lookup = countedLookup(() => never);
  await withServer({
    clients: lookup.clients,
  }, async (rig) => {
    const before = measured();
    for (let i = 0; i < 20_000; i++) await rig.peer.send(accounting(`j${i}`, "junk"), rig.acct);
    const stats = await idle(rig);
    assert.equal(lookup.calls(), 1024);
    assert.equal(stats.inFlight, 1024);
    assert.deepEqual(drops(stats), { "lookup-overloaded": 20_000 - 1024 });
    console.log(`never-settling lookups (${runtime}): ${before} -> ${measured()}`);
  });
});

test("maxAttributes also counts values nested in Vendor-Specific, as they are decoded", async () => {
  await withServer({ handleAccountingRequest: respond }, async (rig) => {
    // 16 Vendor-Specific (vendor 9) of 124 empty sub-attributes each: 17
    // top-level attributes with Acct-Status-Type, 1,985 values.
    const vsa = [26, 254, 0, 0, 0, 9, ...Array.from({ length: 124 }, () => [250, 2]).flat()];
    const attributes = [40, 6, 0, 0, 0, 1, ...Array.from({ length: 16 }, () => vsa).flat()];
    const datagram = new Uint8Array(20 + attributes.length);
    datagram.set([Code.AccountingRequest, 7, datagram.length >> 8, datagram.length & 0xff]);
    datagram.set(attributes, 20);
    // RFC 2866 §3 Request Authenticator: MD5(header with zeros, attributes, secret).
    const md5 = createHash("md5").update(datagram).update(SECRET).digest();
    datagram.set(md5, 4);
    await rig.peer.send(datagram, rig.acct);
    const stats = await idle(rig);
    assert.deepEqual(drops(stats), { "too-many-attributes": 1 });
    assert.equal(stats.replied, 0);
  });
});
