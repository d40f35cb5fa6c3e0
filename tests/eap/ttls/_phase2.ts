// EAP-TTLS phase 2 without TLS: a stand-in for the tunnel's exporter that
// both sides share, a server context over a table of users, and a loop that
// wires a peer phase to a server phase directly, with the outer EAP
// Identifiers the TLS machinery passes.
import { createHash } from "node:crypto";
import type { PasswordCredential } from "../../../src/mschap/credential.ts";
import { ntPasswordHash } from "../../../src/mschap/nt_password_hash.ts";
import type { PasswordMethodName } from "../../../src/eap/methods/registry.ts";
import type {
  TunnelPeerPhase,
  TunnelServerContext,
  TunnelServerPhase,
  TunnelServerTurn,
} from "../../../src/eap/tls/tunnel.ts";

export type Exporter = (length: number, label: string) => Uint8Array;

/**
 * A deterministic function of (length, label) standing in for the TLS
 * exporter: SHA-256 of a tunnel name, the label, the length and a counter.
 * Two tunnels with different names export different bytes.
 */
export function fakeExporter(tunnel = "tunnel-1"): Exporter & { calls: string[] } {
  const calls: string[] = [];
  const exporter = (length: number, label: string): Uint8Array => {
    calls.push(`${length}:${label}`);
    const out = new Uint8Array(length);
    for (let block = 0; block * 32 < length; block++) {
      const digest = createHash("sha256").update(`${tunnel}|${label}|${length}|${block}`).digest();
      out.set(digest.subarray(0, Math.min(32, length - block * 32)), block * 32);
    }
    return out;
  };
  return Object.assign(exporter, { calls });
}

/** The users: bob knows "hello" in cleartext, carol only as an NT hash of "hello". */
export const USERS: ReadonlyMap<string, PasswordCredential> = new Map<string, PasswordCredential>([
  ["bob", { password: "hello" }],
  ["carol", { ntHash: ntPasswordHash("hello") }],
  ["User", { password: "clientPass" }],
]);

export function serverContext(
  options: {
    exporter?: Exporter;
    innerMethods?: readonly PasswordMethodName[];
    users?: ReadonlyMap<string, PasswordCredential>;
    lookups?: string[];
  } = {},
): TunnelServerContext {
  const users = options.users ?? USERS;
  const exporter = options.exporter ?? fakeExporter();
  return {
    outerIdentity: "anonymous@example.org",
    credentials: (identity) => {
      options.lookups?.push(identity);
      return Promise.resolve(users.get(identity));
    },
    innerMethods: options.innerMethods ?? ["mschapv2", "md5", "gtc"],
    gtcPrompt: "Password: ",
    exportKeyingMaterial: exporter,
  };
}

/**
 * The Identifier of an outer EAP-Request, for phases fed by hand. TTLS
 * ignores it: its inner EAP packets travel whole in EAP-Message AVPs, with
 * their own Identifiers (RFC 5281 §11.3).
 */
export const OUTER = 7;

/** The Identifier of the next outer EAP-Request (RFC 3748 §4: one octet, so 255 is followed by 0). */
export const nextIdentifier = (identifier: number): number => (identifier + 1) & 0xff;

export interface Conversation {
  /** The server's last turn: success or failure. */
  readonly end: TunnelServerTurn;
  /** Every plaintext, in order: peer, server, peer, … */
  readonly transcript: Uint8Array[];
  /**
   * The Identifier of the outer EAP packet that carried each plaintext of
   * the transcript: the peer's Response, or the server's Request.
   */
  readonly outers: number[];
}

/**
 * Runs phase 2 to its end: the peer speaks first, then each answers the
 * other. The outer Identifiers are those the TLS machinery passes
 * (`tls_method_server.ts`, `tls_method_peer.ts`): outer Request `last`
 * carried the server's last handshake flight, on which the peer's phase
 * starts (its Response carries the first AVPs); each later round trip
 * takes the next Identifier. The server phase is given the Identifier of
 * the outer Request that will carry what it sends, and the peer the same
 * one when that plaintext reaches it.
 */
export async function converse(
  peer: TunnelPeerPhase,
  server: TunnelServerPhase,
  options: { handshakeData?: "with-first-avps" | "none"; last?: number } = {},
): Promise<Conversation> {
  const transcript: Uint8Array[] = [];
  const outers: number[] = [];
  let outer = (options.last ?? 7) & 0xff;
  const first = await peer.start(new Uint8Array(0), outer);
  outer = nextIdentifier(outer);
  let turn: TunnelServerTurn;
  if (options.handshakeData === "none") {
    // The server's phase starts with no AVPs yet: it waits, the machinery
    // sends an empty Request, and the peer's AVPs come in its Response.
    turn = await server.start(new Uint8Array(0), outer);
    if (turn.next !== "wait") throw new Error(`expected wait, got ${turn.next}`);
    transcript.push(first);
    outers.push(outer);
    outer = nextIdentifier(outer);
    turn = await server.receive(first, outer);
  } else {
    transcript.push(first);
    outers.push((options.last ?? 7) & 0xff);
    turn = await server.start(first, outer);
  }
  for (let round = 0; turn.next === "send"; round++) {
    if (round > 20) throw new Error("no end after 20 rounds");
    transcript.push(turn.plaintext);
    outers.push(outer);
    const answer = await peer.receive(turn.plaintext, outer);
    transcript.push(answer);
    outers.push(outer);
    outer = nextIdentifier(outer);
    turn = await server.receive(answer, outer);
  }
  return { end: turn, transcript, outers };
}

export const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.replace(/\s+/g, "").match(/../g) ?? [], (byte) => parseInt(byte, 16));

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
