// Proves that a real FreeRADIUS 3.2 server accepts what radkit's codec
// encodes, and that radkit verifies and decodes what it answers. The server's
// client entry has `require_message_authenticator = yes`, so every answer to
// an Access-Request proves radkit's Message-Authenticator is right.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkResponse } from "../../src/codec/packet_codec.ts";
import { addChapPassword } from "../../src/chap.ts";
import { exchange, SECRET, SECRET_BYTES, utf8 } from "./codec_udp.ts";

const dictionary: Dictionary = Dictionary.default();
assert.equal(SECRET, FREERADIUS_SECRET);

/** Starts FreeRADIUS, runs `body`, and stops the server whatever happens. */
async function withFreeRadius(body: (server: FreeRadius) => Promise<void>): Promise<void> {
  const server = await startFreeRadius();
  try {
    await body(server);
  } catch (error) {
    if (error instanceof Error) error.message += `\n--- FreeRADIUS log ---\n${server.log()}`;
    throw error;
  } finally {
    await server.stop();
  }
}

/**
 * Sends a radkit request to `port`, then checks the reply's Response
 * Authenticator (and its Message-Authenticator, if it has one) with radkit's
 * `checkResponse` before decoding it.
 *
 * The Message-Authenticator is not *required* in replies: FreeRADIUS 3.2.1
 * (the version these tests run against) does not put one in its
 * Access-Accept/Reject; only 3.2.5 and later do (BlastRADIUS). A reply that
 * carries one is still verified.
 */
async function ask(port: number, request: Packet): Promise<Packet> {
  const datagram = request.encode(SECRET);
  const reply = await exchange(port, datagram);
  assert.equal(checkResponse(reply, SECRET_BYTES, request.authenticator, false), undefined);
  assert.equal(
    checkResponse(reply, utf8("wrong-secret"), request.authenticator, false),
    "bad-authenticator",
  );
  return Packet.decode(reply, { dictionary, secret: SECRET, request });
}

test(
  "FreeRADIUS accepts radkit's PAP Access-Request (User-Password hiding, Message-Authenticator) and radkit verifies the Accept",
  needs("freeradius"),
  async () => {
    assertPeers("freeradius");
    await withFreeRadius(async (server) => {
      const request = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": "hello",
        "NAS-IP-Address": "192.0.2.1",
        "NAS-Port": 7,
        "Called-Station-Id": "00-11-22-33-44-55:radkit",
        "Tunnel-Type": { tag: 1, value: "VLAN" },
        "Tunnel-Medium-Type": { tag: 1, value: "IEEE-802" },
        "Tunnel-Private-Group-Id": { tag: 1, value: "42" },
        "ADSL-Agent-Circuit-Id": utf8("eth 0/1"),
      });
      const reply = await ask(server.authPort, request);
      assert.equal(reply.codeName, "Access-Accept");
      assert.equal(reply.id, request.id);
      assert.equal(reply.get("Reply-Message"), "Hello, bob");
      assert.equal(reply.get("Service-Type"), "Framed-User");
      assert.equal(reply.get("Framed-IP-Address"), "192.0.2.10");
    });
  },
);

test(
  "FreeRADIUS accepts radkit's CHAP-Password (addChapPassword)",
  needs("freeradius"),
  async () => {
    assertPeers("freeradius");
    await withFreeRadius(async (server) => {
      const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
      addChapPassword(request, "hello");
      const reply = await ask(server.authPort, request);
      assert.equal(reply.codeName, "Access-Accept");
      assert.equal(reply.get("Reply-Message"), "Hello, bob");

      const withChallenge = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "CHAP-Challenge": utf8("a 19-byte challenge"),
      });
      addChapPassword(withChallenge, "hello");
      assert.equal((await ask(server.authPort, withChallenge)).codeName, "Access-Accept");
    });
  },
);

test(
  "FreeRADIUS rejects radkit's Access-Request with a wrong password, and radkit verifies the Reject",
  needs("freeradius"),
  async () => {
    assertPeers("freeradius");
    await withFreeRadius(async (server) => {
      const pap = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": "wrong",
      });
      assert.equal((await ask(server.authPort, pap)).codeName, "Access-Reject");
      const chap = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
      addChapPassword(chap, "wrong");
      assert.equal((await ask(server.authPort, chap)).codeName, "Access-Reject");
    });
  },
);

test(
  "FreeRADIUS drops radkit's Access-Request when its Message-Authenticator is altered (so the Accepts prove it valid)",
  needs("freeradius"),
  async () => {
    assertPeers("freeradius");
    await withFreeRadius(async (server) => {
      const request = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": "hello",
      });
      const datagram = request.encode(SECRET);
      assert.deepEqual([datagram[20], datagram[21]], [80, 18], "Message-Authenticator comes first");
      datagram[22]! ^= 0xff;
      await assert.rejects(exchange(server.authPort, datagram, 1, 1500), /No reply/);
      // The same request unaltered is answered, so the silence above was the MA.
      datagram[22]! ^= 0xff;
      const reply = await exchange(server.authPort, datagram);
      assert.equal(checkResponse(reply, SECRET_BYTES, request.authenticator, false), undefined);
      assert.equal(reply[0], Code.AccessAccept);
    });
  },
);

test(
  "FreeRADIUS answers radkit's Accounting-Request (Request Authenticator) and radkit verifies the Accounting-Response",
  needs("freeradius"),
  async () => {
    assertPeers("freeradius");
    await withFreeRadius(async (server) => {
      const request = Packet.create(Code.AccountingRequest, dictionary, {
        "User-Name": "bob",
        "Acct-Status-Type": "Start",
        "Acct-Session-Id": "radkit-0001",
        "NAS-IP-Address": "192.0.2.1",
        "NAS-Port": 7,
        "Framed-IP-Address": "192.0.2.10",
        "Event-Timestamp": new Date(1700000000 * 1000),
        "ADSL-Agent-Circuit-Id": utf8("eth 0/1"),
      });
      const reply = await ask(server.acctPort, request);
      assert.equal(reply.codeName, "Accounting-Response");
      assert.equal(reply.id, request.id);
    });
  },
);
