/**
 * What an EAP authentication method is to the conversation that runs it:
 * on the server, a step function over JSON state (so that a conversation
 * can live in a store shared by several servers); on the peer, an object
 * that answers the server's Requests.
 *
 * @module
 */
import type { PasswordCredential } from "../../mschap/credential.ts";
import type { EapTlsErrorReason } from "../tls/eap_tls_error.ts";
import type { PasswordMethodName } from "./registry.ts";

/**
 * The EAP methods radkit runs, by name: EAP-MD5-Challenge (RFC 3748 §5.4),
 * EAP-GTC (RFC 3748 §5.6), EAP-MSCHAPv2
 * (draft-kamath-pppext-eap-mschapv2-02), and the methods that need a TLS
 * engine and a certificate: EAP-TLS (RFC 5216, RFC 9190), PEAPv0
 * (draft-kamath-pppext-peapv0-00, [MS-PEAP]) and EAP-TTLSv0 (RFC 5281).
 *
 * @example Usage
 * ```ts
 * import type { EapMethodName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const preference: EapMethodName[] = ["mschapv2", "md5"];
 * assert.equal(preference[0], "mschapv2");
 * ```
 */
export type EapMethodName = "md5" | "gtc" | "mschapv2" | "tls" | "peap" | "ttls";

/**
 * The password methods, in the server's default order of preference (an
 * `EapServer` given TLS settings offers `"peap"`, `"ttls"` and `"tls"` first).
 */
export const EAP_METHOD_NAMES: readonly EapMethodName[] = ["mschapv2", "md5", "gtc"];

/** Whether a value names one of radkit's EAP methods. */
export function isEapMethodName(value: unknown): value is EapMethodName {
  return value === "md5" || value === "gtc" || value === "mschapv2" || value === "tls" ||
    value === "peap" || value === "ttls";
}

/** What a server method keeps between rounds: JSON values only (bytes as hex). */
export type MethodState = { readonly [key: string]: string | number | boolean };

/** What a server method is told about the conversation. */
export interface ServerMethodContext {
  /** The identity of the EAP-Response/Identity. */
  readonly identity: string;
  /** The Identifier of the EAP-Request being built (RFC 3748 §4.1). */
  readonly identifier: number;
  /** The text of an EAP-GTC Request. */
  readonly gtcPrompt: string;
  /** Looks the identity's credential up; `undefined` for an unknown user. */
  credentials(): Promise<PasswordCredential | undefined>;
  /** Looks another identity's credential up (the inner identity of PEAP and TTLS). */
  credentialsOf(identity: string): Promise<PasswordCredential | undefined>;
  /** The EAP methods offered inside PEAP and TTLS, most preferred first. */
  readonly innerMethods: readonly PasswordMethodName[];
}

/** Why a server method ended without success. */
export type MethodFailure =
  /** The peer's answer does not prove the password (or the user is unknown). */
  | "authentication-failed"
  /** The peer refused the server's proof (an EAP-MSCHAPv2 Failure after the Success Request). */
  | "peer-failure"
  /** The Type-Data of the Response does not parse. */
  | "bad-method-data"
  /** EAP-TLS, PEAP, TTLS: the TLS handshake failed (an alert, bytes that are no TLS). */
  | "tls-failed"
  /** PEAP, TTLS: the peer's Nak inside the tunnel lists no inner method offered and untried. */
  | "no-common-method"
  /** EAP-TLS: no client certificate, one that does not chain to the CA, or one the check refused. */
  | "certificate-rejected"
  /** EAP-TLS: the TLS engine has no exporter for the keys (Deno 2.9's `node:tls`). */
  | "tls-exporter-unavailable"
  /** EAP-TLS: a Type-Data that is no valid fragment (RFC 5216 §3.1), or beyond the bounds. */
  | EapTlsErrorReason;

/** What a server method does with a Response. */
export type ServerStep =
  /** Send another EAP-Request of the method with this Type-Data. */
  | { readonly next: "request"; readonly data: Uint8Array; readonly state: MethodState }
  /**
   * Authenticated: send EAP-Success, with the method's MSK if it derives
   * one. A tunnel (PEAP, TTLS) names the inner identity it authenticated
   * and how, such as `"peap/mschapv2"`.
   */
  | {
    readonly next: "success";
    readonly msk: Uint8Array | undefined;
    readonly identity?: string;
    readonly method?: string;
    /** The EAP Session-Id (RFC 5247 §1.4), sent as EAP-Key-Name when the NAS asks for it. */
    readonly sessionId?: Uint8Array;
  }
  /** Not authenticated: send EAP-Failure. */
  | { readonly next: "failure"; readonly reason: MethodFailure };

/** The server side of a method. */
export interface ServerMethod {
  /** Its name. */
  readonly name: EapMethodName;
  /** Its EAP Type. */
  readonly type: number;
  /** Whether it can check a peer against this kind of credential. */
  verifies(credential: PasswordCredential): boolean;
  /** The Type-Data of the method's first Request, and the state to keep. */
  start(context: ServerMethodContext): { data: Uint8Array; state: MethodState };
  /** Handles the Type-Data of a Response of the method's Type. */
  step(state: MethodState, data: Uint8Array, context: ServerMethodContext): Promise<ServerStep>;
}

/** The peer side of a method, for one conversation. */
export interface PeerMethod {
  /** Its name. */
  readonly name: EapMethodName;
  /** Its EAP Type. */
  readonly type: number;
  /**
   * The Type-Data of the Response to a Request of the method's Type.
   *
   * @throws {EapConversationError} `bad-method-data` for a Request that does not parse.
   */
  respond(identifier: number, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Whether the method has done its part, so that an EAP-Success ends the
   * conversation well: for EAP-MSCHAPv2, only once the server has proved
   * that it knows the password.
   */
  readonly finished: boolean;
  /** The Master Session Key, once finished, for a method that derives one. */
  readonly msk: Uint8Array | undefined;
  /** The EAP Session-Id (RFC 5247 §1.4), for a method that defines one. */
  readonly sessionId?: Uint8Array | undefined;
  /** Frees what the method holds (a TLS session), however the conversation ended. */
  close?(): void;
}

/** The peer side of a password method, which answers at once. */
export interface PasswordPeerMethod extends PeerMethod {
  /** The Type-Data of the Response, computed synchronously. */
  respond(identifier: number, data: Uint8Array): Uint8Array;
}
