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

export interface Exchange {
  /** What the server sent and what the peer answered, as hex, in order. */
  trace: { from: "server" | "peer"; hex: string }[];
  /** The server's last turn: success or failure. */
  end: TunnelServerTurn;
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (octet) => octet.toString(16).padStart(2, "0")).join(" ");

export const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(" ").filter((octet) => octet !== ""), (octet) => parseInt(octet, 16));

/** Runs phase 2 from the end of the handshake to the server's verdict. */
export async function converse(
  server: TunnelServerPhase,
  peer: TunnelPeerPhase,
): Promise<Exchange> {
  const trace: Exchange["trace"] = [];
  assert.deepEqual(await peer.start(new Uint8Array(0)), new Uint8Array(0));
  let turn = await server.start(new Uint8Array(0));
  for (let round = 0; turn.next === "send"; round++) {
    assert.ok(round < 32, "phase 2 does not end");
    trace.push({ from: "server", hex: toHex(turn.plaintext) });
    const answer = await peer.receive(turn.plaintext);
    trace.push({ from: "peer", hex: toHex(answer) });
    turn = await server.receive(answer);
  }
  return { trace, end: turn };
}
