/**
 * EAP (RFC 3748) and its carriage over RADIUS (RFC 3579): the EAP packet
 * codec, the Nak, EAP-Message split and joined, the steps of the
 * Access-Challenge loop, the EAP server and client with EAP-MD5, EAP-GTC,
 * EAP-MSCHAPv2, EAP-TLS, PEAPv0 and EAP-TTLS.
 *
 * @module
 */
export { EapCode, eapCodeName, isEapCode } from "./code.ts";
export type { EapDataCode, EapResultCode } from "./code.ts";
export { EapType, eapTypeName } from "./type.ts";
export { EAP_ERROR_REASONS, EapError } from "./error.ts";
export type { EapErrorReason } from "./error.ts";
export { decodeEap, encodeEap } from "./packet.ts";
export type { EapDataPacket, EapPacket, EapResultPacket } from "./packet.ts";
export { decodeNak, encodeNak, isNak } from "./nak.ts";
export type { EapExpandedType, EapMethodType, NakOptions } from "./nak.ts";
export {
  countEapMessageAttributes,
  getEapMessage,
  MAX_EAP_IN_RADIUS,
  readEap,
  setEapMessage,
} from "./eap_message.ts";
export { nextEapRequest } from "./next_request.ts";
export { eapReply } from "./eap_reply.ts";
export { EapConversationError } from "./conversation_error.ts";
export type { EapConversationErrorReason } from "./conversation_error.ts";
export type { EapMethodName } from "./methods/method.ts";
export type { PasswordMethodName } from "./methods/registry.ts";
export { EapServer } from "./server/eap_server.ts";
export type {
  EapAuthenticatedUser,
  EapCredentialLookup,
  EapServerOptions,
} from "./server/eap_server.ts";
export { MemoryEapConversationStore } from "./server/conversation_store.ts";
export type {
  EapConversation,
  EapConversationStore,
  MemoryEapConversationStoreOptions,
} from "./server/conversation_store.ts";
export { EAP_REJECT_REASONS } from "./server/stats.ts";
export type { EapRejectReason, EapServerStats } from "./server/stats.ts";
export type { EapClientOptions, EapResult } from "./client/run_eap.ts";
export { EAP_TLS_ERROR_REASONS, EapTlsError } from "./tls/eap_tls_error.ts";
export type { EapTlsErrorReason } from "./tls/eap_tls_error.ts";
export type {
  EapTlsVersion,
  TlsEngine,
  TlsProgress,
  TlsSession,
  TlsSessionOptions,
} from "./tls/tls_engine.ts";
export { TlsExporterUnavailableError } from "./tls/tls_exporter_error.ts";
export type { EapTlsServerOptions } from "./tls/eap_tls_server.ts";
export type { EapTlsClientOptions } from "./tls/eap_tls_peer.ts";
export type { PeapInnerMethod, TtlsInnerMethod } from "./tls/tunnel_peers.ts";
