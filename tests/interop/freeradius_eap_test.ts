// The radkit Client's EAP runner (`client.eap`) against FreeRADIUS 3.2 and
// its eap module (tests/freeradius/raddb: default_eap_type md5, with md5,
// gtc and mschapv2), an EAP server independent of radkit's. bob is known by
// his cleartext password, carol only by her NT hash. FreeRADIUS proposes
// MD5-Challenge first: a client that wants GTC or MSCHAPv2 answers with a
// Nak (RFC 3748 §5.3.1), and these tests check that it did. Every reply of
// FreeRADIUS's eap module carries a Message-Authenticator (RFC 3579 §3.2),
// even the 3.2.1 of Debian 12, so the Client keeps requiring one.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { udp } from "../_udp.ts";
import { Client, type SendOptions } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { EapCode } from "../../src/eap/code.ts";
import { readEap } from "../../src/eap/eap_message.ts";
import { decodeNak, isNak } from "../../src/eap/nak.ts";
import type { EapPacket } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";
import type { EapMethodName } from "../../src/eap/methods/method.ts";
import type { Packet } from "../../src/packet.ts";

const skip = needs("freeradius");

const methods: readonly { name: EapMethodName; type: number }[] = [
  { name: "md5", type: EapType.MD5Challenge },
  { name: "gtc", type: EapType.GTC },
  { name: "mschapv2", type: EapType.MSCHAPv2 },
];

/** One round of a conversation: the EAP packets of an Access-Request and of its reply. */
interface Round {
  request: EapPacket | undefined;
  reply: EapPacket | undefined;
  replyCode: number;
}

describe("EAP against FreeRADIUS 3.2's eap module", skip, () => {
  let server: FreeRadius | undefined;
  let radius: Client | undefined;
  /** The rounds of the conversation running now (the tests run one at a time). */
  let rounds: Round[] = [];

  before(async () => {
    assertPeers("freeradius");
    server = await startFreeRadius();
    const client = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: { auth: server.authPort, acct: server.acctPort },
      secret: FREERADIUS_SECRET,
      timeout: 1000,
      retries: 3,
    });
    // Records each round that client.eap() sends through send().
    const send = client.send.bind(client);
    client.send = async (packet: Packet<object>, options?: SendOptions) => {
      const reply = await send(packet, options);
      rounds.push({ request: readEap(packet), reply: readEap(reply), replyCode: reply.code });
      return reply;
    };
    radius = client;
  });
  after(async () => {
    await radius?.close();
    await server?.stop();
  });

  async function eap(identity: string, method: EapMethodName, password: string) {
    rounds = [];
    return await radius!.eap({ identity, method, password });
  }

  /** The methods FreeRADIUS proposed (EAP-Request types after the Identity), in order. */
  function proposed(): number[] {
    return rounds.flatMap((round) =>
      round.replyCode === Code.AccessChallenge && round.reply !== undefined &&
        "type" in round.reply
        ? [round.reply.type]
        : []
    );
  }

  /** The method lists of the Naks the client sent. */
  function naks(): number[][] {
    return rounds.flatMap((round) =>
      round.request !== undefined && isNak(round.request)
        ? [decodeNak(round.request).map((type) => typeof type === "number" ? type : -1)]
        : []
    );
  }

  for (const { name, type } of methods) {
    test(`EAP-${name}: bob (Cleartext-Password) is accepted`, async () => {
      const result = await eap("bob", name, "hello");
      assert.equal(result.reply.codeName, "Access-Accept", server!.log().slice(-4000));
      assert.equal(result.authenticated, true);
      assert.equal(readEap(result.reply)?.code, EapCode.Success);
      assert.equal(result.reply.get("Reply-Message"), "Hello, bob");
      assert.ok(result.reply.has("Message-Authenticator"));
      if (name === "mschapv2") {
        // RFC 3079 §3.5 / RFC 5216 §2.3: the MSK's first half is the Recv-Key, the second the Send-Key.
        assert.equal(result.msk?.length, 32);
        assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 16));
        assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(16));
      } else {
        assert.equal(result.msk, undefined);
        assert.equal(result.reply.has("MS-MPPE-Send-Key"), false);
      }
    });

    test(`EAP-${name}: FreeRADIUS proposes MD5; ${name === "md5" ? "no Nak" : "a Nak asks for " + name}`, async () => {
      const result = await eap("bob", name, "hello");
      assert.equal(result.authenticated, true);
      const offered = proposed();
      assert.equal(offered[0], EapType.MD5Challenge, JSON.stringify(rounds));
      if (name === "md5") {
        assert.deepEqual(naks(), []);
        assert.deepEqual(offered, [EapType.MD5Challenge]);
      } else {
        // One Nak naming our method alone, then FreeRADIUS switches to it.
        assert.deepEqual(naks(), [[type]]);
        assert.equal(offered[1], type);
        assert.ok(offered.slice(1).every((t) => t === type), JSON.stringify(offered));
      }
      // Every round but the first answered an Access-Challenge, and the last got EAP-Success.
      assert.equal(rounds.at(-1)?.replyCode, Code.AccessAccept);
      assert.ok(rounds.slice(0, -1).every((round) => round.replyCode === Code.AccessChallenge));
    });

    test(`EAP-${name}: bob with a wrong password is rejected with EAP-Failure`, async () => {
      const result = await eap("bob", name, "hellO");
      assert.equal(result.reply.codeName, "Access-Reject", server!.log().slice(-4000));
      assert.equal(result.authenticated, false);
      assert.equal(result.msk, undefined);
      assert.equal(readEap(result.reply)?.code, EapCode.Failure);
      assert.ok(result.reply.has("Message-Authenticator"));
      assert.equal(result.reply.has("MS-MPPE-Send-Key"), false);
    });
  }

  test("EAP-mschapv2: carol, known only by NT-Password, is accepted with the MSK as MPPE keys", async () => {
    const result = await eap("carol", "mschapv2", "carolpass");
    assert.equal(result.reply.codeName, "Access-Accept", server!.log().slice(-4000));
    assert.equal(result.authenticated, true);
    assert.equal(result.reply.get("Reply-Message"), "Hello, carol");
    assert.equal(result.msk?.length, 32);
    assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 16));
    assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(16));
    assert.deepEqual(naks(), [[EapType.MSCHAPv2]]);
  });

  test("EAP-mschapv2: carol with a wrong password is rejected", async () => {
    const result = await eap("carol", "mschapv2", "carolpasS");
    assert.equal(result.reply.codeName, "Access-Reject");
    assert.equal(result.authenticated, false);
    assert.equal(readEap(result.reply)?.code, EapCode.Failure);
  });

  test("EAP-gtc: carol, known only by NT-Password, is accepted (GTC checks through PAP)", async () => {
    const result = await eap("carol", "gtc", "carolpass");
    assert.equal(result.reply.codeName, "Access-Accept", server!.log().slice(-4000));
    assert.equal(result.authenticated, true);
  });

  test("an unknown user is rejected with EAP-Failure and a Message-Authenticator", async () => {
    const result = await eap("mallory", "md5", "hello");
    assert.equal(result.reply.codeName, "Access-Reject");
    assert.equal(result.authenticated, false);
    assert.equal(readEap(result.reply)?.code, EapCode.Failure);
    assert.ok(result.reply.has("Message-Authenticator"));
  });
});
