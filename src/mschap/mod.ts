/**
 * MS-CHAP v1 (RFC 2433) and v2 (RFC 2759) over RADIUS (RFC 2548), with
 * MPPE key derivation (RFC 3079): the client helpers that build the
 * Access-Request and check the reply, and the algorithms themselves for
 * other carriers (EAP-MSCHAPv2). The server side is
 * {@linkcode verifyPassword}.
 *
 * @module
 */
export { hashNtPasswordHash, ntPasswordHash } from "./nt_password_hash.ts";
export { challengeResponse, ntChallengeResponse } from "./challenge_response.ts";
export {
  challengeHash,
  checkAuthenticatorResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
} from "./mschap_v2.ts";
export type { MsChapV2Exchange } from "./mschap_v2.ts";
export {
  getAsymmetricStartKey,
  getMasterKey,
  getNewKeyFromSha,
  initialSessionKey,
  msChapV1MppeKeys,
  msChapV1StartKey,
  msChapV2MppeKeys,
} from "./mppe_keys.ts";
export type { MppeKeys } from "./mppe_keys.ts";
export type { PasswordCredential } from "./credential.ts";
export type { MsChapError } from "./ms_chap_error.ts";
export { addMsChapV1, verifyMsChapV1Reply } from "./client_v1.ts";
export type { MsChapV1Context, MsChapV1Options, MsChapV1Verification } from "./client_v1.ts";
export { addMsChapV2, verifyMsChapV2Success } from "./client_v2.ts";
export type {
  MsChapReplyFailure,
  MsChapV2Context,
  MsChapV2Options,
  MsChapV2Verification,
} from "./client_v2.ts";
