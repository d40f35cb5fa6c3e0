/**
 * The server side of the EAP methods that run TLS in EAP packets: EAP-TLS
 * (RFC 5216, RFC 9190), PEAPv0 and EAP-TTLS (RFC 5281). All three share
 * the Start, the handshake in fragments, the alerts and the keys; PEAP and
 * TTLS then carry an inner authentication in the tunnel (their phase 2,
 * behind the contract of `tunnel.ts`), EAP-TLS ends with the handshake.
 *
 * A TLS session cannot be JSON, so it lives in this process, in a bounded
 * map keyed by an identifier kept in the conversation's state: a
 * conversation store shared by several servers must send a conversation's
 * Responses to the server that began it.
 *
 * @module
 */
import { randomBytes } from "../../crypto/random.ts";
import { toHex } from "../_hex.ts";
import { concatBytes } from "./_bytes.ts";
import type { ServerMethod, ServerMethodContext, ServerStep } from "../methods/method.ts";
import type { EapMethodName } from "../methods/method.ts";
import { EapTlsError } from "./eap_tls_error.ts";
import type { EapTlsServerOptions } from "./eap_tls_server.ts";
import { fragmentTlsMessage } from "./fragment.ts";
import { decodeEapTlsFrame, eapTlsAck, encodeEapTlsFrame, isEapTlsAck } from "./frame.ts";
import { deriveEapTlsKeys } from "./keys.ts";
import { deriveSessionId, helloRandom } from "./session_id.ts";
import { TlsReassembler } from "./reassembler.ts";
import type { TlsSession } from "./tls_engine.ts";
import { TlsExporterUnavailableError } from "./tls_exporter_error.ts";
import type {
  TunnelServerContext,
  TunnelServerPhase,
  TunnelServerPhaseFactory,
  TunnelServerTurn,
} from "./tunnel.ts";

/** What sets one TLS method apart from the others. */
export interface TlsMethodSpec {
  readonly name: Extract<EapMethodName, "tls" | "peap" | "ttls">;
  /** Its EAP Type: 13, 25 or 21; also the TLS 1.3 key context (RFC 9190 §2.3, RFC 9427 §2.1). */
  readonly type: number;
  /** The TLS 1.2 key label (RFC 5216 §2.3; RFC 5281 §8 for TTLS). */
  readonly keyLabel: string;
  /** The inner authentication; none for EAP-TLS, which ends with the handshake. */
  readonly phase2: TunnelServerPhaseFactory | undefined;
}

/**
 * Where a conversation stands once its handshake messages are out:
 * - `handshake`: more handshake to come;
 * - `finished`: EAP-TLS sent its last flight and waits for the acknowledgement;
 * - `alert`: a fatal alert went out, an EAP-Failure follows;
 * - `tunnel`: the handshake is over, phase 2 runs.
 */
type Phase = "handshake" | "finished" | "alert" | "tunnel";

interface Live {
  readonly session: TlsSession;
  readonly reassembler: TlsReassembler;
  /** Fragments not yet sent. */
  pending: Uint8Array[];
  phase: Phase;
  msk: Uint8Array | undefined;
  /** The EAP Session-Id (EAP-Key-Name), once known. */
  sessionId: Uint8Array | undefined;
  /** The Hello Randoms seen, for the TLS 1.2 Session-Id. */
  readonly randoms: { client: Uint8Array | undefined; server: Uint8Array | undefined };
  expires: number;
  /** Phase 2, once the handshake is over (PEAP, TTLS). */
  inner: TunnelServerPhase | undefined;
  /** Whether phase 2 has been started. */
  started: boolean;
}

const S_FLAG = encodeEapTlsFrame({ start: true });
const EMPTY: Uint8Array = new Uint8Array(0);

