/**
 * EAP-MD5-Challenge (RFC 3748 §5.4): CHAP (RFC 1994) over EAP. The Request
 * holds a Value-Size octet, the challenge and an optional Name; the
 * Response the 16-octet MD5(Identifier || password || challenge). It
 * derives no keys.
 *
 * @module
 */
import { Md5 } from "../../crypto/md5.ts";
import { randomBytes } from "../../crypto/random.ts";
import { timingSafeEqual } from "../../crypto/timing_safe_equal.ts";
import { cleartextOf } from "../../mschap/credential.ts";
import { fromHex, toHex } from "../_hex.ts";
import { EapConversationError } from "../conversation_error.ts";
import { EapType } from "../type.ts";
import type { PasswordPeerMethod, ServerMethod, ServerStep } from "./method.ts";

const encoder = new TextEncoder();
/** RFC 1994 §4.1: the challenge "SHOULD be at least 16 octets". */
const CHALLENGE = 16;
/** MD5's output, the Value of the Response. */
const VALUE = 16;

/** MD5(Identifier || password || challenge) (RFC 1994 §4.1, RFC 3748 §5.4). */
export function md5ChallengeValue(
  identifier: number,
  password: string,
  challenge: Uint8Array,
): Uint8Array {
  return new Md5()
    .update(new Uint8Array([identifier]))
    .update(encoder.encode(password))
    .update(challenge)
    .digest();
}

/** Value-Size, Value, Name (RFC 1994 §4.1): the Type-Data of either direction. */
function encodeValue(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + value.length);
  out[0] = value.length;
  out.set(value, 1);
  return out;
}

/** The Value of a Type-Data, or `undefined` when Value-Size is 0 or runs past the end. */
function decodeValue(data: Uint8Array): Uint8Array | undefined {
  const size = data[0];
  if (size === undefined || size === 0 || 1 + size > data.length) return undefined;
  return data.subarray(1, 1 + size);
}

/** The server side: a fresh 16-octet challenge, then one comparison. */
export const md5ChallengeServer: ServerMethod = {
  name: "md5",
  type: EapType.MD5Challenge,
  verifies: (credential) => cleartextOf(credential) !== undefined,
  start(context) {
    const challenge = randomBytes(CHALLENGE);
    return {
      data: encodeValue(challenge),
      state: { challenge: toHex(challenge), identifier: context.identifier },
    };
  },
  async step(state, data, context): Promise<ServerStep> {
    const value = decodeValue(data);
    const challenge = fromHex(String(state.challenge));
    if (value === undefined || value.length !== VALUE || challenge === undefined) {
      return { next: "failure", reason: "bad-method-data" };
    }
    const credential = await context.credentials();
    const password = credential === undefined ? undefined : cleartextOf(credential);
    const identifier = Number(state.identifier);
    const ok = password !== undefined &&
      timingSafeEqual(md5ChallengeValue(identifier, password, challenge), value);
    return ok
      ? { next: "success", msk: undefined }
      : { next: "failure", reason: "authentication-failed" };
  },
};

/** The peer side: answers every MD5-Challenge Request with the hash of the password. */
export function md5ChallengePeer(password: string): PasswordPeerMethod {
  let finished = false;
  return {
    name: "md5",
    type: EapType.MD5Challenge,
    respond(identifier, data) {
      const challenge = decodeValue(data);
      if (challenge === undefined) {
        throw new EapConversationError(
          "bad-method-data",
          "An EAP-MD5-Challenge Request without a challenge (RFC 3748 §5.4)",
        );
      }
      finished = true;
      return encodeValue(md5ChallengeValue(identifier, password, challenge));
    },
    get finished() {
      return finished;
    },
    msk: undefined,
  };
}
