/**
 * The keys of EAP-TLS and its relatives from the TLS exporter: the MSK
 * that goes to the access point and the EMSK (RFC 5216 §2.3, RFC 9190 §2.3).
 *
 * @module
 */
import type { TlsSession } from "./tls_engine.ts";
import { TlsExporterUnavailableError } from "./tls_exporter_error.ts";

/** The 64-octet MSK and 64-octet EMSK of a TLS-based EAP method. */
export interface EapTlsKeys {
  /** The Master Session Key (RFC 3748 §7.10), for MS-MPPE keys (RFC 2548). */
  readonly msk: Uint8Array;
  /** The Extended Master Session Key. */
  readonly emsk: Uint8Array;
}

/** RFC 5216 §2.3: TLS-PRF-128(master_secret, "client EAP encryption", client.random || server.random). */
export const TLS12_KEY_LABEL = "client EAP encryption";
/** RFC 5281 §8: the TLS 1.2 label of EAP-TTLS's keying material. */
export const TTLS_KEY_LABEL = "ttls keying material";
/** RFC 9190 §2.3: TLS-Exporter("EXPORTER_EAP_TLS_Key_Material", Type-Code, 128). */
export const TLS13_KEY_LABEL = "EXPORTER_EAP_TLS_Key_Material";

/**
 * Derives the MSK and EMSK of an established session: with TLS 1.3 the
 * exporter of RFC 9190 §2.3 with the EAP Type as context, with TLS 1.2 the
 * exporter without context, which is the PRF of RFC 5216 §2.3 (RFC 5705
 * §4: "client.random || server.random" is its seed).
 *
 * @param session The established session.
 * @param eapType The method's EAP Type (13 for EAP-TLS): the TLS 1.3 context.
 * @param tls12Label The TLS 1.2 label (EAP-TTLS has its own, RFC 5281 §8).
 * @throws {TlsExporterUnavailableError} When the engine has no exporter.
 */
export function deriveEapTlsKeys(
  session: TlsSession,
  eapType: number,
  tls12Label: string = TLS12_KEY_LABEL,
): EapTlsKeys {
  const exporter = session.exportKeyingMaterial;
  if (exporter === undefined) {
    throw new TlsExporterUnavailableError(
      session.exporterMissing ?? "the TLS engine has no exporter",
    );
  }
  const protocol = session.details()?.protocol;
  const material = protocol === "TLSv1.3"
    ? exporter(128, TLS13_KEY_LABEL, new Uint8Array([eapType]))
    : exporter(128, tls12Label, undefined);
  const keys = { msk: material.slice(0, 64), emsk: material.slice(64, 128) };
  material.fill(0);
  return keys;
}
