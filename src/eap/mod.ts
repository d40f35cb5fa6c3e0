/**
 * EAP (RFC 3748) and its carriage over RADIUS (RFC 3579): the EAP packet
 * codec, the Nak, EAP-Message split and joined, and the steps of the
 * Access-Challenge loop.
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
