/**
 * RADIUS packet codes (RFC 2865 §3, RFC 2866 §4, RFC 5176 §2, RFC 5997 §2
 * and the IANA "Packet Type Codes" registry).
 *
 * @module
 */

/**
 * Packet codes by name. Any other number in 0..255 is kept as a number when
 * decoding, so unknown packet types still round-trip.
 *
 * @example Usage
 * ```ts
 * import { Code } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(Code.AccessAccept, 2);
 * assert.equal(Code.CoARequest, 43);
 * ```
 */
export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  StatusClient: 13,
  DisconnectRequest: 40,
  DisconnectACK: 41,
  DisconnectNAK: 42,
  CoARequest: 43,
  CoAACK: 44,
  CoANAK: 45,
  IPAddressAllocate: 50,
  IPAddressRelease: 51,
  ProtocolError: 52,
} as const;

/**
 * A named packet code: one of the values of {@linkcode Code}. (A decoded
 * packet's `code` is a plain `number`, so other codes 0..255 still fit.)
 *
 * @example Usage
 * ```ts
 * import { Code, codeName, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const answers: readonly Code[] = [Code.AccessAccept, Code.AccessReject, Code.AccessChallenge];
 * assert.deepEqual(answers.map((code) => codeName(code)), [
 *   "Access-Accept",
 *   "Access-Reject",
 *   "Access-Challenge",
 * ]);
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * assert.ok(answers.includes(request.reply(Code.AccessReject).code as Code));
 * ```
 */
export type Code = (typeof Code)[keyof typeof Code];

const names: ReadonlyMap<number, CodeName> = new Map<number, CodeName>([
  [1, "Access-Request"],
  [2, "Access-Accept"],
  [3, "Access-Reject"],
  [4, "Accounting-Request"],
  [5, "Accounting-Response"],
  [11, "Access-Challenge"],
  [12, "Status-Server"],
  [13, "Status-Client"],
  [40, "Disconnect-Request"],
  [41, "Disconnect-ACK"],
  [42, "Disconnect-NAK"],
  [43, "CoA-Request"],
  [44, "CoA-ACK"],
  [45, "CoA-NAK"],
  [50, "IP-Address-Allocate"],
  [51, "IP-Address-Release"],
  [52, "Protocol-Error"],
]);

/**
 * The registry name of a {@linkcode Code}, as FreeRADIUS and RFC 3575 spell
 * it; `Packet.create` and `Packet.reply` take these as well as numbers.
 *
 * @example Usage
 * ```ts
 * import { type CodeName, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const code: CodeName = "Accounting-Request";
 * assert.equal(Packet.create(code, Dictionary.default(), {}).code, 4);
 * // @ts-expect-error a misspelled name does not compile
 * const wrong: CodeName = "Acess-Request";
 * assert.equal(wrong.length, 13);
 * ```
 */
export type CodeName =
  | "Access-Request"
  | "Access-Accept"
  | "Access-Reject"
  | "Accounting-Request"
  | "Accounting-Response"
  | "Access-Challenge"
  | "Status-Server"
  | "Status-Client"
  | "Disconnect-Request"
  | "Disconnect-ACK"
  | "Disconnect-NAK"
  | "CoA-Request"
  | "CoA-ACK"
  | "CoA-NAK"
  | "IP-Address-Allocate"
  | "IP-Address-Release"
  | "Protocol-Error";

const numbers: ReadonlyMap<string, number> = new Map(
  [...names].map(([number, name]) => [name.toLowerCase(), number]),
);

/**
 * The registry name of a packet code, e.g. `"Access-Accept"`; unknown codes
 * are named `"Code-<n>"`.
 *
 * @param code The packet code.
 * @returns The name as FreeRADIUS and the IANA registry print it.
 *
 * @example Usage
 * ```ts
 * import { codeName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(codeName(2), "Access-Accept");
 * assert.equal(codeName(99), "Code-99");
 * ```
 */
export function codeName(code: number): string {
  return names.get(code) ?? `Code-${code}`;
}

/**
 * The code for a registry name (case-insensitive), e.g. `"access-request"`
 * → 1, or `undefined` for an unknown name.
 *
 * @param name A packet type name such as `"Accounting-Request"`.
 * @returns The code, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { codeFromName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(codeFromName("coa-request"), 43);
 * assert.equal(codeFromName("nope"), undefined);
 * ```
 */
export function codeFromName(name: string): number | undefined {
  const known = numbers.get(name.toLowerCase());
  if (known !== undefined) return known;
  const match = /^code-(\d{1,3})$/i.exec(name);
  return match && Number(match[1]) <= 255 ? Number(match[1]) : undefined;
}

/** True for the request codes whose Request Authenticator is an MD5 over the packet (RFC 2866 §3, RFC 5176 §2.3). */
export function hasComputedRequestAuthenticator(code: number): boolean {
  return code === Code.AccountingRequest || code === Code.CoARequest ||
    code === Code.DisconnectRequest;
}

/** True for request codes (as opposed to replies). */
export function isRequest(code: number): boolean {
  return code === Code.AccessRequest || code === Code.AccountingRequest ||
    code === Code.StatusServer || code === Code.StatusClient ||
    code === Code.CoARequest || code === Code.DisconnectRequest ||
    code === Code.IPAddressAllocate || code === Code.IPAddressRelease;
}

/**
 * Whether a number is a code of the RADIUS packet type registry (a value of
 * {@linkcode Code}).
 *
 * @param code Any number.
 * @returns `true` for a registered code.
 *
 * @example Usage
 * ```ts
 * import { isCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isCode(43), true);
 * assert.equal(isCode(99), false);
 * ```
 */
export function isCode(code: number): code is Code {
  return names.has(code);
}
