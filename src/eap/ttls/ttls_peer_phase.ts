/**
 * EAP-TTLS phase 2 on the peer (RFC 5281 §11): once the tunnel is up, the
 * peer sends its inner authentication at once as Diameter AVPs: PAP, CHAP,
 * MS-CHAP or MS-CHAP v2 attributes, or an EAP-Response/Identity that starts
 * an inner EAP conversation.
 *
 * @module
 */
import { randomBytes } from "../../crypto/random.ts";
import {
  buildMsChap2Response,
  buildMsChapResponse,
  parseMsChap2Success,
} from "../../mschap/attributes.ts";
import { ntChallengeResponse } from "../../mschap/challenge_response.ts";
import {
  checkAuthenticatorResponse,
  generateNtResponse,
  type MsChapV2Exchange,
} from "../../mschap/mschap_v2.ts";
import { ntPasswordHash } from "../../mschap/nt_password_hash.ts";
import { EapCode } from "../code.ts";
import { EapConversationError } from "../conversation_error.ts";
import { EapError } from "../error.ts";
import { identityResponse, notificationResponse } from "../methods/identity.ts";
import { md5ChallengeValue } from "../methods/md5_challenge.ts";
import type { PeerMethod } from "../methods/method.ts";
import { type PasswordMethodName, peerMethod } from "../methods/registry.ts";
import { encodeNak } from "../nak.ts";
import { decodeEap, type EapDataPacket, type EapPacket, encodeEap } from "../packet.ts";
import type { TunnelPeerContext, TunnelPeerPhase } from "../tls/tunnel.ts";
import { EapType } from "../type.ts";
import { type Avp, encodeAvps, mandatoryAvp, TtlsAvp } from "./avp.ts";
import { implicitChallenge } from "./implicit_challenge.ts";
import { type AvpName, eapMessageOf, readPhase2, singleAvp } from "./phase2_avps.ts";

/**
 * The inner authentication of an EAP-TTLS peer: PAP, CHAP, MS-CHAP (v1),
 * MS-CHAP v2 (RFC 5281 §11.2.2–§11.2.5), or EAP-MD5, EAP-MSCHAPv2 or
 * EAP-GTC in EAP-Message AVPs (§11.2.1).
 *
 * @example Usage
 * ```ts
 * import type { TtlsPeerInner } from "./ttls_peer_phase.ts";
 * import assert from "node:assert/strict";
 *
 * const inner: TtlsPeerInner = "eap-mschapv2";
 * assert.equal(inner, "eap-mschapv2");
 * ```
 */
export type TtlsPeerInner =
  | "pap"
  | "chap"
  | "mschap"
  | "mschapv2"
  | "eap-md5"
  | "eap-mschapv2"
  | "eap-gtc";

/**
 * What an EAP-TTLS peer authenticates with inside the tunnel.
 *
 * @example Usage
 * ```ts
 * import type { TtlsPeerOptions } from "./ttls_peer_phase.ts";
 * import assert from "node:assert/strict";
 *
 * const options: TtlsPeerOptions = { identity: "bob", password: "hello", inner: "pap" };
 * assert.equal(options.inner, "pap");
 * ```
 */
export interface TtlsPeerOptions {
  /** The inner identity: the User-Name, or the inner EAP-Response/Identity (≤ 253 octets). */
  readonly identity: string;
  /** The password. */
  readonly password: string;
  /** The inner authentication. */
  readonly inner: TtlsPeerInner;
}

/** RADIUS User-Name holds at most 253 octets (RFC 2865 §5.1). */
const MAX_IDENTITY = 253;
/** RFC 5281 §11.2.5: the password is padded with NULs to a multiple of 16 octets. */
const PASSWORD_BLOCK = 16;

const encoder = new TextEncoder();

/** What the peer reads from an MS-CHAP v2 server. */
const KNOWN_MSCHAPV2: readonly AvpName[] = [
  TtlsAvp.MsChap2Success,
  TtlsAvp.MsChapError,
  TtlsAvp.ReplyMessage,
];
/** What the peer reads from a server running inner EAP. */
const KNOWN_EAP: readonly AvpName[] = [TtlsAvp.EapMessage, TtlsAvp.ReplyMessage];

