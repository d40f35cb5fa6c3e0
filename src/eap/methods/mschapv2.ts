/**
 * EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2-02): MS-CHAP v2 (RFC 2759)
 * carried in EAP. Every packet starts with an OpCode, the MS-CHAPv2-ID and
 * MS-Length (the Type-Data's length, draft §2); the server sends a
 * Challenge, the peer a Response, then the server a Success Request with
 * its authenticator response `S=…` (which the peer checks: the server
 * proves it knows the password too) and the peer a one-octet Success
 * Response, or the server a Failure Request `E=691 …` and the peer a
 * one-octet Failure Response. The MSK is the server's MPPE receive key
 * followed by its send key (RFC 3079 §3.3; [MS-CHAP] §3.1.5.1), 32
 * octets, as hostapd and wpa_supplicant derive it.
 *
 * @module
 */
import { randomBytes } from "../../crypto/random.ts";
import { timingSafeEqual } from "../../crypto/timing_safe_equal.ts";
import { ntHashOf } from "../../mschap/credential.ts";
import { buildAuthenticationFailure } from "../../mschap/ms_chap_error.ts";
import { msChapV2MppeKeys } from "../../mschap/mppe_keys.ts";
import {
  checkAuthenticatorResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
  type MsChapV2Exchange,
} from "../../mschap/mschap_v2.ts";
import { ntPasswordHash } from "../../mschap/nt_password_hash.ts";
import { fromHex, toHex } from "../_hex.ts";
import { EapConversationError } from "../conversation_error.ts";
import { EapType } from "../type.ts";
import type { PasswordPeerMethod, ServerMethod, ServerStep } from "./method.ts";

/** The OpCodes (draft-kamath-pppext-eap-mschapv2-02 §2). */
const CHALLENGE = 1;
const RESPONSE = 2;
const SUCCESS = 3;
const FAILURE = 4;

