/**
 * Hidden attribute values: User-Password (RFC 2865 §5.2, `encrypt=1`),
 * salted values such as Tunnel-Password and MS-MPPE keys (RFC 2868 §3.5,
 * RFC 2548 §2.4.2, `encrypt=2`) and Ascend-Send-Secret (`encrypt=3`).
 *
 * @module
 */
import { Md5 } from "../crypto/md5.ts";
import { fillRandom } from "../crypto/random.ts";

const BLOCK = 16;

/**
 * XORs `data` in place with the MD5 chain b(1) = MD5(S + seed),
 * b(i) = MD5(S + c(i-1)), where c is the ciphertext (RFC 2865 §5.2).
 */
function chain(
  data: Uint8Array,
  secret: Uint8Array,
  seed: readonly Uint8Array[],
  encrypt: boolean,
): void {
  const md5 = new Md5();
  const previous = new Uint8Array(BLOCK);
  for (let block = 0; block < data.length; block += BLOCK) {
    md5.reset().update(secret);
    if (block === 0) { for (const part of seed) md5.update(part); }
    else md5.update(previous);
    const pad = md5.digest();
    for (let i = 0; i < BLOCK; i++) {
      const c = encrypt ? (data[block + i]! ^= pad[i]!) : data[block + i]!;
      if (!encrypt) data[block + i] = c ^ pad[i]!;
      previous[i] = c;
    }
  }
}

/**
 * Hides a User-Password (RFC 2865 §5.2): pads with NULs to a multiple of 16
 * bytes (at least 16, at most 128) and XORs with the MD5 chain seeded by the
 * Request Authenticator.
 *
 * @throws {RangeError} if the password is longer than 128 bytes.
 */
export function hideUserPassword(
  plain: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
): Uint8Array {
  if (plain.length > 128) {
    throw new RangeError(
      `User-Password is ${plain.length} bytes; RFC 2865 §5.2 allows at most 128`,
    );
  }
  const out = new Uint8Array(Math.max(BLOCK, Math.ceil(plain.length / BLOCK) * BLOCK));
  out.set(plain);
  chain(out, secret, [authenticator], true);
  return out;
}

/**
 * Reveals a User-Password hidden with {@linkcode hideUserPassword}; trailing
 * NUL padding is removed. Returns `undefined` when the length is not a
 * multiple of 16 (the value cannot be a hidden password).
 */
export function revealUserPassword(
  hidden: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
): Uint8Array | undefined {
  if (hidden.length === 0 || hidden.length % BLOCK !== 0) return undefined;
  const out = hidden.slice();
  chain(out, secret, [authenticator], false);
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}

/**
 * Hides a value with a salt (RFC 2868 §3.5): two salt bytes whose first has
 * the high bit set, then the chain over (length byte + value + NUL padding),
 * seeded with Request Authenticator + salt.
 *
 * @param salt Two bytes; random (high bit set) when omitted. Senders must not
 *   reuse a salt within a packet.
 * @throws {RangeError} if the value is longer than 239 bytes (the hidden form
 *   must fit one attribute).
 */
export function hideSalted(
  plain: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
  salt?: Uint8Array,
): Uint8Array {
  if (plain.length > 239) {
    throw new RangeError(`A salted value is limited to 239 bytes, got ${plain.length}`);
  }
  const body = Math.ceil((plain.length + 1) / BLOCK) * BLOCK;
  const out = new Uint8Array(2 + body);
  if (salt) out.set(salt.subarray(0, 2));
  else fillRandom(out.subarray(0, 2));
  out[0]! |= 0x80;
  out[2] = plain.length;
  out.set(plain, 3);
  chain(out.subarray(2), secret, [authenticator, out.subarray(0, 2)], true);
  return out;
}

/**
 * Reveals a value hidden with {@linkcode hideSalted}. Returns `undefined`
 * when the layout is impossible (wrong length, or an inner length byte that
 * overruns the data, as happens with a wrong secret).
 */
export function revealSalted(
  hidden: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
): Uint8Array | undefined {
  if (hidden.length < 2 + BLOCK || (hidden.length - 2) % BLOCK !== 0) return undefined;
  const body = hidden.slice(2);
  chain(body, secret, [authenticator, hidden.subarray(0, 2)], false);
  const length = body[0]!;
  if (length > body.length - 1) return undefined;
  return body.subarray(1, 1 + length);
}

/**
 * Ascend-Send-Secret (`encrypt=3`): the value, NUL-padded to 16 bytes, XOR
 * MD5(Request Authenticator + secret). Symmetric: the same call reveals.
 *
 * @throws {RangeError} if the value is longer than 16 bytes.
 */
export function ascendSecret(
  value: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
): Uint8Array {
  if (value.length > BLOCK) {
    throw new RangeError(`An encrypt=3 value is limited to 16 bytes, got ${value.length}`);
  }
  const pad = new Md5().update(authenticator).update(secret).digest();
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (value[i] ?? 0) ^ pad[i]!;
  return out;
}
