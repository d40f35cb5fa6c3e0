/**
 * MPPE keys from MS-CHAP credentials (RFC 3079): what a RADIUS server
 * returns in MS-MPPE-Send-Key and MS-MPPE-Recv-Key after MS-CHAP v2, or in
 * MS-CHAP-MPPE-Keys after MS-CHAP v1 (RFC 2548 §2.4.1–2.4.3), and the
 * steps from there to the initial RC4 session keys of the PPP link.
 *
 * @module
 */
import { requireLength } from "../crypto/_checks.ts";
import { Sha1 } from "../crypto/sha1.ts";
import { hashNtPasswordHash } from "./nt_password_hash.ts";

const encoder = new TextEncoder();
/** One SHA-1 reused by every computation here (they are synchronous). */
const sha = new Sha1();
/** RFC 3079 §3.4: Magic1, 27 bytes. */
const MASTER_MAGIC = encoder.encode("This is the MPPE Master Key");
/** RFC 3079 §3.4: Magic2, 84 bytes: the client's send key, the server's receive key. */
const CLIENT_SEND_MAGIC = encoder.encode(
  "On the client side, this is the send key; on the server side, it is the receive key.",
);
/** RFC 3079 §3.4: Magic3, 84 bytes: the client's receive key, the server's send key. */
const CLIENT_RECEIVE_MAGIC = encoder.encode(
  "On the client side, this is the receive key; on the server side, it is the send key.",
);
/** RFC 3079 §2.4, §3.4: SHApad1 (40 zero bytes) and SHApad2 (40 bytes of 0xf2). */
const SHA_PAD1 = new Uint8Array(40);
const SHA_PAD2 = new Uint8Array(40).fill(0xf2);

/**
 * GetMasterKey() (RFC 3079 §3.4): the 16-byte MPPE master key of an
 * MS-CHAP v2 exchange, SHA-1(PasswordHashHash + NT-Response + Magic1).
 *
 * @param passwordHashHash The 16-byte hash of the NT hash ({@linkcode hashNtPasswordHash}).
 * @param ntResponse The peer's 24-byte NT-Response.
 * @returns The 16-byte master key.
 * @throws {RangeError} If an argument has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { getMasterKey } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 3079 §3.5.3.
 * const masterKey = getMasterKey(
 *   hex("41C00C584BD2D91C4017A2A12FA59F3F"),
 *   hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"),
 * );
 * assert.deepEqual(masterKey, hex("FDECE3717A8C838CB388E527AE3CDD31"));
 * ```
 */
export function getMasterKey(passwordHashHash: Uint8Array, ntResponse: Uint8Array): Uint8Array {
  requireLength(passwordHashHash, 16, "The NT password hash hash");
  requireLength(ntResponse, 24, "The MS-CHAP v2 NT-Response");
  const digest = sha.reset().update(passwordHashHash).update(ntResponse).update(MASTER_MAGIC)
    .digest();
  const key = digest.slice(0, 16);
  digest.fill(0);
  return key;
}

function requireKeyLength(length: number): void {
  if (length !== 8 && length !== 16) {
    throw new RangeError(
      `An MPPE key is 8 bytes (40- and 56-bit keys) or 16 bytes (128-bit keys), got ${length}`,
    );
  }
}

/**
 * GetAsymmetricStartKey() (RFC 3079 §3.4): the start key of one direction
 * of the link, from the master key. The client's send key is the server's
 * receive key and vice versa, so `isSend` and `isServer` together pick the
 * direction.
 *
 * @param masterKey The 16-byte master key ({@linkcode getMasterKey}).
 * @param keyLength 16 for 128-bit keys, 8 for 40- and 56-bit keys.
 * @param isSend Whether the key is for sending (from the point of view of `isServer`).
 * @param isServer Whether that point of view is the server's (the authenticator's).
 * @returns The start key, `keyLength` bytes.
 * @throws {RangeError} If the master key is not 16 bytes or `keyLength` not 8 or 16.
 *
 * @example Usage
 * ```ts
 * import { getAsymmetricStartKey } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * const masterKey = hex("FDECE3717A8C838CB388E527AE3CDD31"); // RFC 3079 §3.5.3
 * const serverSend = getAsymmetricStartKey(masterKey, 16, true, true);
 * assert.deepEqual(serverSend, hex("8B7CDC149B993A1BA118CB153F56DCCB"));
 * // What the server sends with, the client receives with.
 * assert.deepEqual(getAsymmetricStartKey(masterKey, 16, false, false), serverSend);
 * ```
 */
