/**
 * EAP-GTC, Generic Token Card (RFC 3748 §5.6): the Request holds a
 * displayable prompt, the Response the token or password in clear. It
 * derives no keys and protects nothing: use it only inside a tunnel, or on
 * links that are private anyway.
 *
 * @module
 */
import { timingSafeEqual } from "../../crypto/timing_safe_equal.ts";
import { cleartextOf } from "../../mschap/credential.ts";
import { EapType } from "../type.ts";
import type { PasswordPeerMethod, ServerMethod, ServerStep } from "./method.ts";

const encoder = new TextEncoder();

/** The server side: the prompt, then one comparison. */
export const gtcServer: ServerMethod = {
  name: "gtc",
  type: EapType.GTC,
  verifies: (credential) => cleartextOf(credential) !== undefined,
  start(context) {
    return { data: encoder.encode(context.gtcPrompt), state: {} };
  },
  async step(_state, data, context): Promise<ServerStep> {
    const credential = await context.credentials();
    const password = credential === undefined ? undefined : cleartextOf(credential);
    const ok = password !== undefined && timingSafeEqual(encoder.encode(password), data);
    return ok
      ? { next: "success", msk: undefined }
      : { next: "failure", reason: "authentication-failed" };
  },
};

/** The peer side: answers every GTC prompt with the password. */
export function gtcPeer(password: string): PasswordPeerMethod {
  let finished = false;
  return {
    name: "gtc",
    type: EapType.GTC,
    respond() {
      finished = true;
      return encoder.encode(password);
    },
    get finished() {
      return finished;
    },
    msk: undefined,
  };
}
