/**
 * EAP Identity (RFC 3748 §5.1) and Notification (§5.2): the two special
 * Types every peer answers, whatever its method.
 *
 * @module
 */
import { EapCode } from "../code.ts";
import type { EapDataPacket } from "../packet.ts";
import { EapType } from "../type.ts";

const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/**
 * The EAP-Response/Identity: the identity in UTF-8, not NUL-terminated
 * (RFC 3748 §5.1).
 */
export function identityResponse(identifier: number, identity: string): EapDataPacket {
  return {
    code: EapCode.Response,
    identifier,
    type: EapType.Identity,
    data: encoder.encode(identity),
  };
}

/** The identity of an EAP-Response/Identity, or `undefined` when it is not UTF-8. */
export function readIdentity(data: Uint8Array): string | undefined {
  try {
    return strict.decode(data);
  } catch {
    return undefined;
  }
}

/**
 * An EAP-Request/Notification: a displayable message, not NUL-terminated
 * and not empty (RFC 3748 §5.2).
 */
export function notificationRequest(identifier: number, message: string): EapDataPacket {
  return {
    code: EapCode.Request,
    identifier,
    type: EapType.Notification,
    data: encoder.encode(message),
  };
}

/** The EAP-Response/Notification: no Type-Data (RFC 3748 §5.2). */
export function notificationResponse(identifier: number): EapDataPacket {
  return {
    code: EapCode.Response,
    identifier,
    type: EapType.Notification,
    data: new Uint8Array(0),
  };
}

/** The message of an EAP-Request/Notification, for display (invalid UTF-8 replaced). */
export function readNotification(data: Uint8Array): string {
  return lenient.decode(data);
}
