/**
 * The client's whole EAP conversation (RFC 3579 §2.1): an Access-Request
 * with the EAP-Response/Identity, then one Access-Request per
 * Access-Challenge (the State returned, the previous attributes repeated),
 * until an Access-Accept or Access-Reject ends it.
 *
 * @module
 */
import type { DictionaryView } from "../../codec/attribute.ts";
import type { AnyAttributes } from "../../attribute_map.ts";
import { Code } from "../../codec/code.ts";
import { randomByte } from "../../crypto/random.ts";
import { type AttributesInit, Packet } from "../../packet.ts";
import { EapCode } from "../code.ts";
import { EapConversationError } from "../conversation_error.ts";
import { readEap, setEapMessage } from "../eap_message.ts";
import { encodeNak } from "../nak.ts";
import { nextEapRequest } from "../next_request.ts";
import type { EapDataPacket, EapPacket } from "../packet.ts";
import { EapType } from "../type.ts";
import { identityResponse, notificationResponse, readNotification } from "../methods/identity.ts";
import { type EapMethodName, isEapMethodName, type PeerMethod } from "../methods/method.ts";
import { peerMethod } from "../methods/registry.ts";
import { type EapTlsClientOptions, eapTlsPeer } from "../tls/eap_tls_peer.ts";
import {
  isPeapInnerMethod,
  isTtlsInnerMethod,
  type PeapInnerMethod,
  peapPeer,
  type TtlsInnerMethod,
  ttlsPeer,
} from "../tls/tunnel_peers.ts";

/**
 * Options of `Client.eap`: who, how, and with which password.
 *
 * @example Usage
 * ```ts
 * import type { EapClientOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: EapClientOptions = {
 *   identity: "bob",
 *   method: "mschapv2",
 *   password: "hello",
 *   attributes: { "NAS-Identifier": "ap-1", "Calling-Station-Id": "02-00-00-00-00-01" },
 *   signal: AbortSignal.timeout(10_000),
 * };
 * assert.equal(options.method, "mschapv2");
 * ```
 */
export interface EapClientOptions<A extends object = AnyAttributes> {
  /**
   * The EAP identity; also the User-Name, unless `attributes` gives one
   * (RFC 3579 §2.1). With PEAP and TTLS, the inner identity, whose
   * password is checked (see `anonymousIdentity`).
   */
  identity: string;
  /** The method to authenticate with; a server that proposes another gets a Nak asking for it. */
  method: EapMethodName;
  /** The password (not for `"tls"`). */
  password?: string;
  /**
   * For `"tls"`, `"peap"` and `"ttls"`: the TLS engine and the CA the
   * server's certificate must chain to (its name too, with `serverName`);
   * for `"tls"` also this peer's certificate and key.
   */
  tls?: EapTlsClientOptions;
  /**
   * The inner authentication: for `"peap"` one of `"mschapv2"` (default),
   * `"gtc"`, `"md5"`; for `"ttls"` one of `"pap"` (default), `"chap"`,
   * `"mschap"`, `"mschapv2"`, `"eap-md5"`, `"eap-mschapv2"`, `"eap-gtc"`.
   */
  inner?: PeapInnerMethod | TtlsInnerMethod;
  /**
   * PEAP and TTLS: the identity sent outside the tunnel, in the clear
   * (EAP-Response/Identity and User-Name), such as `"anonymous@example.com"`
   * (RFC 5281 §7.3); the default is `identity`.
   */
  anonymousIdentity?: string;
  /** More attributes for every Access-Request of the conversation (NAS-*, Calling-Station-Id, …). */
  attributes?: AttributesInit<A>;
  /** Cancels the conversation: the pending request rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The most Access-Challenges to answer (default 50). */
  maxRounds?: number;
}

/**
 * How an EAP conversation ended.
 *
 * @example Usage
 * ```ts
 * import { Code, type EapResult } from "@radkit/radius";
 *
 * function describe(result: EapResult): string {
 *   if (!result.authenticated) return `refused (${result.reply.codeName})`;
 *   return result.msk === undefined ? "accepted" : `accepted, ${result.msk.length}-octet MSK`;
 * }
 * void describe;
 * void Code;
 * ```
 */