export function getAsymmetricStartKey(
  masterKey: Uint8Array,
  keyLength: number,
  isSend: boolean,
  isServer: boolean,
): Uint8Array {
  requireLength(masterKey, 16, "The MPPE master key");
  requireKeyLength(keyLength);
  const magic = isSend === isServer ? CLIENT_RECEIVE_MAGIC : CLIENT_SEND_MAGIC;
  const digest = sha.reset().update(masterKey).update(SHA_PAD1).update(magic).update(SHA_PAD2)
    .digest();
  const key = digest.slice(0, keyLength);
  digest.fill(0);
  return key;
}

/**
 * GetNewKeyFromSHA() (RFC 3079 §2.4, §3.4; RFC 3078 §7.3):
 * SHA-1(StartKey + SHApad1 + SessionKey + SHApad2), cut to the key length.
 * MPPE derives the initial session key with it (the session key being the
 * start key itself) and every later key change.
 *
 * @param startKey The start key; its first `keyLength` bytes are used.
 * @param sessionKey The current session key; its first `keyLength` bytes are used.
 * @param keyLength 8 or 16.
 * @returns The new key, `keyLength` bytes.
 * @throws {RangeError} If `keyLength` is not 8 or 16 or a key is shorter.
 *
 * @example Usage
 * ```ts
 * import { getNewKeyFromSha } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 3079 §3.5.3: SendSessionKey128 from SendStartKey128.
 * const start = hex("8B7CDC149B993A1BA118CB153F56DCCB");
 * assert.deepEqual(getNewKeyFromSha(start, start, 16), hex("405CB2247A7956E6E211007AE27B22D4"));
 * ```
 */
export function getNewKeyFromSha(
  startKey: Uint8Array,
  sessionKey: Uint8Array,
  keyLength: number,
): Uint8Array {
  requireKeyLength(keyLength);
  for (const [key, name] of [[startKey, "start"], [sessionKey, "session"]] as const) {
    if (!(key instanceof Uint8Array) || key.length < keyLength) {
      throw new RangeError(`The MPPE ${name} key must be a Uint8Array of ${keyLength} bytes`);
    }
  }
  const digest = sha.reset()
    .update(startKey, 0, keyLength)
    .update(SHA_PAD1)
    .update(sessionKey, 0, keyLength)
    .update(SHA_PAD2)
    .digest();
  const key = digest.slice(0, keyLength);
  digest.fill(0);
  return key;
}

/**
 * The initial MPPE session key of a direction (RFC 3079 §2.1–2.3 and
 * §3.1–3.3, last steps): {@linkcode getNewKeyFromSha} of the start key with
 * itself, and for 40- and 56-bit keys the first three bytes, or the first
 * byte, replaced by `D1 26 9E`, or `D1`, to reduce the effective key length.
 *
 * @param startKey The start key: 16 bytes for 128-bit keys, at least 8 otherwise.
 * @param bits 40, 56 or 128.
 * @returns The session key: 8 bytes for 40 and 56 bits, 16 for 128.
 * @throws {RangeError} If `bits` is not 40, 56 or 128, or the start key is too short.
 *
 * @example Usage
 * ```ts
 * import { initialSessionKey } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 3079 §3.5.1: SendSessionKey40.
 * const start = hex("8B7CDC149B993A1B");
 * assert.deepEqual(initialSessionKey(start, 40), hex("D1269EC49FA62E3E"));
 * ```
 */
export function initialSessionKey(startKey: Uint8Array, bits: 40 | 56 | 128): Uint8Array {
  if (bits !== 40 && bits !== 56 && bits !== 128) {
    throw new RangeError(`MPPE session keys have 40, 56 or 128 bits, got ${String(bits)}`);
  }
  const length = bits === 128 ? 16 : 8;
  const key = getNewKeyFromSha(startKey, startKey, length);
  if (bits === 40) {
    key[0] = 0xd1;
    key[1] = 0x26;
    key[2] = 0x9e;
  } else if (bits === 56) key[0] = 0xd1;
  return key;
}

/**
 * The 128-bit start key of an MS-CHAP v1 link (RFC 3079 §2.3): the first
 * 16 bytes of SHA-1(PasswordHashHash + PasswordHashHash + Challenge). Both
 * directions start from it.
 *
 * @param challenge The authenticator's 8-byte challenge (MS-CHAP-Challenge).
 * @param passwordHashHash The 16-byte hash of the NT hash (the NT key of MS-CHAP-MPPE-Keys).
 * @returns The 16-byte start key.
 * @throws {RangeError} If an argument has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { initialSessionKey, msChapV1StartKey } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 3079 §2.5.3.
 * const start = msChapV1StartKey(hex("102DB5DF085D3041"), hex("41C00C584BD2D91C4017A2A12FA59F3F"));
 * assert.deepEqual(initialSessionKey(start, 128), hex("59D159BC09F76F1DA2A86A28FFEC0B1E"));
 * ```
 */
