/**
 * The peer side of the EAP methods that run TLS in EAP packets: EAP-TLS
 * (RFC 5216, RFC 9190), PEAPv0 and EAP-TTLS (RFC 5281). The handshake is
 * begun on the server's Start and runs in fragments both ways; the
 * server's certificate must verify against the CA before anything is
 * believed; then EAP-TLS waits for the end of the handshake (TLS 1.2) or
 * the server's end marker (TLS 1.3), and PEAP and TTLS run their inner
 * authentication (phase 2) in the tunnel.
 *
 * @module
 */
import { EapConversationError } from "../conversation_error.ts";
import { concatBytes } from "./_bytes.ts";
import type { EapMethodName, PeerMethod } from "../methods/method.ts";
import { EapTlsError } from "./eap_tls_error.ts";
import type { EapTlsClientOptions } from "./eap_tls_peer.ts";
import { fragmentTlsMessage } from "./fragment.ts";
import { decodeEapTlsFrame, eapTlsAck, isEapTlsAck } from "./frame.ts";
import { deriveEapTlsKeys } from "./keys.ts";
import { deriveSessionId, helloRandom } from "./session_id.ts";
import { TlsReassembler } from "./reassembler.ts";
import type { TlsSession } from "./tls_engine.ts";
import { TlsExporterUnavailableError } from "./tls_exporter_error.ts";
import type { TunnelPeerContext, TunnelPeerPhase } from "./tunnel.ts";

