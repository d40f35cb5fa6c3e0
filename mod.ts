/**
 * radkit: build RADIUS servers and clients in TypeScript, on Deno, Bun and
 * Node, from one codebase and with zero runtime dependencies.
 *
 * The core — dictionaries in the FreeRADIUS format, the packet codec and
 * MD5/HMAC-MD5 — is runtime-agnostic; socket adapters live in
 * `@radkit/radius/adapters/deno`, `/bun` and `/node`.
 *
 * @example Usage
 * ```ts
 * import { checkRequest, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const secret = "testing123";
 *
 * // A NAS builds an Access-Request: the password is hidden and a
 * // Message-Authenticator is added first, automatically.
 * const request = Packet.create(Code.AccessRequest, dictionary, {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 *   "NAS-IP-Address": "192.0.2.1",
 * });
 * const datagram = request.encode(secret);
 *
 * // A server verifies before it decodes, then replies.
 * assert.equal(checkRequest(datagram, new TextEncoder().encode(secret), true), undefined);
 * const received = Packet.decode(datagram, { dictionary, secret });
 * assert.equal(received.get("User-Password"), "hello");
 * const reply = received.reply(Code.AccessAccept, { "Framed-IP-Address": "192.168.0.1" });
 * const answer = Packet.decode(reply.encode(secret), { dictionary, secret, request });
 * assert.equal(answer.codeName, "Access-Accept");
 * ```
 *
 * @module
 */
export * from "./src/errors.ts";
export * from "./src/dictionary/mod.ts";
export { Code, codeFromName, codeName, isCode } from "./src/codec/code.ts";
export type { CodeName } from "./src/codec/code.ts";
export type { Attribute, DictionaryView } from "./src/codec/attribute.ts";
export type { AttributeValue, TlvValue } from "./src/codec/values.ts";
export { checkRequest, checkResponse } from "./src/codec/packet_codec.ts";
export type { VerificationFailure } from "./src/codec/packet_codec.ts";
export { Packet } from "./src/packet.ts";
export type {
  AttributeInput,
  AttributeJson,
  AttributeName,
  AttributesInit,
  CreateOptions,
  DecodeOptions,
  InputOf,
  PacketJson,
  PacketJsonOptions,
  Secret,
  ValueOf,
} from "./src/packet.ts";
export type {
  AnyAttributes,
  AttributeMapOf,
  RawAttributeName,
  Tagged,
} from "./src/attribute_map.ts";
export { decodeRadius11, encodeRadius11 } from "./src/radius11.ts";
export type { Radius11DecodeOptions } from "./src/radius11.ts";
export {
  ALPN_RADIUS_1_0,
  ALPN_RADIUS_1_1,
  radius11Token,
  TokenCounter,
} from "./src/codec/radius11.ts";
export { addChapPassword, verifyChapPassword } from "./src/chap.ts";
export * from "./src/eap/mod.ts";
export * from "./src/mschap/mod.ts";
export { verifyPassword } from "./src/verify_password.ts";
export type {
  PasswordFailure,
  PasswordMethod,
  PasswordVerification,
  VerifyPasswordOptions,
} from "./src/verify_password.ts";
export { hiddenValue, isSecretAttribute } from "./src/secrets.ts";
export * from "./src/server.ts";
export type {
  Address,
  AddressFamily,
  BindOptions,
  BufferSizes,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
  ResolvedAddress,
} from "./src/transport.ts";
export type {
  PeerCertificate,
  PemInput,
  StreamConnection,
  StreamConnectOptions,
  StreamHandlers,
  StreamListenOptions,
  StreamServer,
  StreamTransport,
  TlsClientOptions,
  TlsDetails,
  TlsServerOptions,
  TlsVersion,
} from "./src/stream_transport.ts";
export * from "./src/client.ts";
