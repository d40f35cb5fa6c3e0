/**
 * The server's check of the non-EAP inner authentications of EAP-TTLS
 * (RFC 5281 §11.2.2–§11.2.5): PAP, CHAP, MS-CHAP v1 and MS-CHAP v2, sent by
 * the peer as RADIUS attributes in AVPs. CHAP and MS-CHAP answer the
 * implicit challenge (§11.1), which is checked first; then the password is
 * checked exactly as {@linkcode verifyPassword} checks an Access-Request
 * carrying the same attributes.
 *
 * @module
 */
import { Code } from "../../codec/code.ts";
import { timingSafeEqual } from "../../crypto/timing_safe_equal.ts";
import { Dictionary } from "../../dictionary/dictionary.ts";
import type { PasswordCredential } from "../../mschap/credential.ts";
import { type AttributesInit, Packet } from "../../packet.ts";
import { verifyPassword } from "../../verify_password.ts";
import type { MethodFailure } from "../methods/method.ts";
import { TlsExporterUnavailableError } from "../tls/tls_exporter_error.ts";
import { type Avp, TtlsAvp } from "./avp.ts";
import { implicitChallenge } from "./implicit_challenge.ts";
import { type AvpName, singleAvp } from "./phase2_avps.ts";

/** The non-EAP inner authentications, by the AVP that carries the answer. */
export type PasswordAvpMethod = "pap" | "chap" | "mschap" | "mschapv2";

/** What the check decided. */
export type PasswordAvpsOutcome =
  /** PAP, CHAP or MS-CHAP v1 proved the password: phase 2 is over. */
  | { readonly next: "success" }
  /** MS-CHAP v2 proved it: send MS-CHAP2-Success (its value here), then wait for the peer (§11.2.4). */
  | { readonly next: "mschapv2-success"; readonly success: Uint8Array }
  | { readonly next: "failure"; readonly reason: MethodFailure };

/** RFC 2865 §5.3, RFC 5281 §11.2.2: CHAP Ident and the 16-octet MD5 response. */
const CHAP_PASSWORD = 17;
/** RFC 2548 §2.1.3, §2.3.2: both MS-CHAP response attributes are 50 octets. */
const MS_CHAP_RESPONSE = 50;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The AVP that answers for each method, and the challenge AVP and its length, if any. */
const CARRIERS: Readonly<
  Record<PasswordAvpMethod, { answer: AvpName; challenge?: AvpName; length?: 8 | 16 }>
> = {
  pap: { answer: TtlsAvp.UserPassword },
  chap: { answer: TtlsAvp.ChapPassword, challenge: TtlsAvp.ChapChallenge, length: 16 },
  mschap: { answer: TtlsAvp.MsChapResponse, challenge: TtlsAvp.MsChapChallenge, length: 8 },
  mschapv2: { answer: TtlsAvp.MsChap2Response, challenge: TtlsAvp.MsChapChallenge, length: 16 },
};

/**
 * The one non-EAP method whose answer the AVPs carry; `undefined` for none,
 * `"several"` when answers of two methods come together.
 */
export function passwordAvpMethod(avps: readonly Avp[]): PasswordAvpMethod | undefined | "several" {
  let found: PasswordAvpMethod | undefined;
  for (const method of ["pap", "chap", "mschap", "mschapv2"] as const) {
    if (singleAvp(avps, CARRIERS[method].answer) === undefined) continue;
    if (found !== undefined) return "several";
    found = method;
  }
  return found;
}

/** RFC 5281 §11.2.5: the password is NUL-padded (to a multiple of 16 octets); the NULs are no part of it. */
function withoutPadding(password: Uint8Array): Uint8Array {
  let end = password.length;
  while (end > 0 && password[end - 1] === 0) end--;
  return password.subarray(0, end);
}

/**
 * Checks the answer of `method` in `avps` for `userName` against the
 * credential (`undefined`: unknown user, which fails like a wrong password).
 * Never throws for bad input: a malformed answer is `"bad-method-data"`, a
 * challenge other than the implicit one or a wrong password
 * `"authentication-failed"`, an exporter that is missing
 * `"tls-exporter-unavailable"`.
 */
export function checkPasswordAvps(
  method: PasswordAvpMethod,
  avps: readonly Avp[],
  userName: string,
  credential: PasswordCredential | undefined,
  exportKeyingMaterial: (length: number, label: string) => Uint8Array,
): PasswordAvpsOutcome {
  const carrier = CARRIERS[method];
  const answer = singleAvp(avps, carrier.answer);
  if (!(answer instanceof Uint8Array)) return failure("bad-method-data");
  let attributes: AttributesInit;
  if (method === "pap") {
    let password: string;
    try {
      password = utf8.decode(withoutPadding(answer));
    } catch {
      // Not UTF-8: no password radkit stores.
      return failure("authentication-failed");
    }
    attributes = { "User-Password": password };
  } else {
    const challenge = singleAvp(avps, carrier.challenge!);
    const length = carrier.length!;
    const answerLength = method === "chap" ? CHAP_PASSWORD : MS_CHAP_RESPONSE;
    if (
      !(challenge instanceof Uint8Array) || challenge.length !== length ||
      answer.length !== answerLength
    ) {
      return failure("bad-method-data");
    }
    let expected;
    try {
      expected = implicitChallenge(exportKeyingMaterial, length);
    } catch (error) {
      if (error instanceof TlsExporterUnavailableError) return failure("tls-exporter-unavailable");
      throw error;
    }
    // RFC 5281 §11.2.2–§11.2.4: the challenge and the Ident are the
    // implicit ones; anything else answers some other tunnel's challenge.
    const sameChallenge = timingSafeEqual(challenge, expected.challenge);
    if (!sameChallenge || answer[0] !== expected.ident) return failure("authentication-failed");
    attributes = method === "chap"
      ? { "CHAP-Challenge": challenge, "CHAP-Password": answer }
      : method === "mschap"
      ? { "MS-CHAP-Challenge": challenge, "MS-CHAP-Response": answer }
      : { "MS-CHAP-Challenge": challenge, "MS-CHAP2-Response": answer };
  }
  if (credential === undefined) return failure("authentication-failed");
  let request: Packet;
  try {
    request = Packet.create(Code.AccessRequest, Dictionary.default(), {
      "User-Name": userName,
      ...attributes,
    });
  } catch {
    // A value no RADIUS attribute holds (a password over 128 octets,
    // RFC 2865 §5.2): not a password radkit can check.
    return failure("authentication-failed");
  }
  const result = verifyPassword(request, credential, { mppe: false });
  if (!result.ok) {
    return failure(result.reason === "malformed" ? "bad-method-data" : "authentication-failed");
  }
  if (method !== "mschapv2") return { next: "success" };
  const success = result.reply["MS-CHAP2-Success"];
  return success instanceof Uint8Array
    ? { next: "mschapv2-success", success }
    : failure("authentication-failed");
}

function failure(reason: MethodFailure): PasswordAvpsOutcome {
  return { next: "failure", reason };
}