export interface EapResult<A extends object = AnyAttributes> {
  /** The final reply: an Access-Accept or an Access-Reject. */
  reply: Packet<A>;
  /**
   * An Access-Accept with EAP-Success after the method did its part (for
   * EAP-MSCHAPv2: after the server proved that it knows the password).
   */
  authenticated: boolean;
  /** The method's Master Session Key, when authenticated by a method that derives one (EAP-MSCHAPv2). */
  msk?: Uint8Array;
  /**
   * The EAP Session-Id (RFC 5247 §1.4) of the TLS methods, when
   * authenticated: what a server sends as EAP-Key-Name.
   */
  sessionId?: Uint8Array;
  /** The messages of the EAP-Request/Notifications received (RFC 3748 §5.2), in order. */
  notifications: string[];
}

/** Sends one Access-Request and resolves with its verified reply. */
export type SendAccessRequest<A extends object> = (packet: Packet<A>) => Promise<Packet<A>>;

/**
 * Runs an EAP conversation over `send` (what `Client.eap` does with
 * `Client.send`).
 *
 * @param send Sends an Access-Request and resolves with its verified reply.
 * @param dictionary Names the attributes of the requests.
 * @param options Identity, method, password and more attributes.
 * @returns The final reply, and the MSK.
 * @throws {EapConversationError} when the server breaks the protocol.
 * @throws {TypeError} for options that cannot work.
 */
export async function runEap<A extends object>(
  send: SendAccessRequest<A>,
  dictionary: DictionaryView<A>,
  options: EapClientOptions<A>,
): Promise<EapResult<A>> {
  const { identity, method: name, password } = options ?? {};
  if (typeof identity !== "string") throw new TypeError("eap() needs the identity as a string");
  if (!isEapMethodName(name)) {
    throw new TypeError(
      `eap() method must be "md5", "gtc", "mschapv2", "peap", "ttls" or "tls", got ${String(name)}`,
    );
  }
  const usesTls = name === "tls" || name === "peap" || name === "ttls";
  if (usesTls && typeof options.tls?.engine?.open !== "function") {
    throw new TypeError(
      `eap() method "${name}" needs tls: { engine: tlsEngine(), ca${
        name === "tls" ? ", cert, key" : ""
      } } (tlsEngine from "@radkit/radius/adapters/…")`,
    );
  }
  if (name === "tls") {
    if (options.tls!.cert === undefined || options.tls!.key === undefined) {
      throw new TypeError('eap() method "tls" needs tls.cert and tls.key: the peer\'s certificate');
    }
  } else if (typeof password !== "string") {
    throw new TypeError("eap() needs the password as a string");
  }
  const maxRounds = options.maxRounds ?? 50;
  if (!Number.isSafeInteger(maxRounds) || maxRounds < 1) {
    throw new TypeError(`eap() maxRounds must be a positive integer, got ${String(maxRounds)}`);
  }
  const outer = options.anonymousIdentity ?? identity;
  if (typeof outer !== "string") throw new TypeError("eap() anonymousIdentity must be a string");
  const method = peerFor(options, name, identity, password);
  try {
    return await converse(send, dictionary, options, outer, method, maxRounds);
  } finally {
    method.close?.();
  }
}

/** The peer side of the method asked for. */
function peerFor(
  options: Pick<EapClientOptions, "tls" | "inner">,
  name: EapMethodName,
  identity: string,
  password: string | undefined,
): PeerMethod {
  const inner = options.inner;
  switch (name) {
    case "tls":
      return eapTlsPeer(options.tls!);
    case "peap": {
      if (inner !== undefined && !isPeapInnerMethod(inner)) {
        throw new TypeError(`eap() PEAP's inner must be "mschapv2", "gtc" or "md5", got ${inner}`);
      }
      return peapPeer(options.tls!, { identity, password: password!, method: inner ?? "mschapv2" });
    }
    case "ttls": {
      if (inner !== undefined && !isTtlsInnerMethod(inner)) {
        throw new TypeError(
          `eap() TTLS's inner must be "pap", "chap", "mschap", "mschapv2", "eap-md5", "eap-mschapv2" or "eap-gtc", got ${inner}`,
        );
      }
      return ttlsPeer(options.tls!, { identity, password: password!, inner: inner ?? "pap" });
    }
    default:
      return peerMethod(name, identity, password!);
  }
}

