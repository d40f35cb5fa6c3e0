// Fault injection between a radkit Client and a radkit Server, each fault its
// own test, on the in-memory transport and on real loopback sockets (this
// runtime's UDP adapter, wrapped by _faulty.ts for loss, duplication and
// delay). Every request carries a unique User-Name and every reply echoes it
// in Reply-Message, so a mixed-up reply cannot go unnoticed. The client must
// complete what can be completed and report the rest with the right typed
// error. Nothing asserts on timing; waits give up instead of hanging.
import { test } from "node:test";
import assert from "node:assert/strict";
import { udp } from "../_udp.ts";
import { type RequestHandler, Server, type ServerOptions } from "../../src/server.ts";
import { Client, type ClientOptions, RequestTimeoutError } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { Packet } from "../../src/packet.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import {
  MemoryTransport,
  type MemoryTransportOptions,
} from "../../src/testing/memory_transport.ts";
import { type Faults, faulty } from "./_faulty.ts";

const SECRET = "fault-secret";
const dictionary = Dictionary.default();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const NETS = ["memory", "loopback"] as const;
type Net = (typeof NETS)[number];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The reply every handler gives: Access-Accept echoing the User-Name. */
function echo(request: Packet): Packet {
  return request.reply(Code.AccessAccept, { "Reply-Message": `echo ${request.get("User-Name")}` });
}

interface Rig {
  readonly server: Server;
  readonly client: Client;
  readonly port: number;
  readonly network: MemoryTransport | undefined;
  /** A transport for further servers and clients on the same network. */
  readonly transport: () => DatagramTransport;
  close(): Promise<void>;
}

interface RigOptions {
  handler?: RequestHandler;
  server?: Partial<ServerOptions>;
  client?: Partial<ClientOptions>;
  /** Faults on the in-memory network (both directions). */
  memory?: MemoryTransportOptions;
  /** Faults on the loopback sockets (both directions). */
  loopback?: Omit<Faults, "seed">;
}

