// The Server over the UDP adapter of the runtime running the tests (Deno,
// Bun or Node.js): 127.0.0.1, ::1 and the dual-stack "::", on ports the
// operating system picks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { udp } from "../_udp.ts";
import { type RequestHandler, Server } from "../../src/server.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkResponse } from "../../src/codec/packet_codec.ts";
import { dictionary, gate, Peer, quiet, SECRET, SECRET_BYTES } from "./_helpers.ts";

const pap: RequestHandler = (request) => {
  const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
  return request.reply(ok ? Code.AccessAccept : Code.AccessReject);
};

async function canBind(hostname: string): Promise<boolean> {
  try {
    const socket = await udp().bind({ hostname, port: 0 }, () => {});
    await socket.close();
    return true;
  } catch {
    return false;
  }
}
const noIPv6 = await canBind("::1") ? false : "this host has no IPv6 loopback (::1)";

function accessRequest(password = "hello"): Packet {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": password,
  });
}

test("Server over UDP on 127.0.0.1: PAP accept and reject, accounting", async () => {
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    handleAccessRequest: pap,
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
  });
  let peer: Peer | undefined;
  try {
    const { auth, acct } = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
    assert.ok(auth!.port > 0 && acct!.port > 0 && auth!.port !== acct!.port);
    peer = await Peer.open(udp(), "127.0.0.1");
    const good = accessRequest();
    await peer.send(good.encode(SECRET), auth);
    const accept = await peer.reply();
    assert.equal(accept[0], Code.AccessAccept);
    assert.equal(checkResponse(accept, SECRET_BYTES, good.authenticator, true), undefined);

    await peer.send(accessRequest("wrong").encode(SECRET), auth);
    assert.equal((await peer.reply(2))[0], Code.AccessReject);

    const acctRequest = Packet.create(Code.AccountingRequest, dictionary, {
      "Acct-Status-Type": "Start",
    });
    await peer.send(acctRequest.encode(SECRET), acct);
    const response = await peer.reply(3);
    assert.equal(response[0], Code.AccountingResponse);
    assert.equal(
      checkResponse(response, SECRET_BYTES, acctRequest.authenticator, false),
      undefined,
    );
    const stats = await quiet(server, 3);
    assert.equal(stats.replied, 3);
  } finally {
    await peer?.close();
    await server.close();
  }
});

test("Server over UDP on ::1", { skip: noIPv6 }, async () => {
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "::1/128", secret: SECRET }],
    handleAccessRequest: pap,
  });
  let peer: Peer | undefined;
  try {
    const { auth } = await server.listen({ hostname: "::1", auth: 0 });
    assert.equal(auth?.family, "IPv6");
    peer = await Peer.open(udp(), "::1");
    await peer.send(accessRequest().encode(SECRET), auth);
    assert.equal((await peer.reply())[0], Code.AccessAccept);
  } finally {
    await peer?.close();
    await server.close();
  }
});

test("Server over UDP: close() waits for a slow handler and its reply goes out", async () => {
  const hold = gate();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    async handleAccessRequest(request) {
      started();
      await hold.promise;
      return request.reply(Code.AccessAccept);
    },
  });
  let peer: Peer | undefined;
  try {
    const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
    peer = await Peer.open(udp(), "127.0.0.1");
    await peer.send(accessRequest().encode(SECRET), auth);
    await running;
    const closing = server.close();
    hold.open();
    await closing;
    assert.equal((await peer.reply())[0], Code.AccessAccept);
    assert.equal(server.stats().replied, 1);
  } finally {
    hold.open();
    await peer?.close();
    await server.close();
  }
});

test("Server over UDP: a throwing handler does not stop the server", async () => {
  let calls = 0;
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    handleAccessRequest(request) {
      if (calls++ === 0) throw new Error("first call fails");
      return request.reply(Code.AccessAccept);
    },
  });
  let peer: Peer | undefined;
  try {
    const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
    peer = await Peer.open(udp(), "127.0.0.1");
    await peer.send(accessRequest().encode(SECRET), auth);
    await quiet(server, 1);
    await peer.send(accessRequest().encode(SECRET), auth);
    assert.equal((await peer.reply())[0], Code.AccessAccept);
    assert.equal(peer.replies.length, 1);
    assert.equal(server.stats().handlerErrors, 1);
  } finally {
    await peer?.close();
    await server.close();
  }
});

const noDualStack = await canBind("::") ? false : "this host cannot bind the IPv6 wildcard (::)";

test("Server over UDP on dual-stack :: matches an IPv4 peer to its IPv4 entry", {
  skip: noDualStack,
}, async () => {
  const seen: string[] = [];
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.0/8", secret: SECRET, name: "v4-loopback" }],
    handleAccessRequest(request, context) {
      seen.push(`${context.nasName} ${context.from.hostname}`);
      return pap(request, context);
    },
  });
  let peer: Peer | undefined;
  try {
    const { auth } = await server.listen({ hostname: "::", auth: 0 });
    peer = await Peer.open(udp(), "127.0.0.1");
    await peer.send(accessRequest().encode(SECRET), { hostname: "127.0.0.1", port: auth!.port });
    assert.equal((await peer.reply())[0], Code.AccessAccept);
    assert.deepEqual(seen, ["v4-loopback ::ffff:127.0.0.1"]);
  } finally {
    await peer?.close();
    await server.close();
  }
});