export function msChapV1StartKey(challenge: Uint8Array, passwordHashHash: Uint8Array): Uint8Array {
  requireLength(challenge, 8, "The MS-CHAP challenge");
  requireLength(passwordHashHash, 16, "The NT password hash hash");
  const digest = sha.reset().update(passwordHashHash).update(passwordHashHash).update(challenge)
    .digest();
  const key = digest.slice(0, 16);
  digest.fill(0);
  return key;
}

/**
 * The two 128-bit MPPE keys a RADIUS server returns after MS-CHAP v2, named
 * as their attributes (RFC 2548 §2.4.2–2.4.3): the NAS encrypts what it
 * sends to the peer with `sendKey` and decrypts what it receives with
 * `recvKey`.
 *
 * @example Usage
 * ```ts
 * import { generateNtResponse, type MppeKeys, msChapV2MppeKeys, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const passwordHash = ntPasswordHash("secret");
 * const ntResponse = generateNtResponse({
 *   authenticatorChallenge: new Uint8Array(16).fill(1),
 *   peerChallenge: new Uint8Array(16).fill(2),
 *   username: "alice",
 *   passwordHash,
 * });
 * const keys: MppeKeys = msChapV2MppeKeys(passwordHash, ntResponse);
 * assert.equal(keys.sendKey.length, 16);
 * assert.notDeepEqual(keys.sendKey, keys.recvKey);
 * ```
 */
export interface MppeKeys {
  /** MS-MPPE-Send-Key: the server's (the NAS's) send start key. */
  readonly sendKey: Uint8Array;
  /** MS-MPPE-Recv-Key: the server's (the NAS's) receive start key. */
  readonly recvKey: Uint8Array;
}

/**
 * The MS-MPPE-Send-Key and MS-MPPE-Recv-Key values of an MS-CHAP v2
 * exchange (RFC 2548 §2.4.2–2.4.3, RFC 3079 §3.3): the server's 128-bit
 * asymmetric start keys, from the master key of the NT hash and the peer's
 * NT-Response. (The RADIUS codec hides them with the shared secret.)
 *
 * @param passwordHash The 16-byte NT hash.
 * @param ntResponse The peer's 24-byte NT-Response.
 * @returns The two 16-byte keys.
 * @throws {RangeError} If an argument has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { msChapV2MppeKeys } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 2759 §9.2 / RFC 3079 §3.5.3: the server's send key.
 * const keys = msChapV2MppeKeys(
 *   hex("44EBBA8D5312B8D611474411F56989AE"),
 *   hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"),
 * );
 * assert.deepEqual(keys.sendKey, hex("8B7CDC149B993A1BA118CB153F56DCCB"));
 * ```
 */
export function msChapV2MppeKeys(passwordHash: Uint8Array, ntResponse: Uint8Array): MppeKeys {
  const hashHash = hashNtPasswordHash(passwordHash);
  const masterKey = getMasterKey(hashHash, ntResponse);
  hashHash.fill(0);
  const keys = {
    sendKey: getAsymmetricStartKey(masterKey, 16, true, true),
    recvKey: getAsymmetricStartKey(masterKey, 16, false, true),
  };
  masterKey.fill(0);
  return keys;
}

/**
 * The MS-CHAP-MPPE-Keys value after MS-CHAP v1 (RFC 2548 §2.4.1): an
 * 8-byte LAN Manager key, left zero (LAN Manager hashes are not computed:
 * 40- and 56-bit MPPE then derive from zeros, as with FreeRADIUS 3), and
 * the 16-byte NT key. RFC 2548 says the NT key is the NT hash; what NASes
 * use, and FreeRADIUS sends, is the hash of it (RFC 3079 §2.3).
 *
 * @param passwordHash The 16-byte NT hash.
 * @returns The 24-byte value (the codec pads and hides it, RFC 2548 §2.4.1).
 * @throws {RangeError} If the hash is not 16 bytes.
 *
 * @example Usage
 * ```ts
 * import { hashNtPasswordHash, msChapV1MppeKeys, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hash = ntPasswordHash("clientPass");
 * const keys = msChapV1MppeKeys(hash);
 * assert.deepEqual(keys.subarray(0, 8), new Uint8Array(8));
 * assert.deepEqual(keys.subarray(8), hashNtPasswordHash(hash));
 * ```
 */
export function msChapV1MppeKeys(passwordHash: Uint8Array): Uint8Array {
  const keys = new Uint8Array(24);
  const hashHash = hashNtPasswordHash(passwordHash);
  keys.set(hashHash, 8);
  hashHash.fill(0);
  return keys;
}
