/**
 * Hidden attribute values: User-Password (RFC 2865 §5.2, `encrypt=1`),
 * salted values such as Tunnel-Password and MS-MPPE keys (RFC 2868 §3.5,
 * RFC 2548 §2.4.2, `encrypt=2`) and Ascend-Send-Secret (`encrypt=3`).
 *
 * @module
 */
import { Md5 } from "../crypto/md5.ts";
import { randomByte } from "../crypto/random.ts";

const BLOCK = 16;
/** RFC 2865 §5.2: a hidden User-Password is at most 128 octets. */
const MAX_PASSWORD = 128;
/**
 * Other `encrypt=1` values may be longer (FreeRADIUS 3.2.4+ sends 144..200
 * octet Aruba-MPSK-Lookup-Info): up to the largest multiple of 16 that one
 * attribute holds.
 */
const MAX_HIDDEN = 240;
const passwordScratch = new Uint8Array(MAX_HIDDEN);
const md5 = new Md5();
const pad = new Uint8Array(BLOCK);
const previous = new Uint8Array(BLOCK);

/**
 * XORs `data[offset .. offset + length)` in place with the MD5 chain
 * b(1) = MD5(S + seed [+ salt]), b(i) = MD5(S + c(i-1)), where c is the
 * ciphertext (RFC 2865 §5.2). When `salted`, the salt is the two bytes just
 * before `offset` (RFC 2868 §3.5).
 */
