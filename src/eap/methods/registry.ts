/**
 * radkit's EAP methods by name and by Type.
 *
 * @module
 */
import { gtcPeer, gtcServer } from "./gtc.ts";
import { md5ChallengePeer, md5ChallengeServer } from "./md5_challenge.ts";
import type { EapMethodName, PeerMethod, ServerMethod } from "./method.ts";
import { msChapV2Peer, msChapV2Server } from "./mschapv2.ts";

/**
 * The EAP methods that check a password, which PEAP and TTLS can also run
 * inside their tunnel (`EapServerOptions.innerMethods`).
 *
 * @example Usage
 * ```ts
 * import type { PasswordMethodName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const inner: PasswordMethodName[] = ["mschapv2", "gtc"];
 * assert.equal(inner.length, 2);
 * ```
 */
export type PasswordMethodName = Exclude<EapMethodName, "tls" | "peap" | "ttls">;

/** The server side of each password method (the TLS methods are made per server, with its certificates). */
export const SERVER_METHODS: Readonly<Record<PasswordMethodName, ServerMethod>> = {
  md5: md5ChallengeServer,
  gtc: gtcServer,
  mschapv2: msChapV2Server,
};

/** A new peer side of a password method, for one conversation. */
export function peerMethod(
  name: PasswordMethodName,
  identity: string,
  password: string,
): PeerMethod {
  switch (name) {
    case "md5":
      return md5ChallengePeer(password);
    case "gtc":
      return gtcPeer(password);
    case "mschapv2":
      return msChapV2Peer(identity, password);
  }
}