async function converse<A extends object>(
  send: SendAccessRequest<A>,
  dictionary: DictionaryView<A>,
  options: EapClientOptions<A>,
  identity: string,
  method: PeerMethod,
  maxRounds: number,
): Promise<EapResult<A>> {
  const notifications: string[] = [];
  let request = Packet.create(Code.AccessRequest, dictionary, options.attributes ?? {});
  const loose = request as unknown as Packet<AnyAttributes>;
  if (!loose.has("User-Name")) loose.set("User-Name", identity);
  setEapMessage(request, identityResponse(randomByte(), identity));
  for (let round = 0;; round++) {
    options.signal?.throwIfAborted();
    const reply = await send(request);
    if (reply.code !== Code.AccessChallenge) return result(reply, method, notifications);
    if (round >= maxRounds) {
      throw new EapConversationError(
        "too-many-rounds",
        `The server sent more than ${maxRounds} Access-Challenges`,
      );
    }
    const eap = challengeEap(reply);
    request = nextEapRequest(request, reply, await respond(eap, identity, method, notifications));
  }
}

/** The EAP-Request of an Access-Challenge (RFC 3579 §2.6.3: it must carry one). */
function challengeEap<A extends object>(reply: Packet<A>): EapDataPacket {
  let eap: EapPacket | undefined;
  try {
    eap = readEap(reply);
  } catch (error) {
    throw new EapConversationError(
      "bad-eap",
      `The Access-Challenge's EAP-Message does not decode: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (eap === undefined) {
    throw new EapConversationError(
      "no-eap-message",
      "The Access-Challenge carries no EAP-Message (RFC 3579 §2.6.3)",
    );
  }
  if (eap.code !== EapCode.Request || !("type" in eap)) {
    throw new EapConversationError(
      "unexpected-code",
      `The Access-Challenge carries an EAP ${eap.code} packet, not a Request (RFC 3579 §2.6.3)`,
    );
  }
  return eap;
}

/** The peer's Response to a Request (RFC 3748 §5). */
async function respond(
  eap: EapDataPacket,
  identity: string,
  method: PeerMethod,
  notifications: string[],
): Promise<EapDataPacket> {
  const { identifier, type } = eap;
  if (type === EapType.Identity) return identityResponse(identifier, identity);
  if (type === EapType.Notification) {
    notifications.push(readNotification(eap.data));
    return notificationResponse(identifier);
  }
  if (type === method.type) {
    return {
      code: EapCode.Response,
      identifier,
      type,
      data: await method.respond(identifier, eap.data),
    };
  }
  // Any other method: ask for ours (RFC 3748 §5.3.1; §5.3.2 for an expanded Request).
  return encodeNak(identifier, [method.type], { expanded: type === EapType.Expanded });
}

function result<A extends object>(
  reply: Packet<A>,
  method: PeerMethod,
  notifications: string[],
): EapResult<A> {
  let eap: EapPacket | undefined;
  try {
    eap = readEap(reply);
  } catch {
    eap = undefined;
  }
  const authenticated = reply.code === Code.AccessAccept && eap?.code === EapCode.Success &&
    method.finished;
  const msk = authenticated ? method.msk : undefined;
  const sessionId = authenticated ? method.sessionId : undefined;
  return {
    reply,
    authenticated,
    ...(msk === undefined ? {} : { msk }),
    ...(sessionId === undefined ? {} : { sessionId }),
    notifications,
  };
}
