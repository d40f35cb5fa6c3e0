/**
 * PEAPv0's phase 2 on the peer ([MS-PEAP] §3.2): it waits for the
 * server's inner Requests, answers the inner Identity with the inner (real)
 * identity, runs the configured inner method (a Nak asks for it when the
 * server proposes another), and answers the server's Result TLV. Inner
 * packets travel headerless except the Extensions packets (see
 * `inner_eap.ts`).
 *
 * @module
 */
import { EapCode } from "../code.ts";
import { EapConversationError } from "../conversation_error.ts";
import { identityResponse, notificationResponse } from "../methods/identity.ts";
import { peerMethod } from "../methods/registry.ts";
import { encodeNak } from "../nak.ts";
import type { EapDataPacket } from "../packet.ts";
import type { TunnelPeerContext, TunnelPeerPhase } from "../tls/tunnel.ts";
import { EapType } from "../type.ts";
import { MAX_INNER_PLAINTEXT, restoreInnerHeader, stripInnerHeader } from "./inner_eap.ts";
import { type PeapResult, readExtensions, resultPacket } from "./result_tlv.ts";

/** The most inner Requests the peer answers in one conversation (see `MAX_INNER_REQUESTS`). */
const MAX_INNER_REQUESTS = 16;
/** The first method Type (RFC 3748 §5: 1..3 are Identity, Notification and Nak). */
const FIRST_METHOD = 4;

/** Options of {@linkcode peapPeerPhase}. */
export interface PeapPeerOptions {
  /** The inner identity (the real user name; the outer one may be anonymous). */
  readonly identity: string;
  /** The password. */
  readonly password: string;
  /** The inner EAP method. */
  readonly method: "mschapv2" | "gtc" | "md5";
}

/**
 * PEAPv0's phase 2 for one peer conversation. `finished` becomes `true`
 * only when the server's Result TLV Success is answered with Success, and
 * that only once the inner method has done its part (for EAP-MSCHAPv2,
 * the server has proved it knows the password): [MS-PEAP] §3.1.5.1 makes
 * the Result TLV PEAP's protected success indication. A Result Success
 * before that is answered with Failure (as wpa_supplicant does), so that
 * the server ends with EAP-Failure and `finished` stays `false`.
 *
 * A headerless Request takes the Identifier of the outer EAP-Request that
 * carried it ([MS-PEAP] §3.1.5.6, as hostapd and FreeRADIUS number them;
 * EAP-MD5 hashes it); an Extensions Request (or FreeRADIUS's whole Identity
 * Request) brings its own.
 *
 * @param options The inner identity, the password and the inner method.
 * @returns The factory of the phase, for the tunnel machinery.
 * @throws {TypeError} for options that cannot work.
 */
export function peapPeerPhase(
  options: PeapPeerOptions,
): (context: TunnelPeerContext) => TunnelPeerPhase {
  const { identity, password, method: name } = options ?? {};
  if (typeof identity !== "string") {
    throw new TypeError("PEAP needs the inner identity as a string");
  }
  if (typeof password !== "string") throw new TypeError("PEAP needs the password as a string");
  if (name !== "mschapv2" && name !== "gtc" && name !== "md5") {
    throw new TypeError(
      `PEAP inner method must be "mschapv2", "gtc" or "md5", got ${String(name)}`,
    );
  }
  return () => {
    const method = peerMethod(name, identity, password);
    let requests = 0;
    /** Set once a Result TLV is answered: nothing more is expected. */
    let answered: PeapResult | undefined;

    const bad = (why: string): EapConversationError =>
      new EapConversationError("bad-method-data", `PEAP phase 2: ${why}`);

    const answerResult = (request: EapDataPacket, result: PeapResult): Uint8Array => {
      answered = result;
      return stripInnerHeader(resultPacket(EapCode.Response, request.identifier, result));
    };

    const onExtensions = (request: EapDataPacket): Uint8Array => {
      const reading = readExtensions(request.data);
      if (!reading.ok) {
        throw bad(`an Extensions Request whose TLVs do not parse (${reading.reason})`);
      }
      // [MS-PEAP] §2.2.4: a mandatory TLV not understood makes the packet
      // unacceptable; answering Failure ends the conversation cleanly.
      // (A Crypto-Binding TLV is understood and left unanswered: see readExtensions.)
      if (reading.unknownMandatory !== undefined) return answerResult(request, "failure");
      if (reading.result === undefined) throw bad("an Extensions Request without a Result TLV");
      if (reading.result === "failure") return answerResult(request, "failure");
      // Success only for an inner method that did its part: a server that
      // skipped it, or failed to prove itself, does not get our Success.
      return answerResult(request, method.finished ? "success" : "failure");
    };

    const receive = async (plaintext: Uint8Array, outer: number): Promise<Uint8Array> => {
      if (answered !== undefined) throw bad("an inner Request after the Result TLV was answered");
      if (plaintext.length === 0) throw bad("an empty inner packet");
      if (plaintext.length > MAX_INNER_PLAINTEXT) {
        throw bad(`an inner packet of ${plaintext.length} octets (at most ${MAX_INNER_PLAINTEXT})`);
      }
      if (requests >= MAX_INNER_REQUESTS) {
        throw bad(`more than ${MAX_INNER_REQUESTS} inner Requests`);
      }
      const request = restoreInnerHeader(plaintext, EapCode.Request, outer & 0xff);
      if (request === undefined) throw bad("plaintext that is no inner EAP Request");
      requests++;
      const { identifier, type } = request;
      switch (type) {
        case EapType.Identity:
          return stripInnerHeader(identityResponse(identifier, identity));
        case EapType.Notification:
          return stripInnerHeader(notificationResponse(identifier));
        case EapType.Extensions:
          return onExtensions(request);
        case method.type: {
          const data = await method.respond(identifier, request.data);
          return stripInnerHeader({ code: EapCode.Response, identifier, type, data });
        }
      }
      if (type < FIRST_METHOD) throw bad(`an inner Request of Type ${type}`);
      // Any other method: ask for ours (RFC 3748 §5.3.1; §5.3.2 for an expanded Request).
      const nak = encodeNak(identifier, [method.type], { expanded: type === EapType.Expanded });
      return stripInnerHeader(nak);
    };

    return {
      // PEAP's peer waits for the server's inner Identity Request, unless
      // it came with the server's last handshake flight.
      start: (plaintext, outer) =>
        plaintext.length === 0 ? new Uint8Array(0) : receive(plaintext, outer),
      receive,
      get finished() {
        return answered === "success";
      },
    };
  };
}
