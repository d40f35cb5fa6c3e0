// requireMessageAuthenticator: "auto" (FreeRADIUS 3.2.5+ style): Access-Requests
// without a Message-Authenticator are accepted from a NAS until it sends one
// that verifies; from then on they are dropped. Over the in-memory transport,
// where "no answer" is provable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { type NasEntry, type NasLookup, Server } from "../../src/server.ts";
import { LearnedNases } from "../../src/server/learned_nases.ts";
import { type AttributesInit, Packet } from "../../src/packet.ts";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import { Code } from "../../src/codec/code.ts";
import {
  dictionary,
  Peer,
  quiet,
  recordingLogger,
  SECRET,
  withoutMessageAuthenticator,
} from "./_helpers.ts";

const AUTO: NasEntry[] = [
  { address: "127.0.0.1", secret: SECRET, name: "auto-nas", requireMessageAuthenticator: "auto" },
  {
    address: "10.0.0.0/8",
    secret: SECRET,
    name: "auto-network",
    requireMessageAuthenticator: "auto",
  },
  {
    address: "127.0.0.3",
    secret: SECRET,
    name: "auto-proxy",
    requireMessageAuthenticator: "auto",
    limitProxyState: false,
  },
];

function accessRequest(attributes: Record<string, unknown> = {}): Packet {
  return Packet.create(
    Code.AccessRequest,
    dictionary,
    { "User-Name": "bob", ...attributes } as AttributesInit<AnyAttributes>,
  );
}

/** A request as a legacy NAS sends it: no Message-Authenticator. */
function legacy(attributes: Record<string, unknown> = {}): Uint8Array {
  return withoutMessageAuthenticator(accessRequest(attributes).encode(SECRET));
}

/** A request as an updated NAS sends it: Message-Authenticator first. */
function updated(attributes: Record<string, unknown> = {}, secret = SECRET): Uint8Array {
  return accessRequest(attributes).encode(secret);
}

const EAP = { "EAP-Message": Uint8Array.of(2, 1, 0, 8, 1, 0x62, 0x6f, 0x62) };

interface Rig {
  network: MemoryTransport;
  server: Server;
  logger: ReturnType<typeof recordingLogger>;
  auth: { hostname: string; port: number };
  /** Sends from `peer` and says whether it was answered (Access-Accept) or dropped. */
  ask(peer: Peer, datagram: Uint8Array): Promise<"answered" | "dropped">;
}

async function withRig(
  clients: readonly NasEntry[] | NasLookup,
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  const network = new MemoryTransport();
  const logger = recordingLogger();
  const server = new Server({
    transport: network,
    dictionary,
    clients,
    logger,
    handleAccessRequest: (request) => request.reply(Code.AccessAccept),
  });
  try {
    const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
    await body({
      network,
      server,
      logger,
      auth: auth!,
      async ask(peer, datagram) {
        const before = peer.replies.length;
        await peer.send(datagram, auth);
        await network.idle();
        await quiet(server, server.stats().received);
        await network.idle();
        return peer.replies.length > before ? "answered" : "dropped";
      },
    });
  } finally {
    await server.close();
  }
}

test('"auto" accepts a NAS without Message-Authenticator until it sends one, then requires it', async () => {
  await withRig(AUTO, async (rig) => {
    const nas = await Peer.open(rig.network, "127.0.0.1");
    try {
      assert.equal(await rig.ask(nas, legacy()), "answered");
      assert.equal(
        await rig.ask(nas, legacy()),
        "answered",
        "no Message-Authenticator teaches nothing",
      );
      assert.equal(await rig.ask(nas, updated()), "answered");
      assert.equal(await rig.ask(nas, legacy()), "dropped");
      assert.equal(await rig.ask(nas, updated()), "answered");
      assert.equal(rig.server.stats().droppedBy["missing-message-authenticator"], 1);
      const learned = rig.logger.lines.filter((line) => /from now on/.test(line));
      assert.equal(learned.length, 1, "logged once");
      assert.match(learned[0]!, /^warn .*"client":"auto-nas".*"address":"127\.0\.0\.1"/);
    } finally {
      await nas.close();
    }
  });
});

test('"auto" learns nothing from a Message-Authenticator that does not verify, nor from one with EAP-Message', async () => {
  await withRig(AUTO, async (rig) => {
    const nas = await Peer.open(rig.network, "127.0.0.1");
    try {
      // A forged (or wrong-secret) one is dropped and does not lock the NAS out.
      assert.equal(await rig.ask(nas, updated({}, "not-the-secret")), "dropped");
      assert.equal(rig.server.stats().droppedBy["bad-message-authenticator"], 1);
      assert.equal(await rig.ask(nas, legacy()), "answered");
      // RFC 3579 §3.2 makes it mandatory with EAP-Message: it says nothing about the NAS.
      assert.equal(await rig.ask(nas, updated(EAP)), "answered");
      assert.equal(await rig.ask(nas, legacy()), "answered");
      // EAP without one is dropped whatever the policy.
      assert.equal(await rig.ask(nas, legacy(EAP)), "dropped");
      assert.equal(rig.server.stats().droppedBy["eap-without-message-authenticator"], 1);
      assert.ok(!rig.logger.lines.some((line) => /from now on/.test(line)));
    } finally {
      await nas.close();
    }
  });
});

