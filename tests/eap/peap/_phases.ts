// PEAP's phase 2 on both sides without TLS: fake tunnel contexts, and a
// wire that hands each side's plaintext to the other.
import assert from "node:assert/strict";
import type { PasswordCredential } from "../../../src/mschap/credential.ts";
import type { PasswordMethodName } from "../../../src/eap/methods/registry.ts";
import type {
  TunnelPeerContext,
  TunnelPeerPhase,
  TunnelServerContext,
  TunnelServerPhase,
  TunnelServerTurn,
} from "../../../src/eap/tls/tunnel.ts";

/** PEAP derives its keys outside phase 2: a phase that asks for them fails the test. */
function noExporter(): never {
  throw new Error("PEAP's phase 2 must not use the TLS exporter");
}

export interface FakeServer {
  context: TunnelServerContext;
  /** The identities looked up, in order. */
  lookups: string[];
}

/** A server context over a user table. */
export function serverContext(
  users: Record<string, PasswordCredential>,
  innerMethods: readonly PasswordMethodName[] = ["mschapv2", "gtc"],
): FakeServer {
  const lookups: string[] = [];
  return {
    lookups,
    context: {
      outerIdentity: "anonymous",
      credentials: (identity) => {
        lookups.push(identity);
        return Promise.resolve(Object.hasOwn(users, identity) ? users[identity] : undefined);
      },
      innerMethods,
      gtcPrompt: "Password: ",
      exportKeyingMaterial: noExporter,
    },
  };
}

export const peerContext: TunnelPeerContext = { exportKeyingMaterial: noExporter };

export interface Step {
  readonly from: "server" | "peer";
  /**
   * The Identifier of the outer EAP packet that carried the plaintext: the
   * server's Request, or the peer's Response to it (the same).
   */
  readonly outer: number;
  /** The plaintext, as hex. */
  readonly hex: string;
}

export interface Exchange {
  /** What the server sent and what the peer answered, in order. */
  trace: Step[];
  /** The server's last turn: success or failure. */
  end: TunnelServerTurn;
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (octet) => octet.toString(16).padStart(2, "0")).join(" ");

export const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(" ").filter((octet) => octet !== ""), (octet) => parseInt(octet, 16));

/** The Identifier of the next outer EAP-Request (RFC 3748 §4: one octet, so 255 is followed by 0). */
export const nextIdentifier = (identifier: number): number => (identifier + 1) & 0xff;

/**
 * Runs phase 2 from the end of the handshake to the server's verdict, with
 * the outer Identifiers the TLS machinery passes (`tls_method_server.ts`,
 * `tls_method_peer.ts`): outer Request `last` carried the server's last
 * handshake flight, on which the peer's phase starts; each later round
 * trip takes the next Identifier. The server phase is given the
 * Identifier of the outer Request that will carry what it sends, and the
 * peer the same one when that plaintext reaches it.
 */
export async function converse(
  server: TunnelServerPhase,
  peer: TunnelPeerPhase,
  last = 7,
): Promise<Exchange> {
  const trace: Step[] = [];
  let outer = last & 0xff;
  assert.deepEqual(await peer.start(new Uint8Array(0), outer), new Uint8Array(0));
  // The peer's Response `last` ends the handshake; the next Request opens phase 2.
  outer = nextIdentifier(outer);
  let turn = await server.start(new Uint8Array(0), outer);
  for (let round = 0; turn.next === "send"; round++) {
    assert.ok(round < 32, "phase 2 does not end");
    trace.push({ from: "server", outer, hex: toHex(turn.plaintext) });
    const answer = await peer.receive(turn.plaintext, outer);
    trace.push({ from: "peer", outer, hex: toHex(answer) });
    outer = nextIdentifier(outer);
    turn = await server.receive(answer, outer);
  }
  return { trace, end: turn };
}
