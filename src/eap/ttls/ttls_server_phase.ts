/**
 * EAP-TTLS phase 2 on the server (RFC 5281 §11): what runs inside the TLS
 * tunnel once the handshake is over. The peer speaks first, with RADIUS
 * attributes as Diameter AVPs: PAP, CHAP, MS-CHAP, MS-CHAP v2 (§11.2.2–
 * §11.2.5), or an EAP conversation in EAP-Message AVPs (§11.2.1).
 *
 * @module
 */
import type { MethodFailure } from "../methods/method.ts";
import type { PasswordMethodName } from "../methods/registry.ts";
import type {
  TunnelServerContext,
  TunnelServerPhase,
  TunnelServerPhaseFactory,
  TunnelServerTurn,
} from "../tls/tunnel.ts";
import { encodeAvps, mandatoryAvp, TtlsAvp } from "./avp.ts";
import { beginInnerEap, continueInnerEap, type InnerEapState } from "./inner_eap_server.ts";
import { checkPasswordAvps, passwordAvpMethod } from "./password_avps.ts";
import { eapMessageOf, readPhase2, singleAvp } from "./phase2_avps.ts";

/**
 * The inner authentication an EAP-TTLS success names: `"ttls/pap"`,
 * `"ttls/chap"`, `"ttls/mschap"`, `"ttls/mschapv2"`, or `"ttls/eap-"` and
 * the inner EAP method (`"ttls/eap-mschapv2"`, `"ttls/eap-md5"`,
 * `"ttls/eap-gtc"`).
 *
 * @example Usage
 * ```ts
 * import type { TtlsInnerMethod } from "./ttls_server_phase.ts";
 * import assert from "node:assert/strict";
 *
 * const method: TtlsInnerMethod = "ttls/eap-mschapv2";
 * assert.ok(method.startsWith("ttls/eap-"));
 * ```
 */
export type TtlsInnerMethod =
  | "ttls/pap"
  | "ttls/chap"
  | "ttls/mschap"
  | "ttls/mschapv2"
  | `ttls/eap-${PasswordMethodName}`;

/** The most messages phase 2 reads: a Nak or two, then an inner method of at most three rounds. */
const MAX_ROUNDS = 16;
/** RADIUS User-Name holds at most 253 octets (RFC 2865 §5.1). */
const MAX_USER_NAME = 253;

/** The AVPs the server understands; any other with the M flag fails phase 2 (RFC 5281 §10.1). */
const KNOWN = [
  TtlsAvp.UserName,
  TtlsAvp.UserPassword,
  TtlsAvp.ChapPassword,
  TtlsAvp.ChapChallenge,
  TtlsAvp.EapMessage,
  TtlsAvp.MsChapChallenge,
  TtlsAvp.MsChapResponse,
  TtlsAvp.MsChap2Response,
];

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type Stage =
  /** Nothing read yet. */
  | { readonly kind: "start" }
  /** An inner EAP conversation is running. */
  | { readonly kind: "eap"; readonly state: InnerEapState }
  /** MS-CHAP2-Success sent: the peer's empty answer ends it (RFC 5281 §11.2.4). */
  | { readonly kind: "mschapv2-success"; readonly identity: string }
  /** Success or failure decided. */
  | { readonly kind: "done" };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * EAP-TTLS phase 2 on the server, for one conversation.
 *
 * The peer's first message decides the inner authentication (RFC 5281
 * §11.2):
 * - User-Name and User-Password: PAP, checked against the cleartext or the
 *   NT hash (the NUL padding of §11.2.5 removed);
 * - User-Name, CHAP-Challenge and CHAP-Password: CHAP, needs the cleartext;
 * - User-Name, MS-CHAP-Challenge and MS-CHAP-Response (MS-CHAP v1) or
 *   MS-CHAP2-Response (v2): for v2 the server answers MS-CHAP2-Success with
 *   its `S=` proof and succeeds when the peer acknowledges it with an empty
 *   message; a wrong password fails at once (no MS-CHAP-Error is sent: the
 *   EAP-Failure says it, and no retry is offered);
 * - EAP-Message with the EAP-Response/Identity: an inner EAP conversation
 *   with the first of `innerMethods` that the identity's credential can
 *   check; the EAP identity names the user even when a User-Name comes too.
 *
 * CHAP and MS-CHAP must answer the implicit challenge that both sides
 * derive from the tunnel (§11.1); any other challenge fails. Malformed or
 * unexpected input, a mandatory AVP the server does not know, a second
 * User-Name that differs, or more than 16 messages fail with
 * `"bad-method-data"`; a wrong password or an unknown user with
 * `"authentication-failed"`. Bad input never throws.
 *
 * @example Usage
 * ```ts
 * import { encodeAvps, mandatoryAvp, TtlsAvp } from "./avp.ts";
 * import { ttlsServerPhase } from "./ttls_server_phase.ts";
 * import assert from "node:assert/strict";
 *
 * const phase = ttlsServerPhase({
 *   outerIdentity: "anonymous",
 *   credentials: async (identity) => identity === "bob" ? { password: "hello" } : undefined,
 *   innerMethods: ["mschapv2"],
 *   gtcPrompt: "Password",
 *   exportKeyingMaterial: (length) => new Uint8Array(length),
 * });
 * const text = new TextEncoder();
 * // PAP (RFC 5281 §11.2.5): the password NUL-padded to 16 octets.
 * const pap = encodeAvps([
 *   mandatoryAvp(TtlsAvp.UserName, text.encode("bob")),
 *   mandatoryAvp(TtlsAvp.UserPassword, Uint8Array.from({ length: 16 }, (_, i) => text.encode("hello")[i] ?? 0)),
 * ]);
 * assert.deepEqual(await phase.start(pap, 7), { next: "success", identity: "bob", method: "ttls/pap" });
 * ```
 */
