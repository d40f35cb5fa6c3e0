// Drives an EapServer directly with Access-Requests as the Server would hand
// them over: encoded with the secret, then decoded.
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { type AttributesInit, Packet } from "../../src/packet.ts";
import { EapCode } from "../../src/eap/code.ts";
import { readEap, setEapMessage } from "../../src/eap/eap_message.ts";
import type { EapDataPacket, EapPacket } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";
import type { EapServer } from "../../src/eap/server/eap_server.ts";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import { dictionary, secret } from "./_rig.ts";

const encoder = new TextEncoder();

/** The request as the server receives it. */
export function received(request: Packet): Packet {
  return Packet.decode(request.encode(secret), { dictionary, secret });
}

/** An Access-Request carrying `eap` (a packet, or raw EAP-Message values) and `State`. */
export function accessRequest(
  eap: EapPacket | Uint8Array[],
  state?: Uint8Array,
  attributes: AttributesInit<AnyAttributes> = {},
): Packet {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    ...attributes,
    ...(state === undefined ? {} : { "State": state }),
  });
  if (Array.isArray(eap)) request.add("EAP-Message", eap);
  else setEapMessage(request, eap);
  return received(request);
}

export function response(identifier: number, type: number, data: Uint8Array): EapDataPacket {
  return { code: EapCode.Response, identifier, type, data };
}

export function identity(name: string, identifier = 1): EapDataPacket {
  return response(identifier, EapType.Identity, encoder.encode(name));
}

/** The EAP-Request of an Access-Challenge, and its State. */
export function challengeOf(reply: Packet | undefined): { eap: EapDataPacket; state: Uint8Array } {
  assert.equal(reply?.code, Code.AccessChallenge);
  const eap = readEap(reply!);
  assert.ok(eap !== undefined && eap.code === EapCode.Request && "type" in eap);
  const state = reply!.get("State");
  assert.ok(state instanceof Uint8Array && state.length === 16);
  return { eap, state };
}

/** Asserts an Access-Reject with EAP-Failure of `identifier`, counted under `reason`. */
export function assertRejected(
  eap: EapServer,
  reply: Packet | undefined,
  reason: string,
  identifier?: number,
): void {
  assert.equal(reply?.code, Code.AccessReject);
  const failure = readEap(reply!);
  assert.equal(failure?.code, EapCode.Failure);
  if (identifier !== undefined) assert.equal(failure?.identifier, identifier);
  const counted = eap.stats().rejectedBy as Record<string, number>;
  assert.equal(counted[reason], 1, `${reason}: ${JSON.stringify(counted)}`);
}
