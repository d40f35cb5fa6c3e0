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
/** RFC 2865 §5.2: a hidden User-Password is at most 128 octets. */
const MAX_PASSWORD = 128;
const passwordScratch = new Uint8Array(MAX_PASSWORD);
const md5 = new Md5();
const pad = new Uint8Array(BLOCK);
const previous = new Uint8Array(BLOCK);

/**
 * XORs `data` in place with the MD5 chain b(1) = MD5(S + seed),
 * b(i) = MD5(S + c(i-1)), where c is the ciphertext (RFC 2865 §5.2).
 */
function chain(
  data: Uint8Array,
  offset: number,
  length: number,
  secret: Uint8Array,
  seed: Uint8Array,
  salt: Uint8Array | undefined,
  encrypt: boolean,
): void {
  for (let block = 0; block < length; block += BLOCK) {
    md5.reset().update(secret);
    if (block === 0) {
      md5.update(seed);
      if (salt !== undefined) md5.update(salt);
    } else md5.update(previous);
    md5.digest(pad, 0);
    for (let i = 0; i < BLOCK; i++) {
      const at = offset + block + i;
      const c = encrypt ? (data[at]! ^= pad[i]!) : data[at]!;
      if (!encrypt) data[at] = c ^ pad[i]!;
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
  chain(out, 0, out.length, secret, authenticator, undefined, true);
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
  start: number = 0,
  end: number = hidden.length,
): Uint8Array | undefined {
  const length = end - start;
  if (length === 0 || length % BLOCK !== 0 || length > MAX_PASSWORD) return undefined;
  for (let i = 0; i < length; i++) passwordScratch[i] = hidden[start + i]!;
  chain(passwordScratch, 0, length, secret, authenticator, undefined, false);
  let used = length;
  while (used > 0 && passwordScratch[used - 1] === 0) used--;
  const out = new Uint8Array(used);
  for (let i = 0; i < used; i++) out[i] = passwordScratch[i]!;
  passwordScratch.fill(0);
  return out;
}

/**
 * Hides a value with a salt (RFC 2868 §3.5): two salt bytes whose first has
 * the high bit set, then the chain over (length byte + value + NUL padding),
 * seeded with Request Authenticator + salt.
 *
 * @param salt Two bytes; random (high bit set) when omitted. Senders must not
 *   reuse a salt within a packet.
 * @throws {RangeError} if the value is longer than 255 bytes (its length
 *   octet); whether the hidden form fits its attribute is the framing's check.
 */
export function hideSalted(
  plain: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
  salt?: Uint8Array,
): Uint8Array {
  if (plain.length > 255) {
    throw new RangeError(
      `A salted value is limited to 255 bytes (its length octet), got ${plain.length}`,
    );
  }
  const body = Math.ceil((plain.length + 1) / BLOCK) * BLOCK;
  const out = new Uint8Array(2 + body);
  if (salt) out.set(salt.subarray(0, 2));
  else fillRandom(out.subarray(0, 2));
  out[0]! |= 0x80;
  out[2] = plain.length;
  out.set(plain, 3);
  chain(out, 2, out.length - 2, secret, authenticator, out.subarray(0, 2), true);
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
  chain(body, 0, body.length, secret, authenticator, hidden.subarray(0, 2), false);
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
  md5.reset().update(authenticator).update(secret).digest(pad, 0);
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (value[i] ?? 0) ^ pad[i]!;
  return out;
}
