/**
 * The server side of an EAP conversation tunnelled in EAP-TTLS phase 2
 * (RFC 5281 §11.2.1): the peer's EAP-Response/Identity, then radkit's
 * password methods (src/eap/methods/) run as they run outside a tunnel,
 * each Request and Response a whole EAP packet in an EAP-Message AVP. A
 * Nak right after a method's first Request picks another method (RFC 3748
 * §5.3). The inner method's success ends phase 2; no inner EAP-Success is
 * tunnelled: the outer EAP-Success carries the decision, as hostapd does.
 *
 * @module
 */
import type { PasswordCredential } from "../../mschap/credential.ts";
import { EapCode } from "../code.ts";
import { EapError } from "../error.ts";
import type { MethodFailure, MethodState, ServerMethodContext } from "../methods/method.ts";
import { readIdentity } from "../methods/identity.ts";
import { type PasswordMethodName, SERVER_METHODS } from "../methods/registry.ts";
import { decodeNak, type EapMethodType, isNak } from "../nak.ts";
import { decodeEap, type EapDataPacket, type EapPacket, encodeEap } from "../packet.ts";
import { EapType } from "../type.ts";
import type { TunnelServerContext } from "../tls/tunnel.ts";

/** RFC 3748 §5.1 leaves it open; RADIUS User-Name holds 253 octets, as EapServer allows. */
const MAX_IDENTITY = 253;

/** Where an inner EAP conversation stands, between two Responses. */
export interface InnerEapState {
  /** The identity of the inner EAP-Response/Identity. */
  readonly identity: string;
  /** The method running. */
  readonly method: PasswordMethodName;
  /** Its state. */
  readonly methodState: MethodState;
  /** The Identifier of the last Request sent: the Response must echo it. */
  readonly identifier: number;
  /** The methods proposed so far, the running one included. */
  readonly tried: readonly PasswordMethodName[];
  /** Whether the last Request was a method's first, which a Nak may answer. */
  readonly nakAllowed: boolean;
}

/** What to do with one inner Response. */
export type InnerEapStep =
  /** Send this EAP-Request, and keep this state. */
  | { readonly next: "request"; readonly request: Uint8Array; readonly state: InnerEapState }
  /** The inner method succeeded. */
  | { readonly next: "success"; readonly identity: string; readonly method: PasswordMethodName }
  | { readonly next: "failure"; readonly reason: MethodFailure };

/** The EAP packet in the EAP-Message AVPs, or `undefined` when it does not parse. */
function readResponse(bytes: Uint8Array): EapDataPacket | undefined {
  let packet: EapPacket;
  try {
    packet = decodeEap(bytes);
  } catch (error) {
    if (error instanceof EapError) return undefined;
    throw error;
  }
  return packet.code === EapCode.Response && "type" in packet ? packet : undefined;
}

function methodContext(
  context: TunnelServerContext,
  identity: string,
  identifier: number,
): ServerMethodContext {
  return {
    identity,
    identifier,
    gtcPrompt: context.gtcPrompt,
    credentials: () => context.credentials(identity),
    credentialsOf: (other) => context.credentials(other),
    innerMethods: context.innerMethods,
  };
}

/** The first Request of `method`, its Identifier one past the Response it answers. */
function propose(
  context: TunnelServerContext,
  identity: string,
  answered: number,
  method: PasswordMethodName,
  tried: readonly PasswordMethodName[],
): InnerEapStep {
  const identifier = (answered + 1) & 0xff;
  const server = SERVER_METHODS[method];
  const { data, state } = server.start(methodContext(context, identity, identifier));
  return {
    next: "request",
    request: encodeEap({ code: EapCode.Request, identifier, type: server.type, data }),
    state: {
      identity,
      method,
      methodState: state,
      identifier,
      tried: [...tried, method],
      nakAllowed: true,
    },
  };
}

/** The first offered method that checks this credential (any, for an unknown user). */
function checkable(
  credential: PasswordCredential | undefined,
  candidates: readonly PasswordMethodName[],
): PasswordMethodName | undefined {
  return candidates.find((name) =>
    credential === undefined || SERVER_METHODS[name].verifies(credential)
  );
}

/**
 * The peer's first inner packet, which must be its EAP-Response/Identity:
 * proposes the first offered method that the identity's credential can
 * check (an unknown user gets the first, and fails like a wrong password).
 */
export async function beginInnerEap(
  context: TunnelServerContext,
  bytes: Uint8Array,
): Promise<InnerEapStep> {
  const response = readResponse(bytes);
  if (
    response === undefined || response.type !== EapType.Identity ||
    response.data.length > MAX_IDENTITY
  ) {
    return { next: "failure", reason: "bad-method-data" };
  }
  const identity = readIdentity(response.data);
  // No inner method offered: the peer asked for what this server does not do.
  if (identity === undefined || context.innerMethods.length === 0) {
    return { next: "failure", reason: "bad-method-data" };
  }
  const credential = await context.credentials(identity);
  const method = checkable(credential, context.innerMethods) ?? context.innerMethods[0]!;
  return propose(context, identity, response.identifier, method, []);
}

/** A later inner Response: a Nak, or the running method's next step. */
export async function continueInnerEap(
  context: TunnelServerContext,
  state: InnerEapState,
  bytes: Uint8Array,
): Promise<InnerEapStep> {
  const response = readResponse(bytes);
  if (response === undefined || response.identifier !== state.identifier) {
    return { next: "failure", reason: "bad-method-data" };
  }
  if (isNak(response)) return await nak(context, state, response);
  const server = SERVER_METHODS[state.method];
  if (response.type !== server.type) return { next: "failure", reason: "bad-method-data" };
  const identifier = (response.identifier + 1) & 0xff;
  const step = await server.step(
    state.methodState,
    response.data,
    methodContext(context, state.identity, identifier),
  );
  switch (step.next) {
    case "request":
      return {
        next: "request",
        request: encodeEap({
          code: EapCode.Request,
          identifier,
          type: server.type,
          data: step.data,
        }),
        state: { ...state, methodState: step.state, identifier, nakAllowed: false },
      };
    case "success":
      // The inner MSK (EAP-MSCHAPv2's) is not used: TTLS keys come from the tunnel (RFC 5281 §8).
      return { next: "success", identity: state.identity, method: state.method };
    case "failure":
      return { next: "failure", reason: step.reason };
  }
}

/**
 * A Nak (RFC 3748 §5.3): the first method it asks for that is offered,
 * untried and able to check the credential. None: the peer and the server
 * share no way to check the password, which fails the authentication.
 */
async function nak(
  context: TunnelServerContext,
  state: InnerEapState,
  response: EapDataPacket,
): Promise<InnerEapStep> {
  if (!state.nakAllowed) return { next: "failure", reason: "bad-method-data" };
  let desired: EapMethodType[];
  try {
    desired = decodeNak(response);
  } catch (error) {
    if (error instanceof EapError) return { next: "failure", reason: "bad-method-data" };
    throw error;
  }
  const credential = await context.credentials(state.identity);
  for (const type of desired) {
    const untried = context.innerMethods.filter((name) =>
      SERVER_METHODS[name].type === type && !state.tried.includes(name)
    );
    const chosen = checkable(credential, untried);
    if (chosen !== undefined) {
      return propose(context, state.identity, response.identifier, chosen, state.tried);
    }
  }
  return { next: "failure", reason: "authentication-failed" };
}
