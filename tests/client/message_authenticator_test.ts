// ClientOptions.addMessageAuthenticator: a Message-Authenticator in
// Accounting-Request, CoA-Request and Disconnect-Request, computed with a
// zero Request Authenticator (RFC 5176 §3.3, as FreeRADIUS does), the
// Request Authenticator then computed over the packet with it. Checked
// against radkit's own encoder (a packet that holds a Message-Authenticator),
// checkRequest(), and a real FreeRADIUS 3.2 that requires one on its CoA port.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Client } from "../../src/client.ts";
import { withMessageAuthenticator } from "../../src/client/message_authenticator.ts";
import { Code, codeName } from "../../src/codec/code.ts";
import {
  checkRequest,
  computeAuthenticator,
  MESSAGE_AUTHENTICATOR,
} from "../../src/codec/packet_codec.ts";
import { Packet } from "../../src/packet.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { assertPeers, needs } from "../_peers.ts";
import { udp } from "../_udp.ts";
import { dictionary, responder, SECRET } from "./_responder.ts";

const secretBytes = new TextEncoder().encode(SECRET);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const CODES = [Code.AccountingRequest, Code.CoARequest, Code.DisconnectRequest] as const;

describe("withMessageAuthenticator()", () => {
  for (const code of CODES) {
    test(`${codeName(code)}: the same bytes as radkit's encoder gives a packet holding one`, () => {
      const attributes = { "User-Name": "bob", "Acct-Session-Id": "s1", "NAS-Port": 7 };
      const plain = Packet.create(code, dictionary, attributes);
      const holding = Packet.create(code, dictionary, {
        "Message-Authenticator": new Uint8Array(16),
        ...attributes,
      });
      plain.id = holding.id = 42;
      const added = withMessageAuthenticator(plain.encode(SECRET), secretBytes);
      const encoded = holding.encode(SECRET);
      assert.deepEqual(added, encoded);
      assert.equal(added[20], MESSAGE_AUTHENTICATOR);
      assert.equal(checkRequest(added, secretBytes, true), undefined);
      // And the datagram that already holds one is left as it is.
      assert.equal(withMessageAuthenticator(encoded, secretBytes), encoded);
    });
  }

  test("refuses to grow a packet past 4096 bytes", () => {
    const big = Packet.create(Code.CoARequest, dictionary, {
      "Reply-Message": Array.from({ length: 16 }, () => "x".repeat(252)),
    });
    const bytes = big.encode(SECRET);
    assert.ok(bytes.length > 4096 - 18 && bytes.length <= 4096);
    assert.throws(() => withMessageAuthenticator(bytes, secretBytes), RangeError);
  });
});

describe("Client addMessageAuthenticator", () => {
  test("Accounting, CoA and Disconnect requests carry one that verifies; by default they do not", async () => {
    const network = new MemoryTransport();
    const acct = await responder(
      network,
      "127.0.0.1",
      1813,
      (request) => request.reply(Code.AccountingResponse),
    );
    const coa = await responder(
      network,
      "127.0.0.1",
      3799,
      (request) =>
        request.reply(request.code === Code.CoARequest ? Code.CoAACK : Code.DisconnectACK),
    );
    const signing = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      addMessageAuthenticator: true,
    });
    const plain = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    try {
      for (const client of [signing, plain]) {
        await client.accountingRequest({ "Acct-Status-Type": "Start", "Acct-Session-Id": "1" });
        await client.coaRequest({ "User-Name": "bob", "Session-Timeout": 60 });
        await client.disconnectRequest({ "User-Name": "bob" });
      }
      const seen = [...acct.seen, ...coa.seen].sort((a, b) =>
        a.from.port - b.from.port || a.packet.code - b.packet.code
      );
      const signed = seen.filter((entry) => entry.bytes[20] === MESSAGE_AUTHENTICATOR);
      assert.equal(signed.length, 3);
      for (const { bytes } of signed) {
        assert.equal(checkRequest(bytes, secretBytes, true), undefined);
      }
      const unsigned = seen.filter((entry) => entry.bytes[20] !== MESSAGE_AUTHENTICATOR);
      assert.equal(unsigned.length, 3);
      for (const { bytes } of unsigned) {
        assert.equal(checkRequest(bytes, secretBytes, true), "missing-message-authenticator");
      }
    } finally {
      await signing.close();
      await plain.close();
      await acct.close();
      await coa.close();
    }
  });

  test("an Accounting-Request retransmitted with a new Acct-Delay-Time is signed again", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      1813,
      (request, seen) =>
        server.seen.indexOf(seen) === 0 ? undefined : request.reply(Code.AccountingResponse),
    );
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 1100, // the retransmission comes a second or more later
      backoff: { jitter: 0 },
      addMessageAuthenticator: true,
    });
    try {
      await client.accountingRequest({ "Acct-Status-Type": "Stop", "Acct-Session-Id": "1" });
      assert.equal(server.seen.length, 2);
      assert.ok(server.seen[1]!.packet.get("Acct-Delay-Time") as number >= 1);
      for (const { bytes } of server.seen) {
        assert.equal(checkRequest(bytes, secretBytes, true), undefined);
      }
    } finally {
      await client.close();
      await server.close();
    }
  });
});