/** What sets one TLS method apart from the others, on the peer. */
export interface TlsMethodPeerSpec {
  readonly name: Extract<EapMethodName, "tls" | "peap" | "ttls">;
  /** Its EAP Type; also the TLS 1.3 key context (RFC 9190 §2.3, RFC 9427 §2.1). */
  readonly type: number;
  /** The TLS 1.2 key label (RFC 5216 §2.3; RFC 5281 §8 for TTLS). */
  readonly keyLabel: string;
  /** The inner authentication; none for EAP-TLS. */
  readonly phase2: ((context: TunnelPeerContext) => TunnelPeerPhase) | undefined;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function badRequest(message: string, cause?: unknown): EapConversationError {
  return new EapConversationError(
    "bad-method-data",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** The peer side of one TLS method, for one conversation. */
export function tlsMethodPeer(spec: TlsMethodPeerSpec, options: EapTlsClientOptions): PeerMethod {
  let session: TlsSession | undefined;
  const reassembler = new TlsReassembler();
  let pending: Uint8Array[] = [];
  let established = false;
  let finished = false;
  let failed = false;
  let msk: Uint8Array | undefined;
  let sessionId: Uint8Array | undefined;
  const randoms: { client: Uint8Array | undefined; server: Uint8Array | undefined } = {
    client: undefined,
    server: undefined,
  };
  let inner: TunnelPeerPhase | undefined;
  let started = false;
  const fragment = (message: Uint8Array) =>
    fragmentTlsMessage(
      message,
      options.fragmentSize === undefined ? {} : { fragmentSize: options.fragmentSize },
    );
  const send = (message: Uint8Array): Uint8Array => {
    if (message.length === 0) return eapTlsAck();
    pending = fragment(message);
    return pending.shift()!;
  };

  /**
   * The server's certificate decides: a server that did not prove who it
   * is ends the conversation here. Its Access-Accept must not be taken for
   * an authentication, and no password may go into its tunnel.
   */
  function authenticateServer(tls: TlsSession): void {
    const details = tls.details()!;
    if (!details.authorized) {
      failed = true;
      tls.destroy();
      throw new EapConversationError(
        "server-not-authenticated",
        `the server's TLS certificate did not verify (${
          details.authorizationError ?? "not authorized"
        }): check tls.ca and tls.serverName`,
      );
    }
    msk = deriveEapTlsKeys(tls, spec.type, spec.keyLabel).msk;
    sessionId = deriveSessionId(tls, spec.type, randoms);
  }

  function tunnelContext(tls: TlsSession): TunnelPeerContext {
    return {
      exportKeyingMaterial: (length, label) => tls.exportKeyingMaterial!(length, label, undefined),
    };
  }

  /** Phase 2's answer to what the server said in the tunnel, sealed after `records`. */
  async function tunnel(
    tls: TlsSession,
    records: Uint8Array,
    plaintext: Uint8Array,
    identifier: number,
  ): Promise<Uint8Array> {
    let answer = EMPTY;
    if (!started) {
      started = true;
      answer = await inner!.start(plaintext, identifier);
    } else if (plaintext.length > 0) {
      answer = await inner!.receive(plaintext, identifier);
    }
    if (answer.length === 0) return records;
    return concatBytes(records, (await tls.send(answer)).records);
  }

  async function begin(): Promise<Uint8Array> {
    if (session !== undefined) throw badRequest(`a second ${spec.name} Start`);
    session = options.engine.open({
      role: "client",
      ...(options.cert === undefined ? {} : { cert: options.cert }),
      ...(options.key === undefined ? {} : { key: options.key }),
      ca: options.ca,
      ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
      ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
      ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
      ...(options.resumption === true ? { resume: true } : {}),
    });
    if (session.exportKeyingMaterial === undefined) {
      // No keys could come of it: fail before the handshake, not after.
      throw new TlsExporterUnavailableError(
        session.exporterMissing ?? "the TLS engine has no exporter",
      );
    }
    const hello = await session.receive(EMPTY);
    randoms.client = helloRandom(hello.records, 1);
    return send(hello.records);
  }

  return {
    name: spec.name,
    type: spec.type,
    get finished() {
      return spec.phase2 === undefined ? finished : inner?.finished === true && !failed;
    },
    get msk() {
      return msk;
    },
    get sessionId() {
      return sessionId;
    },
    close() {
      session?.destroy();
    },
    async respond(identifier, data) {
      let frame;
      try {
        frame = decodeEapTlsFrame(data);
      } catch (error) {
        if (error instanceof EapTlsError) throw badRequest(error.message, error);
        throw error;
      }
      if (frame.start) return await begin();
      if (session === undefined) throw badRequest(`a ${spec.name} Request before the Start`);
      if (pending.length > 0) {
        if (!isEapTlsAck(frame)) throw badRequest(`no acknowledgement of a ${spec.name} fragment`);
        return pending.shift()!;
      }
      let message;
      try {
        message = reassembler.push(frame);
      } catch (error) {
        if (error instanceof EapTlsError) throw badRequest(error.message, error);
        throw error;
      }
      if (message === undefined || failed || finished) return eapTlsAck();
      if (established && inner !== undefined && message.length === 0) {
        // An empty Request in the tunnel: the server waits for phase 2 to speak.
        return send(await tunnel(session, EMPTY, EMPTY, identifier));
      }
      randoms.server ??= helloRandom(message, 2);
      const progress = await session.receive(message);
      if (progress.failure !== undefined) {
        failed = true;
        return send(progress.records);
      }
      if (progress.established && !established) {
        established = true;
        authenticateServer(session);
        if (spec.phase2 !== undefined) inner = spec.phase2(tunnelContext(session));
        // EAP-TLS with TLS 1.2 ends with the server's Finished; with TLS 1.3
        // with the server's one octet 0x00 of application data (RFC 9190
        // §2.1.1), which may come with the Finished or in the next Request.
        else if (session.details()!.protocol !== "TLSv1.3") finished = true;
      }
      if (inner !== undefined) {
        if (progress.peerClosed) throw badRequest(`the server closed the ${spec.name} tunnel`);
        return send(
          await tunnel(session, progress.records, progress.applicationData, identifier),
        );
      }
      if (
        established && !finished &&
        (progress.applicationData.includes(0) || progress.peerClosed)
      ) {
        finished = true;
      }
      return send(progress.records);
    },
  };
}