/** OpCode, MS-CHAPv2-ID, MS-Length. */
const HEADER = 4;
/** Peer-Challenge (16), Reserved (8), NT-Response (24), Flags (1): RFC 2759 §4. */
const RESPONSE_VALUE = 49;
/** The server's name in its Challenge (draft §2.1: the authenticator's name). */
const SERVER_NAME = new TextEncoder().encode("radkit");
const SUCCESS_MESSAGE = "OK";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** OpCode, MS-CHAPv2-ID, MS-Length (the whole Type-Data), then `body`. */
function packet(opCode: number, id: number, ...body: Uint8Array[]): Uint8Array {
  let length = HEADER;
  for (const part of body) length += part.length;
  const out = new Uint8Array(length);
  out[0] = opCode;
  out[1] = id;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  let offset = HEADER;
  for (const part of body) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The part after the backslash of `DOMAIN\user`: what RFC 2759 §8.2 hashes. */
function withoutDomain(name: string): string {
  const backslash = name.indexOf("\\");
  return backslash === -1 ? name : name.slice(backslash + 1);
}

/** The server side: Challenge, then Success or Failure Request, then EAP-Success or Failure. */
export const msChapV2Server: ServerMethod = {
  name: "mschapv2",
  type: EapType.MSCHAPv2,
  verifies: () => true,
  start(context) {
    const challenge = randomBytes(16);
    // The MS-CHAPv2-ID of a Challenge is the EAP Identifier (draft §2.1, as hostapd sends it).
    const data = packet(
      CHALLENGE,
      context.identifier,
      new Uint8Array([16]),
      challenge,
      SERVER_NAME,
    );
    return { data, state: { phase: "challenge", challenge: toHex(challenge) } };
  },
  async step(state, data, context): Promise<ServerStep> {
    const opCode = data[0];
    switch (state.phase) {
      case "challenge": {
        if (opCode !== RESPONSE || data.length < HEADER + 1 + RESPONSE_VALUE) break;
        if (data[HEADER] !== RESPONSE_VALUE) break;
        const authenticatorChallenge = fromHex(String(state.challenge));
        if (authenticatorChallenge === undefined || authenticatorChallenge.length !== 16) break;
        const id = data[1]!;
        const value = data.subarray(HEADER + 1, HEADER + 1 + RESPONSE_VALUE);
        const peerChallenge = value.slice(0, 16);
        const ntResponse = value.slice(24, 48);
        const name = decoder.decode(data.subarray(HEADER + 1 + RESPONSE_VALUE));
        const credential = await context.credentials();
        // The Name hashed must be the identity the credential was found for
        // (after any DOMAIN\ prefix, RFC 2759 §8.2), as hostapd insists.
        const sameUser = withoutDomain(name) === withoutDomain(context.identity);
        if (credential !== undefined && sameUser) {
          const passwordHash = ntHashOf(credential);
          const exchange: MsChapV2Exchange = {
            authenticatorChallenge,
            peerChallenge,
            username: name,
            passwordHash,
          };
          if (timingSafeEqual(generateNtResponse(exchange), ntResponse)) {
            const proof = generateAuthenticatorResponse(exchange, ntResponse);
            const keys = msChapV2MppeKeys(passwordHash, ntResponse);
            const msk = new Uint8Array(32);
            msk.set(keys.recvKey, 0);
            msk.set(keys.sendKey, 16);
            passwordHash.fill(0);
            // The Success Request repeats the Response's MS-CHAPv2-ID (draft §2.3).
            const message = encoder.encode(`${proof} M=${SUCCESS_MESSAGE}`);
            return {
              next: "request",
              data: packet(SUCCESS, id, message),
              state: { phase: "success", msk: toHex(msk) },
            };
          }
          passwordHash.fill(0);
        }
        // E=691 R=0 C=… V=3 M=… (RFC 2759 §6): no retry offered.
        const failure = buildAuthenticationFailure(id, 2).subarray(1);
        return { next: "request", data: packet(FAILURE, id, failure), state: { phase: "failure" } };
      }
      case "success": {
        if (opCode === SUCCESS) return { next: "success", msk: fromHex(String(state.msk)) };
        if (opCode === FAILURE) return { next: "failure", reason: "peer-failure" };
        break;
      }
      case "failure":
        // Whatever the peer answers a Failure Request with, it has failed (draft §2.5).
        return { next: "failure", reason: "authentication-failed" };
    }
    return { next: "failure", reason: "bad-method-data" };
  },
};

/**
 * The peer side: answers the Challenge, checks the server's `S=` proof in
 * the Success Request and answers Success only when it holds (else
 * Failure, so that the server ends the conversation with EAP-Failure).
 */
export function msChapV2Peer(identity: string, password: string): PasswordPeerMethod {
  const passwordHash = ntPasswordHash(password);
  let exchange: MsChapV2Exchange | undefined;
  let ntResponse: Uint8Array | undefined;
  let msk: Uint8Array | undefined;
  const bad = (why: string): EapConversationError =>
    new EapConversationError("bad-method-data", `EAP-MSCHAPv2: ${why}`);
  return {
    name: "mschapv2",
    type: EapType.MSCHAPv2,
    respond(_identifier, data) {
      if (data.length < HEADER) throw bad(`a Request of ${data.length} octets has no header`);
      const opCode = data[0]!;
      const id = data[1]!;
      switch (opCode) {
        case CHALLENGE: {
          if (data[HEADER] !== 16 || data.length < HEADER + 17) {
            throw bad("the Challenge has no 16-octet challenge (draft §2.1)");
          }
          exchange = {
            authenticatorChallenge: data.slice(HEADER + 1, HEADER + 17),
            peerChallenge: randomBytes(16),
            username: identity,
            passwordHash,
          };
          ntResponse = generateNtResponse(exchange);
          msk = undefined;
          const value = new Uint8Array(1 + RESPONSE_VALUE);
          value[0] = RESPONSE_VALUE;
          value.set(exchange.peerChallenge, 1);
          value.set(ntResponse, 1 + 24);
          return packet(RESPONSE, id, value, encoder.encode(identity));
        }
        case SUCCESS: {
          const text = decoder.decode(data.subarray(HEADER));
          if (
            exchange !== undefined && ntResponse !== undefined &&
            checkAuthenticatorResponse(exchange, ntResponse, text)
          ) {
            const keys = msChapV2MppeKeys(passwordHash, ntResponse);
            msk = new Uint8Array(32);
            msk.set(keys.recvKey, 0);
            msk.set(keys.sendKey, 16);
            return new Uint8Array([SUCCESS]);
          }
          // The server did not prove it knows the password: refuse it.
          return new Uint8Array([FAILURE]);
        }
        case FAILURE:
          msk = undefined;
          return new Uint8Array([FAILURE]);
        default:
          throw bad(`OpCode ${opCode} is no Challenge, Success or Failure Request`);
      }
    },
    get finished() {
      return msk !== undefined;
    },
    get msk() {
      return msk?.slice();
    },
  };
}