/** A transport whose sends flip a bit of the Message-Authenticator and re-sign the packet. */
function corruptingMessageAuthenticator(inner: DatagramTransport): DatagramTransport {
  return {
    name: `${inner.name}, corrupting`,
    async bind(options, onMessage) {
      const socket = await inner.bind(options, onMessage);
      return {
        local: socket.local,
        close: () => socket.close(),
        [Symbol.asyncDispose]: () => socket.close(),
        send(data, to) {
          const bytes = data.slice();
          if (bytes[20] === MESSAGE_AUTHENTICATOR) {
            bytes[22] = bytes[22]! ^ 1;
            // Only the Message-Authenticator is wrong: the Request Authenticator verifies.
            const key = new TextEncoder().encode(FREERADIUS_SECRET);
            computeAuthenticator(bytes, bytes.length, new Uint8Array(16), key, bytes, 4);
          }
          return socket.send(bytes, to);
        },
      };
    },
  };
}

describe("Client addMessageAuthenticator against FreeRADIUS 3.2", needs("freeradius"), () => {
  let server: FreeRadius | undefined;
  before(async () => {
    assertPeers("freeradius");
    server = await startFreeRadius({
      template: fileURLToPath(new URL("./freeradius_coa/raddb", import.meta.url)),
    });
  });
  after(async () => {
    await server?.stop();
  });

  function client(options: { sign: boolean; transport?: DatagramTransport }): Client {
    return new Client({
      transport: options.transport ?? udp(),
      server: "127.0.0.1",
      // The CoA listener is on the port _freeradius.ts calls the auth port.
      ports: { acct: server!.acctPort, coa: server!.authPort },
      secret: FREERADIUS_SECRET,
      timeout: 300,
      retries: 1,
      addMessageAuthenticator: options.sign,
      logger: silent,
    });
  }

  test("a CoA-Request and a Disconnect-Request with one are answered", async () => {
    const radius = client({ sign: true });
    try {
      const coa = await radius.coaRequest({ "User-Name": "bob", "Session-Timeout": 60 });
      assert.equal(coa.codeName, "CoA-ACK", server!.log());
      const disconnect = await radius.disconnectRequest({ "User-Name": "bob" });
      assert.ok(
        disconnect.code === Code.DisconnectACK || disconnect.code === Code.DisconnectNAK,
        disconnect.codeName,
      );
    } finally {
      await radius.close();
    }
  });

  test("a CoA-Request without one, or with a wrong one, is dropped (require_message_authenticator)", async () => {
    const plain = client({ sign: false });
    const corrupt = client({ sign: true, transport: corruptingMessageAuthenticator(udp()) });
    try {
      await assert.rejects(plain.coaRequest({ "User-Name": "bob" }), { code: "ERR_TIMEOUT" });
      await assert.rejects(corrupt.coaRequest({ "User-Name": "bob" }), { code: "ERR_TIMEOUT" });
    } finally {
      await plain.close();
      await corrupt.close();
    }
  });

  test("an Accounting-Request with one is answered; with a wrong one it is dropped", async () => {
    const radius = client({ sign: true });
    const corrupt = client({ sign: true, transport: corruptingMessageAuthenticator(udp()) });
    try {
      const reply = await radius.accountingRequest({
        "User-Name": "bob",
        "Acct-Status-Type": "Start",
        "Acct-Session-Id": "radkit-ma-1",
      });
      assert.equal(reply.code, Code.AccountingResponse, server!.log());
      await assert.rejects(
        corrupt.accountingRequest({
          "Acct-Status-Type": "Start",
          "Acct-Session-Id": "radkit-ma-2",
        }),
        { code: "ERR_TIMEOUT" },
      );
    } finally {
      await radius.close();
      await corrupt.close();
    }
  });
});
