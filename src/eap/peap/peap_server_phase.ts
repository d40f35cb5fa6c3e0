/**
 * PEAPv0's phase 2 on the server ([MS-PEAP] §3.3; hostapd's and
 * FreeRADIUS's order of events): inside the tunnel, an inner
 * EAP-Request/Identity, then an inner EAP method (EAP-MSCHAPv2, EAP-GTC or
 * EAP-MD5, run by their `ServerMethod`s) for the inner identity, then the
 * Extensions method: a Result TLV saying whether the inner method
 * succeeded, which the peer must answer with Success for the
 * authentication to succeed. Inner packets travel headerless except the
 * Extensions packets (see `inner_eap.ts`).
 *
 * @module
 */
import type { PasswordCredential } from "../../mschap/credential.ts";
import { EapCode } from "../code.ts";
import { EapError } from "../error.ts";
import { readIdentity } from "../methods/identity.ts";
import type { MethodFailure, MethodState, ServerMethodContext } from "../methods/method.ts";
import { type PasswordMethodName, SERVER_METHODS } from "../methods/registry.ts";
import { decodeNak, isNak } from "../nak.ts";
import type { EapDataPacket } from "../packet.ts";
import type {
  TunnelServerContext,
  TunnelServerPhaseFactory,
  TunnelServerTurn,
} from "../tls/tunnel.ts";
import { EapType } from "../type.ts";
import { MAX_INNER_PLAINTEXT, restoreInnerHeader, stripInnerHeader } from "./inner_eap.ts";
import { type PeapResult, readExtensions, resultPacket } from "./result_tlv.ts";

/**
 * The most inner Requests in one conversation: Identity, a method or two
 * after a Nak, EAP-MSCHAPv2's two rounds and the Result make 6 at most.
 */
export const MAX_INNER_REQUESTS = 16;
/** RFC 2865 §5.1: the most a User-Name holds, and so the most an inner identity may be. */
const MAX_INNER_IDENTITY = 253;

/** Where the conversation stands, between two Responses. */
type Stage =
  /** `start` not yet called. */
  | { readonly at: "new" }
  /** The Identity Request sent. */
  | { readonly at: "identity" }
  /** An inner method running. */
  | {
    readonly at: "method";
    readonly identity: string;
    readonly name: PasswordMethodName;
    readonly state: MethodState;
    readonly tried: readonly PasswordMethodName[];
    /** Only right after a method's first Request (RFC 3748 §5.3). */
    readonly nakAllowed: boolean;
  }
  /** The Result TLV Success sent. */
  | { readonly at: "result-success"; readonly identity: string; readonly name: PasswordMethodName }
  /** The Result TLV Failure sent: whatever comes back, the conversation fails so. */
  | { readonly at: "result-failure"; readonly reason: MethodFailure }
  /** A success or failure turned. */
  | { readonly at: "done" };

/**
 * PEAPv0's phase 2 for one server conversation. State lives in the
 * closure. Nothing the peer sends makes it throw: anything malformed or
 * unexpected turns `failure` with `"bad-method-data"`. Only the credential
 * lookup's own errors come out (and leave the phase as it was).
 *
 * Each inner Request takes the Identifier of the outer EAP-Request that
 * carries it, and a headerless Response that of the Request it answers
 * ([MS-PEAP] §3.1.5.6, as hostapd, FreeRADIUS and wpa_supplicant do): EAP-MD5
 * hashes it, so both sides must agree.
 */
