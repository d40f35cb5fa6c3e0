// The Server's per-datagram pipeline over the in-memory transport, where
// "no answer" is provable: once the network is idle and nothing is in
// flight, a reply that has not arrived never will.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import {
  type NasEntry,
  type RequestHandler,
  Server,
  type ServerOptions,
} from "../../src/server.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import {
  checkRequest,
  checkResponse,
  computeMessageAuthenticator,
} from "../../src/codec/packet_codec.ts";
import { addChapPassword, verifyChapPassword } from "../../src/chap.ts";
import { RadiusError } from "../../src/errors.ts";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import type { AttributesInit } from "../../src/packet.ts";
import {
  dictionary,
  gate,
  Peer,
  quiet,
  recordingLogger,
  SECRET,
  SECRET_BYTES,
  toHex,
  withoutMessageAuthenticator,
} from "./_helpers.ts";

const CLIENTS: NasEntry[] = [
  { address: "127.0.0.1", secret: SECRET, name: "localhost" },
  { address: "127.0.0.2", secret: SECRET, name: "legacy", requireMessageAuthenticator: false },
  {
    address: "127.0.0.3",
    secret: SECRET,
    name: "legacy-proxy",
    requireMessageAuthenticator: false,
    limitProxyState: false,
  },
];

const pap: RequestHandler = (request) => {
  const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
  return request.reply(
    ok ? Code.AccessAccept : Code.AccessReject,
    ok ? { "Reply-Message": "ok" } : {},
  );
};

interface Fixture {
  network: MemoryTransport;
  server: Server;
  peer: Peer;
  logger: ReturnType<typeof recordingLogger>;
  auth: { hostname: string; port: number; family: "IPv4" | "IPv6" };
  acct: { hostname: string; port: number; family: "IPv4" | "IPv6" };
  coa: { hostname: string; port: number; family: "IPv4" | "IPv6" };
}

/** Runs `body` against a listening server and a peer on 127.0.0.1 (or `peerHost`), then closes both. */
async function withServer(
  options: Partial<ServerOptions>,
  body: (f: Fixture) => Promise<void>,
  peerHost = "127.0.0.1",
): Promise<void> {
  const network = new MemoryTransport();
  const logger = recordingLogger();
  const server = new Server({
    transport: network,
    dictionary,
    clients: CLIENTS,
    logger,
    ...options,
  });
  let peer: Peer | undefined;
  try {
    const bound = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0, coa: 0 });
    peer = await Peer.open(network, peerHost);
    await body({
      network,
      server,
      peer,
      logger,
      auth: bound.auth!,
      acct: bound.acct!,
      coa: bound.coa!,
    });
  } finally {
    await peer?.close();
    await server.close();
  }
}

/** Waits until the network is idle and every datagram has an outcome. */
async function settle(f: Fixture): Promise<void> {
  for (;;) {
    await f.network.idle();
    const stats = f.server.stats();
    if (stats.inFlight === 0) {
      await f.network.idle(); // replies sent by the last handlers
      if (f.server.stats().inFlight === 0) return;
    }
    await quiet(f.server, stats.received);
  }
}

function accessRequest(attributes: Record<string, unknown> = {}): Packet {
  return Packet.create(
    Code.AccessRequest,
    dictionary,
    {
      "User-Name": "bob",
      "User-Password": "hello",
      ...attributes,
    } as AttributesInit<AnyAttributes>,
  );
}

function decodeReply(bytes: Uint8Array, request: Packet): Packet {
  assert.equal(checkResponse(bytes, SECRET_BYTES, request.authenticator, false), undefined);
  return Packet.decode(bytes, { dictionary, secret: SECRET, request });
}

test("Server answers PAP: Access-Accept with Message-Authenticator first, Access-Reject", async () => {
  await withServer({ handleAccessRequest: pap }, async (f) => {
    const good = accessRequest();
    await f.peer.send(good.encode(SECRET), f.auth);
    const accept = await f.peer.reply();
    assert.equal(accept[0], Code.AccessAccept);
    assert.equal(accept[20], 80, "Message-Authenticator is the first attribute");
    assert.equal(checkResponse(accept, SECRET_BYTES, good.authenticator, true), undefined);
    assert.equal(decodeReply(accept, good).get("Reply-Message"), "ok");

    const bad = accessRequest({ "User-Password": "wrong" });
    await f.peer.send(bad.encode(SECRET), f.auth);
    const reject = await f.peer.reply();
    assert.equal(reject[0], Code.AccessReject);
    assert.equal(checkResponse(reject, SECRET_BYTES, bad.authenticator, true), undefined);

    const stats = await quiet(f.server, 2);
    assert.equal(stats.replied, 2);
    assert.deepEqual(stats.requests, { "Access-Request": 2 });
    assert.deepEqual(stats.replies, { "Access-Accept": 1, "Access-Reject": 1 });
  });
});

