/**
 * The server sides of PEAPv0 and EAP-TTLSv0: the TLS machinery of
 * `tls_method_server.ts` with each one's phase 2 and keys.
 *
 * @module
 */
import type { ServerMethod } from "../methods/method.ts";
import { peapServerPhase } from "../peap/peap_server_phase.ts";
import { ttlsServerPhase } from "../ttls/ttls_server_phase.ts";
import { EapType } from "../type.ts";
import type { EapTlsServerOptions } from "./eap_tls_server.ts";
import { TLS12_KEY_LABEL, TTLS_KEY_LABEL } from "./keys.ts";
import { tlsMethodServer } from "./tls_method_server.ts";

/** PEAP and TTLS for one `EapServer`. */
export function tunnelServers(options: EapTlsServerOptions): ServerMethod[] {
  return [
    // PEAPv0 without cryptobinding keys the link as EAP-TLS does
    // (draft-kamath-pppext-peapv0-00 §2; RFC 9427 §2.1 with TLS 1.3).
    tlsMethodServer(
      { name: "peap", type: EapType.PEAP, keyLabel: TLS12_KEY_LABEL, phase2: peapServerPhase },
      options,
    ),
    // No resumption for TTLS: peers skip the inner authentication on a
    // resumed TTLS session (as RFC 5281 §7.5 allows the server to), and
    // this server keeps no record of who authenticated in a session.
    tlsMethodServer(
      { name: "ttls", type: EapType.TTLS, keyLabel: TTLS_KEY_LABEL, phase2: ttlsServerPhase },
      { ...options, resumption: false },
    ),
  ];
}
