// A TLS-method conversation driven by hand against an EapServer: the
// Identity that begins it, then Responses of the method with given Type-Data.
import { Code } from "../../../src/codec/code.ts";
import { EapCode } from "../../../src/eap/code.ts";
import { readEap, setEapMessage } from "../../../src/eap/eap_message.ts";
import type { EapServer } from "../../../src/eap/server/eap_server.ts";
import { EapType } from "../../../src/eap/type.ts";
import { Packet } from "../../../src/packet.ts";
import { dictionary } from "../_rig.ts";

/** Identity `identity` sent: the server's first Request (a Start), in its Access-Challenge. */
export async function begin(eap: EapServer, identity: string): Promise<Packet> {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": identity });
  setEapMessage(request, {
    code: EapCode.Response,
    identifier: 1,
    type: EapType.Identity,
    data: new TextEncoder().encode(identity),
  });
  return (await eap.handle(request))!;
}

/** The Response of EAP Type `type` with this Type-Data to the Request of `challenge`. */
export async function answer(
  eap: EapServer,
  challenge: Packet,
  type: number,
  typeData: Uint8Array,
  identity: string,
): Promise<Packet> {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": identity,
    State: challenge.get("State") as Uint8Array,
  });
  setEapMessage(request, {
    code: EapCode.Response,
    identifier: readEap(challenge)!.identifier,
    type,
    data: typeData,
  });
  return (await eap.handle(request))!;
}