test("Server hands the handler a verified request with CHAP and its context", async () => {
  const seen: unknown[] = [];
  await withServer({
    handleAccessRequest(request, context) {
      seen.push({ name: context.nasName, port: context.port, from: context.from.hostname });
      return request.reply(
        verifyChapPassword(request, "hello") ? Code.AccessAccept : Code.AccessReject,
      );
    },
  }, async (f) => {
    const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
    addChapPassword(request, "hello");
    await f.peer.send(request.encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
    assert.deepEqual(seen, [{ name: "localhost", port: "auth", from: "127.0.0.1" }]);
  });
});

test("Server copies Proxy-State into the reply in order", async () => {
  await withServer({ handleAccessRequest: pap }, async (f) => {
    const states = [new Uint8Array([1, 1, 1]), new Uint8Array([2]), new Uint8Array([3, 3])];
    const request = accessRequest({ "Proxy-State": states });
    await f.peer.send(request.encode(SECRET), f.auth);
    const reply = decodeReply(await f.peer.reply(), request);
    assert.deepEqual(reply.getAll("Proxy-State"), states);
  });
});

test("Server drops an Access-Request without Message-Authenticator unless the client allows it", async () => {
  await withServer({ handleAccessRequest: pap }, async (f) => {
    const request = accessRequest();
    await f.peer.send(withoutMessageAuthenticator(request.encode(SECRET)), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    assert.equal(f.server.stats().droppedBy["missing-message-authenticator"], 1);
    assert.ok(
      f.logger.lines.some((line) => line.startsWith("warn") && /BlastRADIUS/.test(line)),
      "the first such drop warns",
    );
  });
  await withServer({ handleAccessRequest: pap }, async (f) => {
    const request = accessRequest();
    await f.peer.send(withoutMessageAuthenticator(request.encode(SECRET)), f.auth);
    const reply = await f.peer.reply();
    assert.equal(reply[0], Code.AccessAccept);
    // Replies carry one anyway.
    assert.equal(checkResponse(reply, SECRET_BYTES, request.authenticator, true), undefined);
  }, "127.0.0.2");
});

test("Server drops an Access-Request with EAP-Message but no Message-Authenticator, whatever the client allows (RFC 3579 §3.2)", async () => {
  const eap = () =>
    accessRequest({ "EAP-Message": Uint8Array.of(2, 1, 0, 8, 1, 0x62, 0x6f, 0x62) });
  // requireMessageAuthenticator: false for 127.0.0.2.
  await withServer({ handleAccessRequest: pap }, async (f) => {
    await f.peer.send(withoutMessageAuthenticator(eap().encode(SECRET)), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    assert.equal(f.server.stats().droppedBy["eap-without-message-authenticator"], 1);
    assert.ok(f.logger.lines.some((line) => line.startsWith("warn") && /RFC 3579/.test(line)));
    // With one, it is answered.
    await f.peer.send(eap().encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
  }, "127.0.0.2");
});

test("Server drops a request with two Message-Authenticators even when the first verifies", async () => {
  const datagram = accessRequest().encode(SECRET);
  assert.equal(datagram[20], 80); // the first attribute
  const twice = new Uint8Array(datagram.length + 18);
  twice.set(datagram);
  twice.set([80, 18, ...new Uint8Array(16).fill(7)], datagram.length);
  twice[2] = twice.length >> 8;
  twice[3] = twice.length & 0xff;
  computeMessageAuthenticator(twice, twice.length, 22, SECRET_BYTES, undefined, twice, 22);
  assert.equal(checkRequest(twice, SECRET_BYTES, true), "bad-message-authenticator");
  await withServer({ handleAccessRequest: pap }, async (f) => {
    await f.peer.send(twice, f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    assert.equal(f.server.stats().droppedBy["bad-message-authenticator"], 1);
  });
});

test("Server's limitProxyState drops Proxy-State without Message-Authenticator", async () => {
  const proxied = () => accessRequest({ "Proxy-State": new Uint8Array([9, 9]) });
  // requireMessageAuthenticator: false, limitProxyState default (true).
  await withServer({ handleAccessRequest: pap }, async (f) => {
    await f.peer.send(withoutMessageAuthenticator(proxied().encode(SECRET)), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    assert.equal(f.server.stats().droppedBy["proxy-state-without-message-authenticator"], 1);
    // With a Message-Authenticator it goes through.
    await f.peer.send(proxied().encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
  }, "127.0.0.2");
  // limitProxyState: false.
  await withServer({ handleAccessRequest: pap }, async (f) => {
    await f.peer.send(withoutMessageAuthenticator(proxied().encode(SECRET)), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
  }, "127.0.0.3");
});

test("Server drops a retransmission while the request is in flight", async () => {
  const hold = gate();
  let calls = 0;
  await withServer({
    async handleAccessRequest(request) {
      calls++;
      await hold.promise;
      return request.reply(Code.AccessAccept);
    },
  }, async (f) => {
    const bytes = accessRequest().encode(SECRET);
    await f.peer.send(bytes, f.auth);
    await f.peer.send(bytes, f.auth);
    await f.network.idle();
    assert.equal(f.server.stats().droppedBy["duplicate-in-flight"], 1);
    hold.open();
    await f.peer.reply();
    await settle(f);
    assert.equal(calls, 1);
    assert.equal(f.peer.replies.length, 1);
    const stats = f.server.stats();
    assert.equal(stats.duplicates, 1);
    assert.equal(stats.replied, 1);
  });
});

test("Server answers a retransmission after the reply with identical bytes", async () => {
  let calls = 0;
  await withServer({
    handleAccessRequest(request) {
      calls++;
      // A fresh random attribute each call: a re-run would differ.
      return request.reply(Code.AccessAccept, {
        "State": crypto.getRandomValues(new Uint8Array(8)),
      });
    },
  }, async (f) => {
    const bytes = accessRequest().encode(SECRET);
    await f.peer.send(bytes, f.auth);
    const first = await f.peer.reply();
    await f.peer.send(bytes, f.auth);
    const second = await f.peer.reply(2);
    assert.equal(toHex(second), toHex(first));
    assert.equal(calls, 1);
    const stats = await quiet(f.server, 2);
    assert.equal(stats.replied, 1);
    assert.equal(stats.resent, 1);
    assert.equal(stats.duplicates, 1);
    // A new request (new authenticator, same id) is handled afresh.
    const again = accessRequest();
    again.id = Packet.decode(bytes, { dictionary }).id;
    await f.peer.send(again.encode(SECRET), f.auth);
    await f.peer.reply(3);
    assert.equal(calls, 2);
  });
});

test("Server keeps running after a handler throws or rejects", async () => {
  let mode: "throw" | "reject" | "ok" = "throw";
  await withServer({
    handleAccessRequest(request) {
      if (mode === "throw") throw new Error("database down");
      if (mode === "reject") return Promise.reject(new Error("still down"));
      return request.reply(Code.AccessAccept);
    },
  }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await settle(f);
    mode = "reject";
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    mode = "ok";
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
    const stats = await quiet(f.server, 3);
    assert.equal(stats.handlerErrors, 2);
    assert.equal(stats.droppedBy["handler-error"], 2);
    const errors = f.logger.lines.filter((line) => line.startsWith("error"));
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /database down/);
    for (const line of f.logger.lines) {
      assert.ok(!line.includes(SECRET), `the secret leaked into: ${line}`);
      assert.ok(!line.includes("hello"), `the password leaked into: ${line}`);
    }
  });
});

test("Server: a handler that returns undefined or a non-reply sends nothing", async () => {
  let mode: "drop" | "bad" = "drop";
  await withServer({
    handleAccessRequest(request) {
      if (mode === "drop") return undefined;
      // Not built with request.reply(): no request to compute the Response Authenticator.
      return Packet.create(Code.AccessAccept, request.dictionary);
    },
  }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await settle(f);
    mode = "bad";
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    const stats = f.server.stats();
    assert.equal(stats.droppedBy["handler-dropped"], 1);
    assert.equal(stats.droppedBy["reply-error"], 1);
  });
});

test("Server answers Status-Server on auth and acct, and lets a handler override it", async () => {
  await withServer({}, async (f) => {
    const status = Packet.create(Code.StatusServer, dictionary);
    await f.peer.send(status.encode(SECRET), f.auth);
    const accept = await f.peer.reply();
    assert.equal(accept[0], Code.AccessAccept);
    assert.equal(checkResponse(accept, SECRET_BYTES, status.authenticator, true), undefined);

    const acctStatus = Packet.create(Code.StatusServer, dictionary);
    await f.peer.send(acctStatus.encode(SECRET), f.acct);
    const response = await f.peer.reply(2);
    assert.equal(response[0], Code.AccountingResponse);
    assert.equal(checkResponse(response, SECRET_BYTES, acctStatus.authenticator, true), undefined);

    // RFC 5997: Message-Authenticator is mandatory, whatever the client entry says.
    const bare = withoutMessageAuthenticator(
      Packet.create(Code.StatusServer, dictionary).encode(SECRET),
    );
    await f.peer.send(bare, f.auth);
    // Not on the CoA port.
    await f.peer.send(Packet.create(Code.StatusServer, dictionary).encode(SECRET), f.coa);
    await settle(f);
    assert.equal(f.peer.replies.length, 2);
    const stats = f.server.stats();
    assert.equal(stats.droppedBy["missing-message-authenticator"], 1);
    assert.equal(stats.droppedBy["wrong-port"], 1);
  });
  await withServer({
    handleStatusServer: (request) => request.reply(Code.AccessAccept, { "Reply-Message": "busy" }),
  }, async (f) => {
    const status = Packet.create(Code.StatusServer, dictionary);
    await f.peer.send(status.encode(SECRET), f.auth);
    assert.equal(decodeReply(await f.peer.reply(), status).get("Reply-Message"), "busy");
  });
});

test("Server without handlers: Access-Reject, no accounting answer, NAK 405 for CoA and Disconnect", async () => {
  await withServer({}, async (f) => {
    const access = accessRequest();
    await f.peer.send(access.encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessReject);

    const acct = Packet.create(Code.AccountingRequest, dictionary, { "Acct-Status-Type": "Start" });
    await f.peer.send(acct.encode(SECRET), f.acct);
    await settle(f);
    assert.equal(f.peer.replies.length, 1);
    assert.equal(f.server.stats().droppedBy["no-handler-accounting"], 1);

    for (
      const [code, nak] of [[Code.CoARequest, Code.CoANAK], [
        Code.DisconnectRequest,
        Code.DisconnectNAK,
      ]] as const
    ) {
      const request = Packet.create(code, dictionary, { "User-Name": "bob" });
      await f.peer.send(request.encode(SECRET), f.coa);
      const reply = decodeReply(await f.peer.reply(f.peer.replies.length + 1), request);
      assert.equal(reply.code, nak);
      assert.equal(reply.get("Error-Cause"), "Unsupported-Service");
    }
  });
});

test("Server calls the accounting, CoA and Disconnect handlers", async () => {
  await withServer({
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
    handleCoaRequest: (request) => request.reply(Code.CoAACK),
    handleDisconnectRequest: (request) => request.reply(Code.DisconnectACK),
  }, async (f) => {
    const cases = [
      [Code.AccountingRequest, f.acct, Code.AccountingResponse],
      [Code.CoARequest, f.coa, Code.CoAACK],
      [Code.DisconnectRequest, f.coa, Code.DisconnectACK],
    ] as const;
    for (const [code, to, expected] of cases) {
      const request = Packet.create(code, dictionary, { "User-Name": "bob" });
      await f.peer.send(request.encode(SECRET), to);
      const reply = await f.peer.reply(f.peer.replies.length + 1);
      assert.equal(reply[0], expected);
      assert.equal(checkResponse(reply, SECRET_BYTES, request.authenticator, false), undefined);
    }
  });
});

test("Server drops wrong secrets, unknown clients, wrong ports and malformed datagrams", async () => {
  await withServer({ handleAccessRequest: pap, handleAccountingRequest: pap }, async (f) => {
    await f.peer.send(accessRequest().encode("wrong-secret"), f.auth);
    const acct = Packet.create(Code.AccountingRequest, dictionary, { "Acct-Status-Type": "Start" });
    await f.peer.send(acct.encode("wrong-secret"), f.acct);
    await f.peer.send(accessRequest().encode(SECRET), f.acct); // Access-Request on acct
    await f.peer.send(acct.encode(SECRET), f.auth); // Accounting-Request on auth
    const request = accessRequest();
    await f.peer.send(request.reply(Code.AccessAccept).encode(SECRET), f.auth); // a reply
    await f.peer.send(new Uint8Array(19), f.auth); // shorter than a header
    const long = accessRequest().encode(SECRET);
    long[3] = long[3]! + 1; // Length past the datagram
    await f.peer.send(long, f.auth);
    const framing = accessRequest().encode(SECRET);
    framing[39] = 1; // the second attribute's length is below 2
    await f.peer.send(framing, f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    const stats = f.server.stats();
    assert.equal(stats.droppedBy["bad-message-authenticator"], 1);
    assert.equal(stats.droppedBy["bad-authenticator"], 1);
    assert.equal(stats.droppedBy["wrong-port"], 3);
    assert.equal(stats.droppedBy.malformed, 3);
    assert.equal(stats.received, 8);
    assert.equal(stats.dropped, 8);
    assert.ok(
      f.logger.lines.some((line) => line.startsWith("warn") && /shared secrets/.test(line)),
      "a wrong secret warns once",
    );
    assert.equal(
      f.logger.lines.filter((line) => line.startsWith("debug dropped")).length,
      8,
      "each drop is logged once at debug",
    );
  });
  await withServer({ handleAccessRequest: pap }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await settle(f);
    assert.equal(f.peer.replies.length, 0);
    assert.equal(f.server.stats().droppedBy["unknown-client"], 1);
  }, "127.0.0.9");
});

test("Server with a client lookup function, sync or async", async () => {
  const asked: string[] = [];
  await withServer({
    handleAccessRequest: pap,
    async clients(address) {
      asked.push(address);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (address === "127.0.0.1") return { secret: SECRET, name: "from-db" };
      if (address === "127.0.0.2") return SECRET; // just the secret
      if (address === "127.0.0.3") throw new Error("db down");
      return undefined;
    },
  }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    assert.equal((await f.peer.reply())[0], Code.AccessAccept);
  });
  const failing = (address: string) => {
    if (address === "127.0.0.3") return Promise.reject(new Error("db down"));
    if (address === "127.0.0.5") throw new Error("db down");
    if (address === "127.0.0.6") return 42 as never; // not a client
    return undefined;
  };
  const cases = [
    ["127.0.0.3", "client-lookup-error"],
    ["127.0.0.4", "unknown-client"],
    ["127.0.0.5", "client-lookup-error"],
    ["127.0.0.6", "client-lookup-error"],
  ] as const;
  for (const [host, reason] of cases) {
    await withServer({ handleAccessRequest: pap, clients: failing }, async (f) => {
      await f.peer.send(accessRequest().encode(SECRET), f.auth);
      await settle(f);
      assert.equal(f.peer.replies.length, 0);
      assert.equal(f.server.stats().droppedBy[reason], 1, host);
    }, host);
  }
  await withServer({ handleAccessRequest: pap, clients: () => SECRET }, async (f) => {
    await f.peer.send(withoutMessageAuthenticator(accessRequest().encode(SECRET)), f.auth);
    await settle(f);
    assert.equal(f.server.stats().droppedBy["missing-message-authenticator"], 1, "defaults apply");
  }, "127.0.0.2");
  assert.deepEqual(asked, ["127.0.0.1"]);
});

test("Server.close() lets an in-flight handler finish and sends its reply", async () => {
  const hold = gate();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  await withServer({
    async handleAccessRequest(request) {
      started();
      await hold.promise;
      return request.reply(Code.AccessAccept);
    },
  }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await running;
    let closed = false;
    const closing = f.server.close().then(() => (closed = true));
    // New requests are refused while closing.
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await f.network.idle();
    assert.equal(closed, false);
    hold.open();
    await closing;
    await f.network.idle();
    assert.equal(f.peer.replies.length, 1);
    assert.equal(f.peer.replies[0]![0], Code.AccessAccept);
    const stats = f.server.stats();
    assert.equal(stats.replied, 1);
    assert.equal(stats.droppedBy.closing, 1);
    assert.equal(stats.inFlight, 0);
  });
});

test("Server.close() gives up on a handler that never settles after closeTimeout", async () => {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  await withServer({
    closeTimeout: 20,
    handleAccessRequest() {
      started();
      return new Promise<undefined>(() => {});
    },
  }, async (f) => {
    await f.peer.send(accessRequest().encode(SECRET), f.auth);
    await running;
    await f.server.close();
    const stats = f.server.stats();
    assert.equal(stats.droppedBy["close-timeout"], 1);
    assert.equal(stats.inFlight, 0);
    assert.ok(f.logger.lines.some((line) => line.startsWith("warn closed with handlers")));
  });
});

test("Server counters add up over a mixed run", async () => {
  await withServer({ handleAccessRequest: pap }, async (f) => {
    const request = accessRequest().encode(SECRET);
    await f.peer.send(request, f.auth); // replied
    await f.peer.reply();
    await f.peer.send(request, f.auth); // resent
    await f.peer.send(accessRequest().encode("nope"), f.auth); // bad MA
    await f.peer.send(new Uint8Array(3), f.auth); // malformed
    await f.peer.send(Packet.create(Code.StatusServer, dictionary).encode(SECRET), f.auth); // replied
    await settle(f);
    const stats = f.server.stats();
    assert.deepEqual(
      {
        received: stats.received,
        replied: stats.replied,
        resent: stats.resent,
        dropped: stats.dropped,
        inFlight: stats.inFlight,
        duplicates: stats.duplicates,
      },
      { received: 5, replied: 2, resent: 1, dropped: 2, inFlight: 0, duplicates: 1 },
    );
    assert.equal(
      Object.values(stats.droppedBy).reduce((a, b) => a + b, 0),
      stats.dropped,
    );
    assert.deepEqual(stats.requests, { "Access-Request": 1, "Status-Server": 1 });
    assert.deepEqual(stats.replies, { "Access-Accept": 3 });
  });
});

test("Server rejects programmer mistakes with clear typed errors", async () => {
  const network = new MemoryTransport();
  const base = { transport: network, dictionary, clients: CLIENTS };
  assert.throws(
    () => new Server({ ...base, clients: [{ address: "10.0.0.0/40", secret: "s" }] }),
    RangeError,
  );
  assert.throws(
    () => new Server({ ...base, clients: [{ address: "nas.example", secret: "s" }] }),
    TypeError,
  );
  assert.throws(() => new Server({ ...base, clients: "10.0.0.0/8" as never }), TypeError);
  assert.throws(() => new Server({ ...base, transport: undefined as never }), /udp\(\)/);
  assert.throws(() => new Server({ ...base, closeTimeout: -1 }), RangeError);
  assert.throws(() => new Server({ ...base, handleAccessRequest: "yes" as never }), TypeError);
  // v1 option names fail loudly instead of being ignored.
  assert.throws(() => new Server({ ...base, closeTimeoutMs: 10 } as never), {
    name: "TypeError",
    message: "The option closeTimeoutMs is now called closeTimeout (still milliseconds)",
  });
  assert.throws(() => new Server({ ...base, duplicateCache: { ttlMs: 10 } as never }), {
    name: "TypeError",
    message: /ttlMs is now called duplicateCache\.ttl/,
  });
  const server = new Server(base);
  await assert.rejects(server.listen({}), { name: "TypeError", message: /at least one port/ });
  await assert.rejects(server.listen({ auth: 70000 }), RangeError);
  await server.listen({ hostname: "127.0.0.1", auth: 0 });
  try {
    await assert.rejects(server.listen({ hostname: "127.0.0.1", acct: 0 }), (error: unknown) => {
      assert.ok(error instanceof RadiusError);
      assert.match(error.message, /Cannot listen twice/);
      return true;
    });
  } finally {
    await server.close();
  }
  await assert.rejects(server.listen({ auth: 0 }), /was closed/);
});

test("Server.listen() releases bound ports when a later bind fails", async () => {
  const network = new MemoryTransport();
  const blocker = await network.bind({ hostname: "127.0.0.1", port: 1813 }, () => {});
  const server = new Server({ transport: network, dictionary, clients: CLIENTS });
  try {
    await assert.rejects(
      server.listen({ hostname: "127.0.0.1", auth: 1812, acct: 1813 }),
      { code: "EADDRINUSE" },
    );
    // 1812 is free again, and the server may try once more.
    await blocker.close();
    const bound = await server.listen({ hostname: "127.0.0.1", auth: 1812, acct: 1813 });
    assert.equal(bound.auth?.port, 1812);
  } finally {
    await server.close();
  }
});

test("Server on ::1 serves IPv6 clients", async () => {
  const network = new MemoryTransport();
  const server = new Server({
    transport: network,
    dictionary,
    clients: [{ address: "::1", secret: SECRET }],
    handleAccessRequest: pap,
  });
  const peer = await Peer.open(network, "::1");
  try {
    const { auth } = await server.listen({ hostname: "::1", auth: 0 });
    const request = accessRequest();
    await peer.send(request.encode(SECRET), auth);
    assert.equal((await peer.reply())[0], Code.AccessAccept);
  } finally {
    await peer.close();
    await server.close();
  }
});