/** The server side of one TLS method, for one `EapServer`. */
export function tlsMethodServer(spec: TlsMethodSpec, options: EapTlsServerOptions): ServerMethod {
  const sessions = new Map<string, Live>();
  const maxSessions = options.maxSessions ?? 4_096;
  const timeout = options.sessionTimeout ?? 60_000;
  const fragment = (message: Uint8Array) =>
    fragmentTlsMessage(
      message,
      options.fragmentSize === undefined ? {} : { fragmentSize: options.fragmentSize },
    );

  /** Set once the engine is known to have no exporter: no session is opened again. */
  let noExporter = false;

  function drop(id: string): void {
    sessions.get(id)?.session.destroy();
    sessions.delete(id);
  }

  function sweep(now: number): void {
    for (const [id, live] of sessions) {
      if (live.expires <= now || sessions.size >= maxSessions) drop(id);
      else break; // in order of last activity, so of expiry
    }
  }

  /** The next fragment of a message, or the end of the conversation. */
  function send(id: string, live: Live, message: Uint8Array, phase: Phase): ServerStep {
    live.pending = fragment(message);
    live.phase = phase;
    return next(id, live);
  }

  function next(id: string, live: Live): ServerStep {
    const data = live.pending.shift()!;
    return { next: "request", data, state: { id } };
  }

  function fail(id: string, reason: Parameters<typeof failure>[0]): ServerStep {
    drop(id);
    return failure(reason);
  }

  function keys(id: string, live: Live): Uint8Array | ServerStep {
    try {
      return deriveEapTlsKeys(live.session, spec.type, spec.keyLabel).msk;
    } catch (error) {
      if (error instanceof TlsExporterUnavailableError) return fail(id, "tls-exporter-unavailable");
      throw error;
    }
  }

  /** EAP-TLS: the client certificate decides, then the last flight goes out. */
  async function certificateDone(
    id: string,
    live: Live,
    identity: string,
    records: Uint8Array,
  ): Promise<ServerStep> {
    const details = live.session.details()!;
    const certificate = details.peerCertificate;
    if (certificate === undefined || !details.authorized) return fail(id, "certificate-rejected");
    if (
      options.checkCertificate !== undefined &&
      await options.checkCertificate(certificate, identity) !== true
    ) {
      return fail(id, "certificate-rejected");
    }
    const msk = keys(id, live);
    if (!(msk instanceof Uint8Array)) return msk;
    live.msk = msk;
    live.sessionId = deriveSessionId(live.session, spec.type, live.randoms);
    let message = records;
    if (records.length === 0 && details.protocol !== "TLSv1.3") {
      // A resumed TLS 1.2 session: the server's Finished went first, the
      // peer's ends the handshake, and EAP-Success follows at once
      // (RFC 5216 §2.1.2).
      const { sessionId } = live;
      drop(id);
      return { next: "success", msk, ...(sessionId === undefined ? {} : { sessionId }) };
    }
    if (details.protocol === "TLSv1.3") {
      // RFC 9190 §2.1.1: one octet of application data, 0x00, tells the
      // peer that the handshake is over (no further post-handshake messages).
      const marker = await live.session.send(new Uint8Array([0]));
      message = concatBytes(records, marker.records);
    }
    return send(id, live, message, "finished");
  }

  /** PEAP, TTLS: the handshake is over; phase 2 begins now or after the last flight. */
  async function tunnelOpen(
    id: string,
    live: Live,
    context: ServerMethodContext,
    records: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<ServerStep> {
    live.inner = spec.phase2!(tunnelContext(live.session, context));
    live.phase = "tunnel";
    // TLS 1.2 ends with the server's Finished: the peer acknowledges it and
    // phase 2 starts on the next Response (PEAP's server speaks first; a
    // TTLS peer sends its AVPs). With TLS 1.3 the peer's Finished may bring
    // phase 2 data along, or nothing remains to be said: start at once.
    if (plaintext.length > 0 || records.length === 0) {
      live.started = true;
      return await tunnelTurn(
        id,
        live,
        await live.inner.start(plaintext, context.identifier),
        records,
      );
    }
    return send(id, live, records, "tunnel");
  }

  async function tunnelTurn(
    id: string,
    live: Live,
    turn: TunnelServerTurn,
    records: Uint8Array,
  ): Promise<ServerStep> {
    switch (turn.next) {
      case "send": {
        const sealed = await live.session.send(turn.plaintext);
        if (sealed.failure !== undefined) return fail(id, "tls-failed");
        return send(id, live, concatBytes(records, sealed.records), "tunnel");
      }
      case "wait":
        // Nothing of phase 2 to say: an empty Request asks the peer to go on.
        if (records.length > 0) return send(id, live, records, "tunnel");
        return { next: "request", data: eapTlsAck(), state: { id } };
      case "success": {
        const msk = keys(id, live);
        if (!(msk instanceof Uint8Array)) return msk;
        const sessionId = deriveSessionId(live.session, spec.type, live.randoms);
        drop(id);
        return {
          next: "success",
          msk,
          identity: turn.identity,
          method: turn.method,
          ...(sessionId === undefined ? {} : { sessionId }),
        };
      }
      case "failure":
        return fail(id, turn.reason);
    }
  }

  function tunnelContext(session: TlsSession, context: ServerMethodContext): TunnelServerContext {
    return {
      outerIdentity: context.identity,
      credentials: (identity) => context.credentialsOf(identity),
      innerMethods: context.innerMethods,
      gtcPrompt: context.gtcPrompt,
      exportKeyingMaterial(length, label) {
        const exporter = session.exportKeyingMaterial;
        if (exporter === undefined) {
          throw new TlsExporterUnavailableError(
            session.exporterMissing ?? "the TLS engine has no exporter",
          );
        }
        return exporter(length, label, undefined);
      },
    };
  }

  const resumption = options.resumption;
  const ticketLifetime = resumption === undefined || resumption === false
    ? undefined
    : resumption === true
    ? 3_600
    : resumption.lifetime ?? 3_600;

  function open(): Live {
    return {
      session: options.engine.open({
        role: "server",
        cert: options.cert,
        key: options.key,
        ...(ticketLifetime === undefined ? {} : { ticketLifetime }),
        ...(spec.phase2 === undefined ? { ca: options.ca!, requestCert: true } : {}),
        ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
        ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
      }),
      reassembler: new TlsReassembler(),
      pending: [],
      phase: "handshake",
      msk: undefined,
      sessionId: undefined,
      randoms: { client: undefined, server: undefined },
      expires: 0,
      inner: undefined,
      started: false,
    };
  }

  return {
    name: spec.name,
    type: spec.type,
    verifies: () => true,
    start() {
      sweep(Date.now());
      const id = toHex(randomBytes(12));
      return { data: S_FLAG, state: { id, fresh: true } };
    },
    async step(state, data, context): Promise<ServerStep> {
      const id = String(state.id);
      let live = sessions.get(id);
      if (live === undefined) {
        // The ClientHello answers the Start: only then is a session opened.
        if (state.fresh !== true) return failure("tls-failed");
        // No keys could come of it: fail before the handshake, not after.
        if (noExporter) return failure("tls-exporter-unavailable");
        sweep(Date.now());
        live = open();
        sessions.set(id, live);
        if (live.session.exportKeyingMaterial === undefined) {
          noExporter = true;
          return fail(id, "tls-exporter-unavailable");
        }
      }
      // Kept in the order of last activity, which is that of expiry.
      live.expires = Date.now() + timeout;
      sessions.delete(id);
      sessions.set(id, live);
      let frame;
      try {
        frame = decodeEapTlsFrame(data);
      } catch (error) {
        if (error instanceof EapTlsError) return fail(id, error.reason);
        throw error;
      }
      if (live.pending.length > 0) {
        // RFC 5216 §2.1.5: the peer acknowledges each fragment with an empty Response.
        return isEapTlsAck(frame) ? next(id, live) : fail(id, "bad-method-data");
      }
      if (live.phase === "alert") return fail(id, "tls-failed");
      if (live.phase === "finished") {
        if (!isEapTlsAck(frame)) return fail(id, "tls-failed"); // the peer's alert
        const { msk, sessionId } = live;
        drop(id);
        return { next: "success", msk, ...(sessionId === undefined ? {} : { sessionId }) };
      }
      let message;
      try {
        message = live.reassembler.push(frame);
      } catch (error) {
        if (error instanceof EapTlsError) return fail(id, error.reason);
        throw error;
      }
      if (message === undefined) return { next: "request", data: eapTlsAck(), state: { id } };
      if (live.phase === "tunnel") return await tunnelStep(id, live, message, context.identifier);
      live.randoms.client ??= helloRandom(message, 1);
      const progress = await live.session.receive(message);
      live.randoms.server ??= helloRandom(progress.records, 2);
      if (progress.failure !== undefined) {
        // RFC 5216 §2.1.3: the alert goes to the peer, then the EAP-Failure.
        if (progress.records.length === 0) return fail(id, "tls-failed");
        return send(id, live, progress.records, "alert");
      }
      if (progress.established) {
        if (spec.phase2 === undefined) {
          return await certificateDone(id, live, context.identity, progress.records);
        }
        return await tunnelOpen(id, live, context, progress.records, progress.applicationData);
      }
      if (progress.records.length === 0) return fail(id, "tls-failed");
      return send(id, live, progress.records, "handshake");
    },
  };

  /** A Response in the tunnel: an acknowledgement (empty) or TLS records with phase 2 data. */
  async function tunnelStep(
    id: string,
    live: Live,
    message: Uint8Array,
    identifier: number,
  ): Promise<ServerStep> {
    let plaintext = EMPTY;
    let records = EMPTY;
    if (message.length > 0) {
      const progress = await live.session.receive(message);
      if (progress.failure !== undefined || progress.peerClosed) return fail(id, "tls-failed");
      plaintext = progress.applicationData;
      records = progress.records;
    }
    const inner = live.inner!;
    if (!live.started) {
      live.started = true;
      return await tunnelTurn(id, live, await inner.start(plaintext, identifier), records);
    }
    return await tunnelTurn(id, live, await inner.receive(plaintext, identifier), records);
  }
}

function failure(
  reason: Extract<ServerStep, { next: "failure" }>["reason"],
): ServerStep {
  return { next: "failure", reason };
}