test('"auto" applies limitProxyState until it has learned', async () => {
  await withRig(AUTO, async (rig) => {
    const strict = await Peer.open(rig.network, "127.0.0.1"); // limitProxyState default: true
    const proxy = await Peer.open(rig.network, "127.0.0.3"); // limitProxyState: false
    try {
      const proxied = { "Proxy-State": Uint8Array.of(9, 9) };
      assert.equal(await rig.ask(strict, legacy(proxied)), "dropped");
      assert.equal(
        rig.server.stats().droppedBy["proxy-state-without-message-authenticator"],
        1,
      );
      assert.equal(await rig.ask(proxy, legacy(proxied)), "answered");
      assert.equal(await rig.ask(proxy, updated(proxied)), "answered"); // learns
      assert.equal(await rig.ask(proxy, legacy(proxied)), "dropped");
      assert.equal(rig.server.stats().droppedBy["missing-message-authenticator"], 1);
    } finally {
      await strict.close();
      await proxy.close();
    }
  });
});

test('"auto" learns per NAS address inside a network entry', async () => {
  await withRig(AUTO, async (rig) => {
    const a = await Peer.open(rig.network, "10.1.1.1");
    const b = await Peer.open(rig.network, "10.2.2.2");
    try {
      assert.equal(await rig.ask(a, updated()), "answered");
      assert.equal(await rig.ask(a, legacy()), "dropped");
      assert.equal(await rig.ask(b, legacy()), "answered", "another NAS of the network");
    } finally {
      await a.close();
      await b.close();
    }
  });
});

test('"auto": Status-Server always needs a Message-Authenticator and teaches nothing', async () => {
  await withRig(AUTO, async (rig) => {
    const nas = await Peer.open(rig.network, "127.0.0.1");
    try {
      const status = Packet.create(Code.StatusServer, dictionary).encode(SECRET);
      assert.equal(await rig.ask(nas, withoutMessageAuthenticator(status)), "dropped");
      const again = Packet.create(Code.StatusServer, dictionary).encode(SECRET);
      assert.equal(await rig.ask(nas, again), "answered");
      assert.equal(await rig.ask(nas, legacy()), "answered");
    } finally {
      await nas.close();
    }
  });
});

test('"auto" learns by source address for a lookup function, even one that builds a new entry per call', async () => {
  const lookup: NasLookup = (address) =>
    address === "127.0.0.1"
      ? { secret: SECRET, name: "db-nas", requireMessageAuthenticator: "auto" }
      : undefined;
  await withRig(lookup, async (rig) => {
    const nas = await Peer.open(rig.network, "127.0.0.1");
    try {
      assert.equal(await rig.ask(nas, legacy()), "answered");
      assert.equal(await rig.ask(nas, updated()), "answered");
      assert.equal(await rig.ask(nas, legacy()), "dropped");
    } finally {
      await nas.close();
    }
  });
});

test('requireMessageAuthenticator accepts true, false and "auto" only; the default requires one', async () => {
  for (const bad of ["yes", 1, null]) {
    assert.throws(
      () =>
        new Server({
          transport: new MemoryTransport(),
          dictionary,
          clients: [{
            address: "127.0.0.1",
            secret: SECRET,
            requireMessageAuthenticator: bad as never,
          }],
        }),
      { name: "TypeError", message: /requireMessageAuthenticator .*: use true, false or "auto"/ },
    );
  }
  assert.throws(
    () =>
      new Server({
        transport: new MemoryTransport(),
        dictionary,
        clients: [{ address: "127.0.0.1", secret: SECRET, limitProxyState: "auto" as never }],
      }),
    { name: "TypeError", message: /limitProxyState "auto": use true or false/ },
  );
  await withRig([{ address: "127.0.0.1", secret: SECRET }], async (rig) => {
    const nas = await Peer.open(rig.network, "127.0.0.1");
    try {
      assert.equal(await rig.ask(nas, legacy()), "dropped");
      assert.equal(await rig.ask(nas, updated()), "answered");
    } finally {
      await nas.close();
    }
  });
});

test("LearnedNases keeps at most its limit, forgetting the oldest first", () => {
  const learned = new LearnedNases(2);
  assert.equal(learned.learn("192.0.2.1"), true);
  assert.equal(learned.learn("192.0.2.1"), false);
  assert.equal(learned.learn("192.0.2.2"), true);
  assert.equal(learned.learn("192.0.2.3"), true);
  assert.equal(learned.size, 2);
  assert.deepEqual(
    ["192.0.2.1", "192.0.2.2", "192.0.2.3"].map((address) => learned.has(address)),
    [false, true, true],
  );
});
