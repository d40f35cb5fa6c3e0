// Known answers for the MS-CHAP algorithms and MPPE key derivation, from the
// RFCs' own worked examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { md4 } from "../../src/crypto/md4.ts";
import {
  challengeHash,
  challengeResponse,
  checkAuthenticatorResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
  getAsymmetricStartKey,
  getMasterKey,
  getNewKeyFromSha,
  hashNtPasswordHash,
  initialSessionKey,
  msChapV1MppeKeys,
  msChapV1StartKey,
  msChapV2MppeKeys,
  ntChallengeResponse,
  ntPasswordHash,
} from "../../src/mschap/mod.ts";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
const bytes = (text: string): Uint8Array =>
  Uint8Array.from(text.replaceAll(" ", "").match(/../g) ?? [], (pair) => parseInt(pair, 16));

test('RFC 2433 §B.2: NtPasswordHash and the NT ChallengeResponse of "MyPw"', () => {
  const challenge = bytes("10 2D B5 DF 08 5D 30 41");
  const passwordHash = ntPasswordHash("MyPw");
  assert.equal(hex(passwordHash), "FC156AF7EDCD6C0EDDE3337D427F4EAC");
  const response = "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61";
  assert.equal(hex(challengeResponse(challenge, passwordHash)), response);
  assert.equal(hex(ntChallengeResponse(challenge, "MyPw")), response);
});

// RFC 2759 §9.2 "Hash Example": user "User", password "clientPass".
const rfc2759 = {
  authenticatorChallenge: bytes("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28"),
  peerChallenge: bytes("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"),
  username: "User",
  passwordHash: ntPasswordHash("clientPass"),
};
const rfc2759NtResponse = "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF";

test("RFC 2759 §9.2: every intermediate value of the hash example", () => {
  // The password in Unicode, then its hash and the hash of that.
  assert.equal(hex(rfc2759.passwordHash), "44EBBA8D5312B8D611474411F56989AE");
  assert.equal(hex(hashNtPasswordHash(rfc2759.passwordHash)), "41C00C584BD2D91C4017A2A12FA59F3F");
  assert.equal(
    hex(challengeHash(rfc2759.peerChallenge, rfc2759.authenticatorChallenge, "User")),
    "D02E4386BCE91226",
  );
  const ntResponse = generateNtResponse(rfc2759);
  assert.equal(hex(ntResponse), rfc2759NtResponse);
  assert.equal(
    generateAuthenticatorResponse(rfc2759, ntResponse),
    "S=407A5589115FD0D6209F510FE9C04566932CDA56",
  );
});

test("RFC 2759 §8.8: CheckAuthenticatorResponse accepts only the right S= value", () => {
  const ntResponse = bytes(rfc2759NtResponse);
  const good = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, good), true);
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, good.toLowerCase()), false); // "s="
  assert.equal(
    checkAuthenticatorResponse(rfc2759, ntResponse, "S=" + good.slice(2).toLowerCase()),
    true,
  );
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, `${good} M=Welcome home`), true);
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, `${good}0`), false);
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, good.slice(0, 41)), false);
  assert.equal(
    checkAuthenticatorResponse(rfc2759, ntResponse, good.replace("407A", "407B")),
    false,
  );
  assert.equal(
    checkAuthenticatorResponse(rfc2759, ntResponse, good.replace("407A", "40ZA")),
    false,
  );
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, ""), false);
  // Another password, or another NT-Response, gives another authenticator response.
  const other = { ...rfc2759, passwordHash: ntPasswordHash("clientPasS") };
  assert.equal(checkAuthenticatorResponse(other, ntResponse, good), false);
  ntResponse[0] = ntResponse[0]! ^ 1;
  assert.equal(checkAuthenticatorResponse(rfc2759, ntResponse, good), false);
});

test("RFC 2759 §8.2: a DOMAIN\\ prefix of the user name is not hashed", () => {
  const withDomain = { ...rfc2759, username: "EXAMPLE\\User" };
  assert.equal(hex(generateNtResponse(withDomain)), rfc2759NtResponse);
  assert.equal(
    generateAuthenticatorResponse(withDomain, bytes(rfc2759NtResponse)),
    "S=407A5589115FD0D6209F510FE9C04566932CDA56",
  );
  assert.notEqual(hex(generateNtResponse({ ...rfc2759, username: "user" })), rfc2759NtResponse);
});

test("NtPasswordHash hashes UTF-16LE code units, so non-ASCII passwords hash as on Windows", () => {
  for (const password of ["", "pässwörd", "пароль", "密码", "emoji 🔑"]) {
    const utf16le = new Uint8Array(Buffer.from(password, "utf16le"));
    assert.deepEqual(ntPasswordHash(password), md4(utf16le), password);
  }
  // smbencrypt (FreeRADIUS) of "hello".
  assert.equal(hex(ntPasswordHash("hello")), "066DDFD4EF0E9CD7C256FE77191EF43C");
});

// RFC 3079 §3.5: MS-CHAP v2 key derivation from the RFC 2759 §9.2 exchange.
const masterKey = "FDECE3717A8C838CB388E527AE3CDD31";