export const peapServerPhase: TunnelServerPhaseFactory = (context) => {
  const methods = checkContext(context);
  let stage: Stage = { at: "new" };
  /** The Identifier of the last inner Request sent: that of the outer Request carrying it. */
  let identifier = 0;
  /** The Identifier of the outer Request that will carry the next inner Request. */
  let outer = 0;
  let requests = 0;
  /** One lookup per inner identity, shared by the rounds of its methods. */
  let lookup: { identity: string; credential: Promise<PasswordCredential | undefined> } | undefined;

  const credentials = (identity: string): Promise<PasswordCredential | undefined> => {
    if (lookup?.identity !== identity) {
      const credential = context.credentials(identity).catch((error: unknown) => {
        // A lookup that failed is tried again on the next call.
        lookup = undefined;
        throw error;
      });
      lookup = { identity, credential };
    }
    return lookup.credential;
  };

  const methodContext = (identity: string, id: number): ServerMethodContext => ({
    identity,
    identifier: id,
    gtcPrompt: context.gtcPrompt,
    credentials: () => credentials(identity),
    credentialsOf: credentials,
    innerMethods: methods,
  });

  const fail = (reason: MethodFailure): TunnelServerTurn => {
    stage = { at: "done" };
    return { next: "failure", reason };
  };

  /** Sends an inner Request at the next Identifier; past the bound, fails. */
  const send = (next: Stage, build: (id: number) => EapDataPacket): TunnelServerTurn => {
    if (requests >= MAX_INNER_REQUESTS) return fail("bad-method-data");
    requests++;
    identifier = outer;
    stage = next;
    return { next: "send", plaintext: stripInnerHeader(build(identifier)) };
  };

  const sendResult = (next: Stage, result: PeapResult): TunnelServerTurn =>
    send(next, (id) => resultPacket(EapCode.Request, id, result));

  /** The first Request of method `name` for `identity`. */
  const propose = (
    identity: string,
    name: PasswordMethodName,
    tried: readonly PasswordMethodName[],
  ): TunnelServerTurn => {
    const method = SERVER_METHODS[name];
    const { data, state } = method.start(methodContext(identity, outer));
    return send(
      { at: "method", identity, name, state, tried: [...tried, name], nakAllowed: true },
      (id) => ({ code: EapCode.Request, identifier: id, type: method.type, data }),
    );
  };

  const onIdentity = async (packet: EapDataPacket): Promise<TunnelServerTurn> => {
    if (packet.type !== EapType.Identity || packet.data.length > MAX_INNER_IDENTITY) {
      return fail("bad-method-data");
    }
    const identity = readIdentity(packet.data);
    if (identity === undefined) return fail("bad-method-data");
    const credential = await credentials(identity);
    // An unknown user is offered the first method and fails like a wrong password.
    const name =
      methods.find((name) =>
        credential === undefined || SERVER_METHODS[name].verifies(credential)
      ) ?? methods[0]!;
    return propose(identity, name, []);
  };

  const onNak = async (
    packet: EapDataPacket,
    at: Extract<Stage, { at: "method" }>,
  ): Promise<TunnelServerTurn> => {
    if (!at.nakAllowed) return fail("bad-method-data");
    let desired;
    try {
      desired = decodeNak(packet);
    } catch (error) {
      if (error instanceof EapError) return fail("bad-method-data");
      throw error;
    }
    const credential = await credentials(at.identity);
    for (const type of desired) {
      const name = methods.find((name) =>
        SERVER_METHODS[name].type === type && !at.tried.includes(name) &&
        (credential === undefined || SERVER_METHODS[name].verifies(credential))
      );
      if (name !== undefined) return propose(at.identity, name, at.tried);
    }
    // No inner method both sides accept: no MethodFailure says so better.
    return fail("bad-method-data");
  };

  const onMethod = async (
    packet: EapDataPacket,
    at: Extract<Stage, { at: "method" }>,
  ): Promise<TunnelServerTurn> => {
    if (isNak(packet)) return await onNak(packet, at);
    const method = SERVER_METHODS[at.name];
    if (packet.type !== method.type) return fail("bad-method-data");
    const step = await method.step(at.state, packet.data, methodContext(at.identity, outer));
    switch (step.next) {
      case "request":
        return send(
          { ...at, state: step.state, nakAllowed: false },
          (id) => ({ code: EapCode.Request, identifier: id, type: method.type, data: step.data }),
        );
      case "success":
        // PEAP's keys come from the tunnel; the inner MSK would only feed
        // the Crypto-Binding TLV, which this server does not send.
        return sendResult(
          { at: "result-success", identity: at.identity, name: at.name },
          "success",
        );
      case "failure":
        // A wrong password (or a peer refusing the server's proof) is told
        // with a Result TLV Failure ([MS-PEAP] §3.3.7.4); broken data ends at once.
        if (step.reason !== "authentication-failed" && step.reason !== "peer-failure") {
          return fail(step.reason);
        }
        return sendResult({ at: "result-failure", reason: step.reason }, "failure");
    }
  };

  const onResult = (
    packet: EapDataPacket,
    at: Extract<Stage, { at: "result-success" }>,
  ): TunnelServerTurn => {
    if (packet.type !== EapType.Extensions || packet.identifier !== identifier) {
      return fail("bad-method-data");
    }
    const reading = readExtensions(packet.data);
    if (!reading.ok || reading.unknownMandatory !== undefined || reading.result === undefined) {
      return fail("bad-method-data");
    }
    if (reading.result === "failure") return fail("peer-failure");
    stage = { at: "done" };
    return { next: "success", identity: at.identity, method: `peap/${at.name}` };
  };

  return {
    start(plaintext, outerIdentifier) {
      outer = outerIdentifier & 0xff;
      if (stage.at !== "new") {
        throw new Error("PEAP phase 2 start() was called twice: make one phase per conversation");
      }
      // A PEAP peer says nothing before the server's inner Identity Request.
      if (plaintext.length > 0) return Promise.resolve(fail("bad-method-data"));
      return Promise.resolve(send({ at: "identity" }, (id) => ({
        code: EapCode.Request,
        identifier: id,
        type: EapType.Identity,
        data: new Uint8Array(0),
      })));
    },
    async receive(plaintext, outerIdentifier) {
      outer = outerIdentifier & 0xff;
      const at = stage;
      switch (at.at) {
        case "new":
          throw new Error("PEAP phase 2 receive() before start(): call start() first");
        case "done":
          return { next: "failure", reason: "bad-method-data" };
        case "result-failure":
          // Whatever the peer answers a Result Failure with, it has failed.
          return fail(at.reason);
      }
      if (plaintext.length > MAX_INNER_PLAINTEXT) return fail("bad-method-data");
      const packet = restoreInnerHeader(plaintext, EapCode.Response, identifier);
      if (packet === undefined || packet.code !== EapCode.Response) return fail("bad-method-data");
      switch (at.at) {
        case "identity":
          return await onIdentity(packet);
        case "method":
          return await onMethod(packet, at);
        case "result-success":
          return onResult(packet, at);
      }
    },
  };
};

/** The inner methods offered, checked: a programmer error gets a message that says what to do. */
function checkContext(context: TunnelServerContext): readonly PasswordMethodName[] {
  const methods = context?.innerMethods;
  if (
    !Array.isArray(methods) || methods.length === 0 ||
    !methods.every((name) => Object.hasOwn(SERVER_METHODS, name))
  ) {
    throw new TypeError(
      `PEAP inner methods must list some of "mschapv2", "gtc", "md5", got ${
        JSON.stringify(methods)
      }`,
    );
  }
  if (typeof context.credentials !== "function") {
    throw new TypeError(
      "PEAP needs credentials: (identity) => Promise<PasswordCredential | undefined>",
    );
  }
  return [...methods];
}