function chain(
  data: Uint8Array,
  offset: number,
  length: number,
  secret: Uint8Array,
  seed: Uint8Array,
  salted: boolean,
  encrypt: boolean,
): void {
  for (let block = 0; block < length; block += BLOCK) {
    md5.reset().update(secret, 0, secret.length);
    if (block === 0) {
      md5.update(seed, 0, seed.length);
      if (salted) md5.update(data, offset - 2, offset);
    } else md5.update(previous, 0, BLOCK);
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
 * Throws the RangeError that hiding an `n`-byte value with `encrypt` (1:
 * User-Password style, 2: salted, 3: Ascend-Send-Secret) would throw, without
 * the MD5 work: how a value is validated before there is a secret to hide it
 * with. `userPassword` says the value is User-Password (2) itself, which
 * RFC 2865 §5.2 limits to 128 octets; other `encrypt=1` values may have up to
 * 240.
 *
 * @throws {RangeError} if the value is too long for that kind of hiding.
 */
export function checkHideable(encrypt: number, n: number, userPassword: boolean): void {
  if (encrypt === 1 && userPassword && n > MAX_PASSWORD) {
    throw new RangeError(`User-Password is ${n} bytes; RFC 2865 §5.2 allows at most 128`);
  }
  if (encrypt === 1 && n > MAX_HIDDEN) {
    throw new RangeError(
      `An encrypt=1 value is limited to ${MAX_HIDDEN} bytes (hidden, it must fit one attribute), got ${n}`,
    );
  }
  if (encrypt === 2 && n > 255) {
    throw new RangeError(`A salted value is limited to 255 bytes (its length octet), got ${n}`);
  }
  if (encrypt === 3 && n > BLOCK) {
    throw new RangeError(`An encrypt=3 value is limited to 16 bytes, got ${n}`);
  }
}

/** The hidden length of an `n`-byte User-Password: NUL-padded to a multiple of 16, at least 16. */
export function hiddenPasswordLength(n: number): number {
  return n <= BLOCK ? BLOCK : Math.ceil(n / BLOCK) * BLOCK;
}

/** The hidden length of an `n`-byte salted value: salt, then length octet + value padded to 16s. */
export function hiddenSaltedLength(n: number): number {
  return 2 + Math.ceil((n + 1) / BLOCK) * BLOCK;
}

/**
 * Hides in place the User-Password at `buf[offset .. offset + n)`
 * (RFC 2865 §5.2): NUL-pads it to {@linkcode hiddenPasswordLength} and XORs
 * the MD5 chain seeded by the Request Authenticator. `buf` must have room for
 * the padding. Returns the hidden length.
 *
 * @throws {RangeError} if the value is too long ({@linkcode checkHideable}).
 */
export function hideUserPasswordAt(
  buf: Uint8Array,
  offset: number,
  n: number,
  secret: Uint8Array,
  authenticator: Uint8Array,
  userPassword: boolean,
): number {
  checkHideable(1, n, userPassword);
  const length = hiddenPasswordLength(n);
  for (let i = offset + n; i < offset + length; i++) buf[i] = 0;
  chain(buf, offset, length, secret, authenticator, false, true);
  return length;
}

/**
 * Hides a User-Password (RFC 2865 §5.2) into a new array; see
 * {@linkcode hideUserPasswordAt}.
 *
 * @throws {RangeError} if the password is longer than 128 bytes.
 */
export function hideUserPassword(
  plain: Uint8Array,
  secret: Uint8Array,
  authenticator: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(hiddenPasswordLength(plain.length));
  out.set(plain);
  hideUserPasswordAt(out, 0, plain.length, secret, authenticator, true);
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
  start: number,
  end: number,
): Uint8Array | undefined {
  const used = revealUserPasswordToScratch(hidden, start, end, secret, authenticator);
  if (used === -1) return undefined;
  const out = new Uint8Array(used);
  for (let i = 0; i < used; i++) out[i] = revealedPassword[i]!;
  wipeRevealedPassword();
  return out;
}

/**
 * Where {@linkcode revealUserPasswordToScratch} reveals a password. Read it
 * at once, then call {@linkcode wipeRevealedPassword}.
 */
export const revealedPassword: Uint8Array = passwordScratch;

/**
 * Reveals the User-Password at `hidden[start .. end)` into
 * {@linkcode revealedPassword}, without allocating, and returns its length
 * with the NUL padding removed, or -1 when the length is not a multiple of
 * 16 up to 240 (any length an `encrypt=1` value can have on the wire:
 * FreeRADIUS reveals them all).
 */
export function revealUserPasswordToScratch(
  hidden: Uint8Array,
  start: number,
  end: number,
  secret: Uint8Array,
  authenticator: Uint8Array,
): number {
  const length = end - start;
  if (length === 0 || length % BLOCK !== 0 || length > MAX_HIDDEN) return -1;
  for (let i = 0; i < length; i++) passwordScratch[i] = hidden[start + i]!;
  chain(passwordScratch, 0, length, secret, authenticator, false, false);
  let used = length;
  while (used > 0 && passwordScratch[used - 1] === 0) used--;
  return used;
}

/** Zeroes {@linkcode revealedPassword}: no password stays in module memory. */
export function wipeRevealedPassword(): void {
  for (let i = 0; i < MAX_HIDDEN; i++) passwordScratch[i] = 0;
}

/**
 * Hides in place the value at `buf[offset + 3 .. offset + 3 + n)` with a salt
 * (RFC 2868 §3.5): writes a random salt whose first byte has the high bit set
 * at `offset`, the length octet `n` at `offset + 2`, NUL-pads to
 * {@linkcode hiddenSaltedLength} and XORs the chain seeded with Request
 * Authenticator + salt. `buf` must have room for the padding. Returns the
 * hidden length (salt included).
 *
 * @throws {RangeError} if the value is longer than 255 bytes (its length octet).
 */
export function hideSaltedAt(
  buf: Uint8Array,
  offset: number,
  n: number,
  secret: Uint8Array,
  authenticator: Uint8Array,
): number {
  // Senders must not reuse a salt within a packet: each value draws its own.
  buf[offset] = randomByte();
  buf[offset + 1] = randomByte();
  return hideWithSalt(buf, offset, n, secret, authenticator);
}

/** {@linkcode hideSaltedAt} with the salt already at `buf[offset .. offset + 2)`. */
function hideWithSalt(
  buf: Uint8Array,
  offset: number,
  n: number,
  secret: Uint8Array,
  authenticator: Uint8Array,
): number {
  checkHideable(2, n, false);
  const length = hiddenSaltedLength(n);
  buf[offset] = buf[offset]! | 0x80; // RFC 2868 §3.5: the salt's most significant bit is set
  buf[offset + 2] = n;
  for (let i = offset + 3 + n; i < offset + length; i++) buf[i] = 0;
  chain(buf, offset + 2, length - 2, secret, authenticator, true, true);
  return length;
}

/**
 * Hides a value with a salt (RFC 2868 §3.5) into a new array; see
 * {@linkcode hideSaltedAt}.
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
  const out = new Uint8Array(hiddenSaltedLength(plain.length));
  out.set(plain, 3);
  if (salt === undefined) hideSaltedAt(out, 0, plain.length, secret, authenticator);
  else {
    out[0] = salt[0]!;
    out[1] = salt[1]!;
    hideWithSalt(out, 0, plain.length, secret, authenticator);
  }
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
  const copy = hidden.slice();
  chain(copy, 2, copy.length - 2, secret, authenticator, true, false);
  const length = copy[2]!;
  if (length > copy.length - 3) return undefined;
  return copy.subarray(3, 3 + length);
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
  checkHideable(3, value.length, false);
  const out = new Uint8Array(BLOCK);
  out.set(value);
  ascendSecretAt(out, 0, value.length, secret, authenticator);
  return out;
}

/**
 * {@linkcode ascendSecret} in place on `buf[offset .. offset + n)`, which is
 * NUL-padded to 16 bytes (`buf` must have room). Returns 16.
 *
 * @throws {RangeError} if the value is longer than 16 bytes.
 */
export function ascendSecretAt(
  buf: Uint8Array,
  offset: number,
  n: number,
  secret: Uint8Array,
  authenticator: Uint8Array,
): number {
  checkHideable(3, n, false);
  md5.reset().update(authenticator, 0, authenticator.length).update(secret, 0, secret.length);
  md5.digest(pad, 0);
  for (let i = 0; i < BLOCK; i++) buf[offset + i] = (i < n ? buf[offset + i]! : 0) ^ pad[i]!;
  return BLOCK;
}
