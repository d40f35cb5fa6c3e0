/**
 * What PEAP and EAP-TTLS run inside their TLS tunnel (phase 2), seen from
 * the TLS machinery they share with EAP-TLS: plaintext in, plaintext out,
 * and in the end an inner authentication that succeeded or failed. The
 * machinery does the handshake, the fragments and the keys; the phase 2
 * of each method (src/eap/peap/, src/eap/ttls/) only the inner protocol.
 *
 * @module
 */
import type { PasswordCredential } from "../../mschap/credential.ts";
import type { MethodFailure } from "../methods/method.ts";
import type { PasswordMethodName } from "../methods/registry.ts";

/** What the phase 2 of a server is given for one conversation. */
export interface TunnelServerContext {
  /** The identity of the outer EAP-Response/Identity (often anonymous, RFC 5281 §7.3). */
  readonly outerIdentity: string;
  /** Looks up an inner identity's credential; `undefined` for an unknown user. */
  credentials(identity: string): Promise<PasswordCredential | undefined>;
  /** The inner EAP methods offered (PEAP, TTLS/EAP), most preferred first. */
  readonly innerMethods: readonly PasswordMethodName[];
  /** The text of an inner EAP-GTC Request. */
  readonly gtcPrompt: string;
  /**
   * The tunnel's TLS exporter without context (RFC 5705; RFC 8446 §7.5):
   * EAP-TTLS derives its CHAP and MS-CHAP challenges from it (RFC 5281
   * §11.1, label "ttls challenge").
   */
  exportKeyingMaterial(length: number, label: string): Uint8Array;
}

/** What the phase 2 of a server does next. */
export type TunnelServerTurn =
  /** Send this plaintext to the peer through the tunnel, and wait for its answer. */
  | { readonly next: "send"; readonly plaintext: Uint8Array }
  /** Nothing to send: wait for the peer (EAP-TTLS, whose peer speaks first). */
  | { readonly next: "wait" }
  /** The inner authentication succeeded for `identity`: EAP-Success with the tunnel's keys. */
  | { readonly next: "success"; readonly identity: string; readonly method: string }
  /** It failed: EAP-Failure. */
  | { readonly next: "failure"; readonly reason: MethodFailure };

/**
 * The phase 2 of a server, for one conversation. `identifier` is the
 * Identifier of the outer EAP-Request that will carry what is sent next:
 * PEAPv0 gives its headerless inner packets the outer Identifier ([MS-PEAP]
 * §3.1.5.6), which EAP-MD5 hashes.
 */
export interface TunnelServerPhase {
  /**
   * The handshake is over. `plaintext` is any application data that came
   * with the peer's last handshake flight (may be empty).
   */
  start(plaintext: Uint8Array, identifier: number): Promise<TunnelServerTurn>;
  /** Application data from the peer, decrypted: one EAP-Response's worth, reassembled. */
  receive(plaintext: Uint8Array, identifier: number): Promise<TunnelServerTurn>;
}

/** Makes a server phase 2 for one conversation. */
export type TunnelServerPhaseFactory = (context: TunnelServerContext) => TunnelServerPhase;

/** What the phase 2 of a peer is given for one conversation. */
export interface TunnelPeerContext {
  /**
   * The tunnel's TLS exporter without context (see
   * {@linkcode TunnelServerContext.exportKeyingMaterial}).
   */
  exportKeyingMaterial(length: number, label: string): Uint8Array;
}

/**
 * The phase 2 of a peer, for one conversation. `identifier` is the
 * Identifier of the outer EAP-Request that carried the plaintext (its
 * Response has the same): PEAPv0's headerless inner packets take it
 * ([MS-PEAP] §3.1.5.6).
 */
export interface TunnelPeerPhase {
  /**
   * The handshake is over: the plaintext to send first (EAP-TTLS sends its
   * AVPs at once; PEAP waits for the server's inner Request: empty).
   * `plaintext` is any application data that came with the server's last
   * handshake flight (may be empty).
   *
   * @throws {EapConversationError} For plaintext that does not parse.
   */
  start(plaintext: Uint8Array, identifier: number): Uint8Array | Promise<Uint8Array>;
  /**
   * Plaintext from the server: the plaintext to answer with (empty: an
   * acknowledgement).
   *
   * @throws {EapConversationError} For plaintext that does not parse, or a
   * server whose inner proof fails (`"server-not-authenticated"`).
   */
  receive(plaintext: Uint8Array, identifier: number): Uint8Array | Promise<Uint8Array>;
  /**
   * Whether the inner authentication has done its part, so that an
   * EAP-Success ends the conversation well (PEAP: the Result TLV Success
   * answered; TTLS/MS-CHAPv2: the server's MS-CHAP2-Success verified).
   */
  readonly finished: boolean;
}