/** A Server and a Client on `net`, with the faults asked for. */
async function rig(net: Net, options: RigOptions = {}): Promise<Rig> {
  const network = net === "memory"
    ? new MemoryTransport({ seed: 7, ...options.memory })
    : undefined;
  let seed = 11;
  const transport = (): DatagramTransport =>
    network ?? (options.loopback ? faulty(udp(), { seed: seed++, ...options.loopback }) : udp());
  const server = new Server({
    transport: transport(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    handleAccessRequest: options.handler ?? echo,
    logger: silent,
    ...options.server,
  });
  let client: Client | undefined;
  try {
    const { auth } = await server.listen({
      hostname: "127.0.0.1",
      auth: net === "memory" ? 1812 : 0,
    });
    client = new Client({
      transport: transport(),
      server: "127.0.0.1",
      ports: { auth: auth!.port },
      secret: SECRET,
      localAddress: { ipv4: "127.0.0.1" },
      timeout: 30,
      retries: 10,
      backoff: { maxTimeout: 120, maxDuration: 0 },
      ...options.client,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    client,
    port: server.addresses!.auth!.port,
    network,
    transport,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Sends an Access-Request tagged `user`; checks the reply echoes it (never another's). */
async function ask(client: Client, user: string): Promise<Packet> {
  const reply = await client.accessRequest({ "User-Name": user, "User-Password": "pw" });
  assert.equal(reply.code, Code.AccessAccept);
  assert.equal(reply.get("Reply-Message"), `echo ${user}`, "the reply answers its own request");
  return reply;
}

/** Runs `ask` for every user, `concurrency` at a time; returns the outcome of each. */
async function askAll(
  client: Client,
  users: readonly string[],
  concurrency: number,
): Promise<PromiseSettledResult<Packet>[]> {
  const results: PromiseSettledResult<Packet>[] = new Array(users.length);
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await ask(client, users[i]!) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

function users(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

function assertAllAnswered(results: PromiseSettledResult<Packet>[]): void {
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  assert.equal(failed.length, 0, failed.map((r) => String(r.reason)).slice(0, 3).join("\n"));
}

/** Waits (polling) until `condition` holds; throws instead of hanging. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(5);
  }
}

for (const net of NETS) {
  test(`fault: loss (${net}) — every request completes by retransmission, replies never mixed up`, async () => {
    const r = await rig(net, { memory: { loss: 0.2 }, loopback: { loss: 0.2 } });
    try {
      const results = await askAll(r.client, users("loss", 200), 20);
      assertAllAnswered(results);
      const stats = r.client.stats();
      assert.equal(stats.replies, 200);
      assert.ok(stats.retransmitted > 0, "lost datagrams were retransmitted");
      assert.equal(stats.timeouts, 0);
      const server = r.server.stats();
      assert.equal(server.requests["Access-Request"], server.replied, "each request handled once");
      assert.ok(server.replied >= 200 && server.resent > 0, "lost replies resent from the cache");
    } finally {
      await r.close();
    }
  });

  test(`fault: duplication (${net}) — each request handled once, duplicates answered from the cache or dropped`, async () => {
    const r = await rig(net, {
      memory: { duplicate: 0.5 },
      loopback: { duplicate: 0.5 },
      client: { timeout: 1000, retries: 3 },
    });
    try {
      const results = await askAll(r.client, users("dup", 200), 20);
      assertAllAnswered(results);
      const server = await (async () => {
        await until(() => r.server.stats().inFlight === 0, "the server to settle");
        return r.server.stats();
      })();
      // No loss, long timeout: the client never retransmits, so every
      // request is handled exactly once and every extra copy is a duplicate.
      assert.equal(r.client.stats().retransmitted, 0);
      assert.equal(server.requests["Access-Request"], 200);
      assert.equal(server.replied, 200);
      assert.ok(server.duplicates > 0, "duplicated requests were recognised");
      assert.equal(server.received, 200 + server.duplicates);
      const dropped = r.client.stats().dropped;
      assert.ok(
        dropped.unexpected + dropped.badAuthenticator > 0,
        "duplicated replies were dropped by the client",
      );
    } finally {
      await r.close();
    }
  });

  test(`fault: reordering (${net}) — replies overtaking each other still reach their own requests`, async () => {
    const r = await rig(net, {
      memory: { latency: 1, jitter: 25 },
      loopback: { maxDelayMs: 25 },
      client: { timeout: 500, retries: 5 },
    });
    try {
      const order: number[] = [];
      const all = users("reorder", 100).map((user, i) =>
        ask(r.client, user).then((reply) => {
          order.push(i);
          return reply;
        })
      );
      const replies = await Promise.all(all);
      assert.equal(replies.length, 100);
      const overtaken = order.some((value, i) => i > 0 && value < order[i - 1]!);
      assert.ok(overtaken, "some replies arrived out of order");
    } finally {
      await r.close();
    }
  });

  test(`fault: delayed reply after the client's timeout (${net}) — dropped, not given to the request reusing its id`, async () => {
    // The first request's reply is held until it has timed out and 256
    // later requests (one socket, so one of them has its Identifier) are all
    // in flight; the later ones are answered only after it.
    const release = { open: () => {}, promise: Promise.resolve() };
    release.promise = new Promise<void>((resolve) => (release.open = resolve));
    const r = await rig(net, {
      handler: async (request) => {
        await release.promise;
        if (request.get("User-Name") !== "late") await sleep(30);
        return echo(request);
      },
      client: {
        timeout: 40,
        retries: 3,
        backoff: { maxTimeout: 40, maxDuration: 0 },
        maxSockets: 1,
        maxInFlight: 256,
      },
    });
    try {
      await assert.rejects(ask(r.client, "late"), RequestTimeoutError);
      const later = users("later", 256).map((user) => ask(r.client, user));
      await until(() => r.client.stats().inFlight === 256, "256 requests in flight");
      release.open();
      const replies = await Promise.all(later);
      assert.equal(replies.length, 256);
      const stats = r.client.stats();
      assert.equal(stats.replies, 256);
      assert.equal(stats.timeouts, 1);
      assert.equal(
        stats.dropped.badAuthenticator,
        1,
        "the late reply met the request that reuses its id and failed its authenticator",
      );
    } finally {
      release.open();
      await r.close();
    }
  });

  test(`fault: ids are held until the exchange ends (${net}) — retransmissions never share an id with another request`, async () => {
    // Events in order: the server sees (id, user); the client ends a user's exchange.
    const log: string[] = [];
    const r = await rig(net, {
      handler: (request) => {
        log.push(`recv ${request.id} ${request.get("User-Name")}`);
        return echo(request);
      },
      memory: { loss: 0.3 },
      loopback: { loss: 0.3 },
      client: { maxSockets: 1, timeout: 20, retries: 20 },
    });
    try {
      const all = users("held", 600).map((user) =>
        ask(r.client, user).finally(() => log.push(`end ${user}`))
      );
      assertAllAnswered(await Promise.allSettled(all));
      assert.ok(r.client.stats().retransmitted > 0);
      // A user seen with id X: another user may be seen with X only after the first one's end.
      const holder = new Map<string, string>();
      const ended = new Set<string>();
      for (const event of log) {
        const [kind, a, b] = event.split(" ");
        if (kind === "end") {
          ended.add(a!);
          continue;
        }
        const previous = holder.get(a!);
        if (previous !== undefined && previous !== b) {
          assert.ok(ended.has(previous), `id ${a} went to ${b} while ${previous} was in flight`);
        }
        holder.set(a!, b!);
      }
    } finally {
      await r.close();
    }
  });

  test(`fault: server restart in the middle of a run (${net}) — in-flight requests complete on the new server, later ones succeed`, async () => {
    const r = await rig(net, { client: { timeout: 30, retries: 30, deadTime: 0 } });
    let second: Server | undefined;
    try {
      const first = users("before", 20);
      assertAllAnswered(await askAll(r.client, first, 5));
      // Stop the server with requests on their way, and start a new one on the same port.
      const during = users("during", 20).map((user) => ask(r.client, user));
      await r.server.close();
      await sleep(60);
      second = new Server({
        transport: r.transport(),
        dictionary,
        clients: [{ address: "127.0.0.1", secret: SECRET }],
        handleAccessRequest: echo,
        logger: silent,
      });
      await second.listen({ hostname: "127.0.0.1", auth: r.port });
      const outcomes = await Promise.allSettled(during);
      for (const outcome of outcomes) {
        // Each completes on the new server, or (if its retries ran out) times out: never a wrong reply.
        if (outcome.status === "rejected") assert.ok(outcome.reason instanceof RequestTimeoutError);
      }
      assert.ok(outcomes.some((o) => o.status === "fulfilled"), "some completed after the restart");
      assertAllAnswered(await askAll(r.client, users("after", 20), 5));
      assert.ok(second.stats().replied >= 20);
    } finally {
      await r.close();
      await second?.close();
    }
  });

  test(`fault: handler that throws (${net}) — that request times out, the others are answered`, async () => {
    const r = await rig(net, {
      handler: (request) => {
        if (request.get("User-Name") === "boom") throw new Error("handler failure");
        return echo(request);
      },
      client: { timeout: 30, retries: 2 },
    });
    try {
      const boom = ask(r.client, "boom");
      const others = askAll(r.client, users("fine", 30), 10);
      const error = await boom.then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof RequestTimeoutError, `a RequestTimeoutError, got ${error}`);
      assert.equal(error.attempts[0]!.transmissions, 3);
      assertAllAnswered(await others);
      await until(() => r.server.stats().droppedBy["handler-error"] === 3, "3 handler errors");
      assert.equal(
        r.server.stats().handlerErrors,
        3,
        "each transmission handled afresh and failed",
      );
      assert.equal(r.server.stats().replied, 30);
    } finally {
      await r.close();
    }
  });

  test(`fault: handler that hangs (${net}) — that request times out, others answered, close() still resolves`, async () => {
    const r = await rig(net, {
      handler: (request) =>
        request.get("User-Name") === "hang" ? new Promise<Packet>(() => {}) : echo(request),
      server: { closeTimeout: 100 },
      client: { timeout: 30, retries: 2 },
    });
    let closed = false;
    try {
      const hang = ask(r.client, "hang");
      const others = askAll(r.client, users("fine", 30), 10);
      await assert.rejects(hang, RequestTimeoutError);
      assertAllAnswered(await others);
      const stats = r.server.stats();
      assert.equal(stats.inFlight, 1, "the hung request is still in flight");
      assert.equal(stats.droppedBy["duplicate-in-flight"], 2, "its retransmissions were dropped");
      // close() gives up on the hung handler after closeTimeout; the bound
      // here is a hang detector, not a speed assertion.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        r.server.close().then(() => "closed"),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve("hung"), 10_000))),
      ]);
      clearTimeout(timer);
      assert.equal(outcome, "closed");
      closed = true;
      const after = r.server.stats();
      assert.equal(after.droppedBy["close-timeout"], 1);
      assert.equal(after.inFlight, 0);
    } finally {
      if (!closed) await r.server.close();
      await r.close();
    }
  });

  test(`fault: slow handler (${net}) — client retransmits, the server drops the in-flight duplicates, one reply`, async () => {
    let calls = 0;
    const r = await rig(net, {
      handler: async (request) => {
        calls++;
        await sleep(150);
        return echo(request);
      },
      client: { timeout: 30, retries: 10, backoff: { maxTimeout: 30, maxDuration: 0 } },
    });
    try {
      await ask(r.client, "slow");
      assert.equal(calls, 1, "the handler ran once");
      assert.ok(r.client.stats().retransmitted > 0);
      const stats = r.server.stats();
      assert.ok(stats.droppedBy["duplicate-in-flight"] > 0);
      assert.equal(stats.replied, 1);
      assert.equal(r.client.stats().replies, 1);
    } finally {
      await r.close();
    }
  });

  test(`fault: wrong secret on one server of two (${net}) — fails over to the other`, async () => {
    const r = await rig(net, { client: { timeout: 20, retries: 1 } });
    const wrong = new Server({
      transport: r.transport(),
      dictionary,
      clients: [{ address: "127.0.0.1", secret: "not-the-secret" }],
      handleAccessRequest: echo,
      logger: silent,
    });
    let client: Client | undefined;
    try {
      const bound = await wrong.listen({
        hostname: "127.0.0.1",
        auth: net === "memory" ? 1912 : 0,
      });
      client = new Client({
        transport: r.transport(),
        servers: [
          { host: "127.0.0.1", ports: { auth: bound.auth!.port } },
          { host: "127.0.0.1", ports: { auth: r.port } },
        ],
        secret: SECRET,
        localAddress: { ipv4: "127.0.0.1" },
        timeout: 20,
        retries: 1,
      });
      assertAllAnswered(await askAll(client, users("failover", 10), 1));
      const stats = client.stats();
      assert.equal(
        stats.failovers,
        1,
        "the first request failed over; later ones skip the dead server",
      );
      assert.equal(stats.replies, 10);
      await until(() => wrong.stats().received === 2, "two transmissions to the wrong server");
      assert.equal(wrong.stats().droppedBy["bad-message-authenticator"], 2);
      assert.equal(wrong.stats().replied, 0);
      assert.equal(r.server.stats().replied, 10);
    } finally {
      await client?.close();
      await wrong.close();
      await r.close();
    }
  });
}
