// What the MS-CHAP v1 and v2 client helpers share.
import type { Packet } from "../packet.ts";
import { type MsChapError, parseMsChapError } from "./ms_chap_error.ts";

const encoder = new TextEncoder();

/**
 * The user name a response is computed for: `username` when given, else
 * the request's User-Name. Throws a programmer error when there is neither.
 */
export function requireUsername(request: Packet, username: string | undefined): string {
  if (username !== undefined) {
    if (typeof username !== "string") throw new TypeError("The MS-CHAP username must be a string");
    return username;
  }
  const name = request.get("User-Name");
  if (typeof name !== "string") {
    throw new TypeError(
      "MS-CHAP hashes the user name: give the request a User-Name or pass { username }",
    );
  }
  return name;
}

/** The Ident option, checked: `undefined` when omitted (the caller draws a random one). */
export function requireIdent(ident: number | undefined): number | undefined {
  if (ident === undefined) return undefined;
  if (!Number.isInteger(ident) || ident < 0 || ident > 255) {
    throw new RangeError(`The MS-CHAP Ident is an integer from 0 to 255, got ${String(ident)}`);
  }
  return ident;
}

/** The reply's MS-CHAP-Error, parsed, as received (or as set, for a reply built here). */
export function readMsChapError(reply: Packet): MsChapError | undefined {
  if (!reply.has("MS-CHAP-Error")) return undefined;
  let raw = reply.getRaw("MS-CHAP-Error");
  if (raw === undefined) {
    const value = reply.get("MS-CHAP-Error");
    if (typeof value === "string") raw = encoder.encode(value);
    else if (value instanceof Uint8Array) raw = value;
  }
  return raw === undefined ? undefined : parseMsChapError(raw);
}