export const ttlsServerPhase: TunnelServerPhaseFactory = (
  context: TunnelServerContext,
): TunnelServerPhase => {
  let stage: Stage = { kind: "start" };
  let rounds = 0;
  /** The first User-Name seen: any later one must be the same. */
  let userName: Uint8Array | undefined;
  let busy = false;

  const end = (turn: TunnelServerTurn): TunnelServerTurn => {
    stage = { kind: "done" };
    return turn;
  };
  const fail = (reason: MethodFailure): TunnelServerTurn => end({ next: "failure", reason });
  const success = (identity: string, method: TtlsInnerMethod): TunnelServerTurn =>
    end({ next: "success", identity, method });
  const send = (avps: Parameters<typeof encodeAvps>[0]): TunnelServerTurn => ({
    next: "send",
    plaintext: encodeAvps(avps),
  });
  const exporter = (length: number, label: string): Uint8Array =>
    context.exportKeyingMaterial(length, label);

  async function handle(plaintext: Uint8Array): Promise<TunnelServerTurn> {
    if (!(plaintext instanceof Uint8Array)) {
      throw new TypeError("Pass the phase 2 plaintext as a Uint8Array (empty for none)");
    }
    rounds++;
    if (rounds > MAX_ROUNDS || stage.kind === "done") return fail("bad-method-data");
    if (stage.kind === "mschapv2-success") {
      // RFC 5281 §11.2.4: the peer answers MS-CHAP2-Success with no data.
      return plaintext.length === 0
        ? success(stage.identity, "ttls/mschapv2")
        : fail("bad-method-data");
    }
    // The handshake may end without the peer's first AVPs; they come next.
    if (stage.kind === "start" && plaintext.length === 0) return { next: "wait" };

    const reading = readPhase2(plaintext, KNOWN);
    if (!reading.ok) return fail("bad-method-data");
    const avps = reading.avps;
    const name = singleAvp(avps, TtlsAvp.UserName);
    if (
      name === "several" ||
      (name !== undefined && userName !== undefined && !sameBytes(name, userName))
    ) {
      return fail("bad-method-data");
    }
    userName ??= name;
    const eap = eapMessageOf(avps);
    const method = passwordAvpMethod(avps);

    if (eap !== undefined) {
      // EAP and a password method at once: which one would it be?
      if (method !== undefined) return fail("bad-method-data");
      const step = stage.kind === "start"
        ? await beginInnerEap(context, eap)
        : await continueInnerEap(context, stage.state, eap);
      switch (step.next) {
        case "request":
          stage = { kind: "eap", state: step.state };
          return send([mandatoryAvp(TtlsAvp.EapMessage, step.request)]);
        case "success":
          return success(step.identity, `ttls/eap-${step.method}`);
        case "failure":
          return fail(step.reason);
      }
    }

    // PAP, CHAP and MS-CHAP come in the first message only, with a User-Name.
    if (stage.kind !== "start" || method === undefined || method === "several") {
      return fail("bad-method-data");
    }
    if (name === undefined || name.length === 0 || name.length > MAX_USER_NAME) {
      return fail("bad-method-data");
    }
    let identity: string;
    try {
      identity = utf8.decode(name);
    } catch {
      return fail("bad-method-data");
    }
    const credential = await context.credentials(identity);
    const outcome = checkPasswordAvps(method, avps, identity, credential, exporter);
    switch (outcome.next) {
      case "success":
        return success(identity, `ttls/${method}`);
      case "mschapv2-success":
        stage = { kind: "mschapv2-success", identity };
        return send([mandatoryAvp(TtlsAvp.MsChap2Success, outcome.success)]);
      case "failure":
        return fail(outcome.reason);
    }
  }

  async function guarded(plaintext: Uint8Array): Promise<TunnelServerTurn> {
    // A message while the last one is still being handled: refused, and the
    // one in progress finishes undisturbed.
    if (busy) return { next: "failure", reason: "bad-method-data" };
    busy = true;
    try {
      return await handle(plaintext);
    } finally {
      busy = false;
    }
  }

  return { start: guarded, receive: guarded };
};