function bad(why: string, cause?: unknown): EapConversationError {
  return new EapConversationError(
    "bad-method-data",
    `EAP-TTLS phase 2: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}

function checkOptions(options: TtlsPeerOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Pass ttlsPeerPhase() { identity, password, inner }");
  }
  const { identity, password, inner } = options;
  if (typeof identity !== "string" || encoder.encode(identity).length > MAX_IDENTITY) {
    throw new TypeError(
      `The EAP-TTLS inner identity must be a string of at most ${MAX_IDENTITY} octets`,
    );
  }
  if (typeof password !== "string") {
    throw new TypeError("The EAP-TTLS inner password must be a string");
  }
  const inners: readonly string[] = [
    "pap",
    "chap",
    "mschap",
    "mschapv2",
    "eap-md5",
    "eap-mschapv2",
    "eap-gtc",
  ];
  if (!inners.includes(inner)) {
    throw new TypeError(`The EAP-TTLS inner authentication must be one of ${inners.join(", ")}`);
  }
}

/** RFC 5281 §11.2.5: the password NUL-padded to a multiple of 16 octets (16 NULs for none). */
function paddedPassword(password: string): Uint8Array {
  const bytes = encoder.encode(password);
  const length = Math.max(
    PASSWORD_BLOCK,
    Math.ceil(bytes.length / PASSWORD_BLOCK) * PASSWORD_BLOCK,
  );
  const out = new Uint8Array(length);
  out.set(bytes);
  return out;
}

/**
 * EAP-TTLS phase 2 on the peer. `start()` returns the first AVPs, with the
 * M flag set on each as wpa_supplicant sends them:
 * - PAP: User-Name and User-Password (NUL-padded to 16 octets, §11.2.5);
 * - CHAP: User-Name, CHAP-Challenge and CHAP-Password, answering the
 *   implicit challenge the tunnel's exporter gives (§11.1, §11.2.2);
 * - MS-CHAP: User-Name, MS-CHAP-Challenge and MS-CHAP-Response (§11.2.3);
 * - MS-CHAP v2: User-Name, MS-CHAP-Challenge and MS-CHAP2-Response
 *   (§11.2.4);
 * - inner EAP: an EAP-Message AVP holding the EAP-Response/Identity
 *   (Identifier 0, as wpa_supplicant answers the Identity Request it
 *   assumes), without a User-Name AVP, as wpa_supplicant sends it.
 *
 * PAP, CHAP and MS-CHAP are `finished` once sent: the server certificate
 * authenticated the server, and these methods have no server proof.
 * MS-CHAP v2 is finished only when the server's MS-CHAP2-Success carries the
 * right `S=` proof, answered with an empty message; a wrong one throws
 * `"server-not-authenticated"`; an MS-CHAP-Error is acknowledged with an
 * empty message (the server then sends EAP-Failure). Inner EAP Requests are
 * answered by radkit's peer methods (a Request of another type with a Nak);
 * it is finished when the inner method is.
 *
 * @param options The inner identity, password and authentication.
 * @returns A maker of the phase for one conversation.
 * @throws {TypeError} For options that are not a string identity of at most 253 octets, a string password and a known `inner`.
 *
 * @example Usage
 * ```ts
 * import { ttlsPeerPhase } from "./ttls_peer_phase.ts";
 * import { ttlsServerPhase } from "./ttls_server_phase.ts";
 * import assert from "node:assert/strict";
 *
 * // Both sides of one tunnel share its exporter (here a stand-in).
 * const exportKeyingMaterial = (length: number) => Uint8Array.from({ length }, (_, i) => i * 7);
 * const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner: "mschapv2" })({
 *   exportKeyingMaterial,
 * });
 * const server = ttlsServerPhase({
 *   outerIdentity: "anonymous",
 *   credentials: async () => ({ password: "hello" }),
 *   innerMethods: ["mschapv2"],
 *   gtcPrompt: "Password",
 *   exportKeyingMaterial,
 * });
 * const turn = await server.start(await peer.start(new Uint8Array(0), 7), 8);
 * assert.equal(turn.next, "send"); // MS-CHAP2-Success
 * const ack = turn.next === "send" ? await peer.receive(turn.plaintext, 8) : undefined;
 * assert.equal(peer.finished, true);
 * assert.deepEqual(await server.receive(ack!, 9), {
 *   next: "success",
 *   identity: "bob",
 *   method: "ttls/mschapv2",
 * });
 * ```
 */
export function ttlsPeerPhase(
  options: TtlsPeerOptions,
): (context: TunnelPeerContext) => TunnelPeerPhase {
  checkOptions(options);
  const { identity, password, inner } = options;
  return (context) => {
    if (inner.startsWith("eap-")) {
      const name = inner.slice("eap-".length) as PasswordMethodName;
      return innerEapPeer(identity, peerMethod(name, identity, password));
    }
    return passwordPeer(
      identity,
      password,
      inner as "pap" | "chap" | "mschap" | "mschapv2",
      context,
    );
  };
}

/** PAP, CHAP, MS-CHAP and MS-CHAP v2: one message, and for v2 the server's proof. */
function passwordPeer(
  identity: string,
  password: string,
  inner: "pap" | "chap" | "mschap" | "mschapv2",
  context: TunnelPeerContext,
): TunnelPeerPhase {
  const userName = mandatoryAvp(TtlsAvp.UserName, encoder.encode(identity));
  let finished = false;
  let started = false;
  /** MS-CHAP v2: what the server's proof is checked against, until it is. */
  let pending: { exchange: MsChapV2Exchange; ntResponse: Uint8Array; ident: number } | undefined;

  function firstAvps(): Avp[] {
    switch (inner) {
      case "pap":
        return [userName, mandatoryAvp(TtlsAvp.UserPassword, paddedPassword(password))];
      case "chap": {
        const { challenge, ident } = implicitChallenge(
          (length, label) => context.exportKeyingMaterial(length, label),
          16,
        );
        const chapPassword = new Uint8Array(17);
        chapPassword[0] = ident;
        chapPassword.set(md5ChallengeValue(ident, password, challenge), 1);
        return [
          userName,
          mandatoryAvp(TtlsAvp.ChapChallenge, challenge),
          mandatoryAvp(TtlsAvp.ChapPassword, chapPassword),
        ];
      }
      case "mschap": {
        const { challenge, ident } = implicitChallenge(
          (length, label) => context.exportKeyingMaterial(length, label),
          8,
        );
        const response = buildMsChapResponse(ident, ntChallengeResponse(challenge, password));
        return [
          userName,
          mandatoryAvp(TtlsAvp.MsChapChallenge, challenge),
          mandatoryAvp(TtlsAvp.MsChapResponse, response),
        ];
      }
      case "mschapv2": {
        const { challenge, ident } = implicitChallenge(
          (length, label) => context.exportKeyingMaterial(length, label),
          16,
        );
        const exchange: MsChapV2Exchange = {
          authenticatorChallenge: challenge,
          peerChallenge: randomBytes(16),
          username: identity,
          passwordHash: ntPasswordHash(password),
        };
        const ntResponse = generateNtResponse(exchange);
        pending = { exchange, ntResponse, ident };
        return [
          userName,
          mandatoryAvp(TtlsAvp.MsChapChallenge, challenge),
          mandatoryAvp(
            TtlsAvp.MsChap2Response,
            buildMsChap2Response(ident, exchange.peerChallenge, ntResponse),
          ),
        ];
      }
    }
  }

  /** RFC 5281 §11.2.4: MS-CHAP2-Success with the `S=` proof, or MS-CHAP-Error. */
  function serverProof(plaintext: Uint8Array): Uint8Array {
    const reading = readPhase2(plaintext, KNOWN_MSCHAPV2);
    if (!reading.ok) throw bad(reading.message);
    if (singleAvp(reading.avps, TtlsAvp.MsChapError) !== undefined) {
      // Refused: acknowledged with no data, as wpa_supplicant does; EAP-Failure follows.
      pending = undefined;
      return new Uint8Array(0);
    }
    const value = singleAvp(reading.avps, TtlsAvp.MsChap2Success);
    if (!(value instanceof Uint8Array)) {
      throw bad("the answer to MS-CHAP v2 holds neither one MS-CHAP2-Success nor MS-CHAP-Error");
    }
    const success = parseMsChap2Success(value);
    const proven = success !== undefined && success.ident === pending!.ident &&
      checkAuthenticatorResponse(pending!.exchange, pending!.ntResponse, success.text);
    pending = undefined;
    if (!proven) {
      throw new EapConversationError(
        "server-not-authenticated",
        "EAP-TTLS/MS-CHAP v2: the server's MS-CHAP2-Success does not prove that it knows " +
          "the password (RFC 2759 §8.8)",
      );
    }
    finished = true;
    // RFC 5281 §11.2.4: acknowledged with no data; EAP-Success follows.
    return new Uint8Array(0);
  }

  return {
    start(plaintext) {
      if (started) throw new Error("The EAP-TTLS phase 2 has already started");
      // The server waits for the peer's AVPs (RFC 5281 §11.2): it sends nothing first.
      if (plaintext.length > 0) throw bad("the server sent data before the peer's first AVPs");
      started = true;
      const avps = firstAvps();
      if (inner !== "mschapv2") finished = true;
      return encodeAvps(avps);
    },
    receive(plaintext) {
      if (plaintext.length === 0) return new Uint8Array(0);
      if (pending === undefined) {
        throw bad(`the server sent data when ${inner.toUpperCase()} expects none`);
      }
      return serverProof(plaintext);
    },
    get finished() {
      return finished;
    },
  };
}

/** Inner EAP (RFC 5281 §11.2.1): the Identity Response, then the method's Responses. */
function innerEapPeer(identity: string, method: PeerMethod): TunnelPeerPhase {
  const wrap = (packet: EapPacket): Uint8Array =>
    encodeAvps([mandatoryAvp(TtlsAvp.EapMessage, encodeEap(packet))]);

  async function answer(request: EapDataPacket): Promise<Uint8Array> {
    const { identifier, type } = request;
    if (type === EapType.Identity) return wrap(identityResponse(identifier, identity));
    if (type === EapType.Notification) return wrap(notificationResponse(identifier));
    if (type !== method.type) {
      // RFC 3748 §5.3.2: an Expanded Request is refused with an Expanded Nak.
      const expanded = type === EapType.Expanded;
      return wrap(encodeNak(identifier, [method.type], { expanded }));
    }
    const data = await method.respond(identifier, request.data);
    return wrap({ code: EapCode.Response, identifier, type, data });
  }

  async function receive(plaintext: Uint8Array): Promise<Uint8Array> {
    if (plaintext.length === 0) return new Uint8Array(0);
    const reading = readPhase2(plaintext, KNOWN_EAP);
    if (!reading.ok) throw bad(reading.message);
    const bytes = eapMessageOf(reading.avps);
    if (bytes === undefined) throw bad("the server's message holds no EAP-Message");
    let packet: EapPacket;
    try {
      packet = decodeEap(bytes);
    } catch (error) {
      if (error instanceof EapError) throw bad("the inner EAP packet does not parse", error);
      throw error;
    }
    // An inner EAP-Success or Failure, which some servers tunnel: nothing
    // to answer; the outer EAP-Success or Failure follows.
    if (packet.code === EapCode.Success || packet.code === EapCode.Failure) {
      return new Uint8Array(0);
    }
    if (packet.code !== EapCode.Request || !("type" in packet)) {
      throw bad(`an inner EAP packet of code ${packet.code} where a Request was expected`);
    }
    return await answer(packet);
  }

  let started = false;
  return {
    async start(plaintext) {
      if (started) throw new Error("The EAP-TTLS phase 2 has already started");
      started = true;
      // A server that opens with its own Request (an Identity Request) is answered.
      if (plaintext.length > 0) return await receive(plaintext);
      return wrap(identityResponse(0, identity));
    },
    receive,
    get finished() {
      return method.finished;
    },
  };
}
