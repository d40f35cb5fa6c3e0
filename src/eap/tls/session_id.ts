/**
 * The EAP Session-Id of the TLS methods, which RADIUS carries as
 * EAP-Key-Name (RFC 4072 §2.2.2, RFC 5247 §1.4): with TLS 1.2 the method's
 * Type followed by the client and server randoms of the handshake (RFC 5216
 * §2.3; the same construction for PEAP and TTLS, RFC 9427 §2.1); with TLS
 * 1.3 the Type followed by the exporter's Method-Id (RFC 9190 §2.3, RFC
 * 9427 §2.1). The randoms are read from the Hello messages as they pass:
 * `node:tls` gives no other access to them.
 *
 * @module
 */
import { concatBytes } from "./_bytes.ts";
import type { TlsSession } from "./tls_engine.ts";

/** RFC 9190 §2.3: TLS-Exporter("EXPORTER_EAP_TLS_Method-Id", Type-Code, 64). */
export const METHOD_ID_LABEL = "EXPORTER_EAP_TLS_Method-Id";

/** TLS record type of handshake messages (RFC 5246 §6.2.1). */
const HANDSHAKE = 22;
/** Record header (5) + handshake header (4) + legacy version (2): where the Random begins. */
const RANDOM_OFFSET = 11;
const RANDOM_LENGTH = 32;

/**
 * The Random of the ClientHello (`1`) or ServerHello (`2`) that opens a
 * flight of TLS records, or `undefined` when the flight does not begin so
 * (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2–4.1.3: both are sent in clear).
 */
export function helloRandom(records: Uint8Array, helloType: 1 | 2): Uint8Array | undefined {
  if (records.length < RANDOM_OFFSET + RANDOM_LENGTH) return undefined;
  if (records[0] !== HANDSHAKE || records[5] !== helloType) return undefined;
  return records.slice(RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH);
}

/**
 * The Session-Id of an established session, or `undefined` when it cannot
 * be known (TLS 1.2 without both randoms; no exporter).
 *
 * @param session The established session.
 * @param eapType The method's EAP Type (13 EAP-TLS, 21 TTLS, 25 PEAP).
 * @param randoms The ClientHello's and ServerHello's Randoms, for TLS 1.2.
 */
export function deriveSessionId(
  session: TlsSession,
  eapType: number,
  randoms: { readonly client: Uint8Array | undefined; readonly server: Uint8Array | undefined },
): Uint8Array | undefined {
  const protocol = session.details()?.protocol;
  if (protocol === "TLSv1.3") {
    const exporter = session.exportKeyingMaterial;
    if (exporter === undefined) return undefined;
    return concatBytes(
      new Uint8Array([eapType]),
      exporter(64, METHOD_ID_LABEL, new Uint8Array([eapType])),
    );
  }
  if (randoms.client === undefined || randoms.server === undefined) return undefined;
  return concatBytes(new Uint8Array([eapType]), randoms.client, randoms.server);
}