test("RFC 3079 §3.5.3: 128-bit keys — master key, send start key, send session key", () => {
  const passwordHashHash = hashNtPasswordHash(rfc2759.passwordHash);
  assert.equal(hex(getMasterKey(passwordHashHash, bytes(rfc2759NtResponse))), masterKey);
  // The RFC's example is the server's send direction (Magic3).
  const sendStartKey = getAsymmetricStartKey(bytes(masterKey), 16, true, true);
  assert.equal(hex(sendStartKey), "8B7CDC149B993A1BA118CB153F56DCCB");
  assert.equal(
    hex(getNewKeyFromSha(sendStartKey, sendStartKey, 16)),
    "405CB2247A7956E6E211007AE27B22D4",
  );
  assert.equal(hex(initialSessionKey(sendStartKey, 128)), "405CB2247A7956E6E211007AE27B22D4");
});

test("RFC 3079 §3.5.1 and §3.5.2: 40- and 56-bit send keys", () => {
  const sendStartKey = getAsymmetricStartKey(bytes(masterKey), 8, true, true);
  assert.equal(hex(sendStartKey), "8B7CDC149B993A1B");
  assert.equal(hex(initialSessionKey(sendStartKey, 40)), "D1269EC49FA62E3E");
  assert.equal(hex(initialSessionKey(sendStartKey, 56)), "D15C00C49FA62E3E");
});

test("RFC 3079 §3.3: each side's send key is the other side's receive key", () => {
  const key = bytes(masterKey);
  const serverSend = getAsymmetricStartKey(key, 16, true, true);
  const serverReceive = getAsymmetricStartKey(key, 16, false, true);
  assert.deepEqual(getAsymmetricStartKey(key, 16, false, false), serverSend);
  assert.deepEqual(getAsymmetricStartKey(key, 16, true, false), serverReceive);
  assert.notDeepEqual(serverSend, serverReceive);
  // MS-MPPE-Send-Key / Recv-Key are the server's (the NAS's) send and receive keys.
  const keys = msChapV2MppeKeys(rfc2759.passwordHash, bytes(rfc2759NtResponse));
  assert.deepEqual(keys, { sendKey: serverSend, recvKey: serverReceive });
});

// RFC 3079 §2.5: MS-CHAP v1 key derivation for "clientPass".
test("RFC 3079 §2.5.1 and §2.5.2: 40- and 56-bit MS-CHAP v1 keys from the LAN Manager hash", () => {
  // Step 1's LmPasswordHash("clientPass"), as the RFC (and smbencrypt) give it.
  const lmPasswordHash = bytes("76 A1 52 93 60 96 D7 83 0E 23 90 22 74 04 AF D2");
  assert.equal(hex(getNewKeyFromSha(lmPasswordHash, lmPasswordHash, 8)), "D80801538CEC4A08");
  assert.equal(hex(initialSessionKey(lmPasswordHash, 40)), "D1269E538CEC4A08");
  assert.equal(hex(initialSessionKey(lmPasswordHash, 56)), "D10801538CEC4A08");
});

test("RFC 3079 §2.5.3: 128-bit MS-CHAP v1 start and session keys", () => {
  const challenge = bytes("10 2D B5 DF 08 5D 30 41");
  const passwordHashHash = hashNtPasswordHash(ntPasswordHash("clientPass"));
  const startKey = msChapV1StartKey(challenge, passwordHashHash);
  // The RFC prints "…AC CA D1…" in step 3 but uses "…AC C1 D1…" from step 4
  // on; the session key that follows from it confirms C1.
  assert.equal(hex(startKey), "A8947850CFC0ACC1D1789FB62DDCDDB0");
  assert.equal(hex(initialSessionKey(startKey, 128)), "59D159BC09F76F1DA2A86A28FFEC0B1E");
});

test("RFC 2548 §2.4.1: MS-CHAP-MPPE-Keys is a zero LM key and the NT hash's hash", () => {
  const keys = msChapV1MppeKeys(ntPasswordHash("clientPass"));
  assert.equal(hex(keys), "0000000000000000" + "41C00C584BD2D91C4017A2A12FA59F3F");
});

test("the algorithms refuse wrong lengths with a message that says what to pass", () => {
  const sixteen = new Uint8Array(16);
  assert.throws(() => challengeResponse(new Uint8Array(16), sixteen), /challenge must be 8 bytes/);
  assert.throws(() => challengeResponse(new Uint8Array(8), new Uint8Array(21)), /hash must be 16/);
  assert.throws(() => challengeHash(new Uint8Array(8), sixteen, "u"), /peer challenge must be 16/);
  assert.throws(
    () => generateNtResponse({ ...rfc2759, authenticatorChallenge: new Uint8Array(8) }),
    /authenticator challenge must be 16/,
  );
  assert.throws(() => getMasterKey(sixteen, sixteen), /NT-Response must be 24 bytes/);
  assert.throws(() => getAsymmetricStartKey(sixteen, 12, true, true), /8 bytes .* or 16/);
  assert.throws(() => getNewKeyFromSha(new Uint8Array(8), sixteen, 16), /start key/);
  assert.throws(() => initialSessionKey(sixteen, 64 as 40), /40, 56 or 128/);
  assert.throws(() => ntPasswordHash(undefined as unknown as string), TypeError);
  assert.throws(() => hashNtPasswordHash(new Uint8Array(15)), RangeError);
});

test("error messages never contain the password", () => {
  const password = "TopSecret-Password-123";
  try {
    generateNtResponse({ ...rfc2759, passwordHash: ntPasswordHash(password).subarray(0, 15) });
    assert.fail("expected a RangeError");
  } catch (error) {
    assert.ok(error instanceof RangeError);
    assert.ok(!error.message.includes(password));
  }
});
