/**
 * The client's TLS settings (RADIUS/TLS, RFC 6614): the CAs the server's
 * certificate must chain to or the fingerprints it must match, the
 * client's own certificate for mutual authentication (RFC 6614 §2.3), the
 * name to expect, and the lowest TLS version (1.2).
 *
 * @module
 */
import { InvalidOptionError } from "../errors.ts";
import { normalizeFingerprint } from "../stream/fingerprint.ts";
import { ALPN_RADIUS_1_0, ALPN_RADIUS_1_1 } from "../codec/radius11.ts";
import type { PemInput, TlsClientOptions, TlsDetails, TlsVersion } from "../stream_transport.ts";

/**
 * RADIUS/TLS (RadSec, RFC 6614) settings of a {@linkcode Client} given
 * `streams`. The server's certificate must chain to `ca` (the system's
 * trust store without it) and carry the server's name, or match one of
 * `fingerprints`; the client presents `cert` when the server asks for one
 * (RFC 6614 §2.3: mutual authentication). TLS 1.2 at least; TLS 1.3 when
 * both sides have it.
 *
 * @example Usage
 * ```ts
 * import { Client, type ClientTlsOptions, Code, Dictionary, Server } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * // radkit's test certificates; yours come from your CA (or `openssl req`).
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`);
 * const server = new Server({
 *   streams: streams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1" }], // over TLS the secret is "radsec" (RFC 6614 §2.3)
 *   handleAccessRequest: (request) => request.reply(Code.AccessAccept),
 * });
 * const { tls: bound } = await server.listen({
 *   hostname: "127.0.0.1",
 *   tls: { port: 0, cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") },
 * });
 * const tls: ClientTlsOptions = {
 *   ca: pem("ca.pem"), // the server's certificate must chain to it…
 *   cert: pem("nas1.pem"), // …and this one is the client's
 *   key: pem("nas1.key"),
 *   servername: "radius.test", // checked against the server certificate's names
 * };
 * const client = new Client({ streams: streams(), tls, server: `127.0.0.1:${bound!.port}` });
 * const reply = await client.accessRequest({ "User-Name": "bob" });
 * assert.equal(reply.code, Code.AccessAccept);
 * await client.close();
 * await server.close();
 * ```
 */
export interface ClientTlsOptions {
  /**
   * The CAs the server's certificate must chain to (PEM). Without it, the
   * system's trust store; with `fingerprints` and no `ca`, the chain is not
   * checked, the fingerprint is.
   */
  readonly ca?: PemInput;
  /** The client's certificate, followed by its intermediates (PEM), for mutual TLS. */
  readonly cert?: PemInput;
  /** The private key of `cert` (PEM). */
  readonly key?: PemInput;
  /**
   * The name sent as SNI and expected among the server certificate's
   * subjectAltNames. Without it: the server's host name when it was given
   * by name, else its IP address (checked against the certificate's IP
   * subjectAltNames).
   */
  readonly servername?: string;
  /**
   * Whether the server's certificate must chain to `ca` and carry the
   * expected name. `false` only together with `fingerprints`.
   *
   * @default {true, or false when fingerprints are given without ca}
   */
  readonly verify?: boolean;
  /**
   * The lowest TLS version accepted; the highest both sides have is used.
   *
   * @default {"TLSv1.2"}
   */
  readonly minVersion?: TlsVersion;
  /**
   * SHA-256 fingerprints of the server certificates accepted, as
   * `openssl x509 -noout -fingerprint -sha256` prints them
   * (`"A6:49:9E:…"`; colons and case do not matter). Any other certificate
   * is refused after the handshake, before a request is sent.
   */
  readonly fingerprints?: readonly string[];
  /**
   * RADIUS/1.1 (RFC 9765), negotiated with ALPN over TLS 1.3: `"off"`
   * offers no ALPN and speaks RADIUS/1.0; `"prefer"` offers `radius/1.1`
   * and `radius/1.0` and speaks what the server chose; `"require"` offers
   * `radius/1.1` only and refuses a server that does not choose it (a
   * downgrade), which then counts as down.
   *
   * @default {"off"}
   */
  readonly radius11?: "off" | "prefer" | "require";
}

/**
 * What a {@linkcode RemoteServer} may set for itself over TLS, instead of
 * the client-wide {@linkcode ClientTlsOptions}.
 *
 * @example Usage
 * ```ts
 * import type { RemoteServer, RemoteServerTls } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const tls: RemoteServerTls = { servername: "radius2.example.org" };
 * const backup: RemoteServer = { host: "192.0.2.2", tls };
 * assert.equal(backup.tls?.servername, "radius2.example.org");
 * ```
 */
export interface RemoteServerTls {
  /** The name to send as SNI and expect in this server's certificate. */
  readonly servername?: string;
  /** This server's certificate fingerprints; replace the client-wide ones. */
  readonly fingerprints?: readonly string[];
}

/** One server's TLS settings, checked: what to connect with and what to check after. */
export interface ServerTls {
  /** Handed to `StreamTransport.connect`. */
  readonly connect: TlsClientOptions;
  /** Upper-case hex SHA-256 fingerprints without colons, if the certificate is pinned. */
  readonly pins: ReadonlySet<string> | undefined;
  /** The RADIUS/1.1 policy. */
  readonly radius11: "off" | "prefer" | "require";
}

/**
 * Checks `ClientOptions.tls`.
 *
 * @param tls The options as given.
 * @returns The checked options, with `fingerprints` normalised.
 * @throws {InvalidOptionError} naming the first bad field.
 */
export function checkClientTls(tls: ClientTlsOptions): ClientTlsOptions {
  if (typeof tls !== "object" || tls === null) {
    throw new InvalidOptionError(
      "tls",
      "Invalid tls: give { ca, cert, key } (PEM text or bytes), or {} for the system's CAs",
    );
  }
  for (const field of ["ca", "cert", "key"] as const) {
    const value = tls[field];
    if (value !== undefined && !isPem(value)) {
      throw new InvalidOptionError(
        `tls.${field}`,
        `Invalid tls.${field}: give PEM text, PEM bytes (as read from a file) or a list of them`,
      );
    }
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new InvalidOptionError(
      tls.cert === undefined ? "tls.cert" : "tls.key",
      "tls.cert and tls.key go together: give the client's certificate and its private key",
    );
  }
  const minVersion = tls.minVersion;
  if (minVersion !== undefined && minVersion !== "TLSv1.2" && minVersion !== "TLSv1.3") {
    throw new InvalidOptionError(
      "tls.minVersion",
      `Invalid tls.minVersion ${JSON.stringify(minVersion)}: give "TLSv1.2" or "TLSv1.3"`,
    );
  }
  if (tls.verify !== undefined && typeof tls.verify !== "boolean") {
    throw new InvalidOptionError(
      "tls.verify",
      `Invalid tls.verify ${String(tls.verify)}: must be true or false`,
    );
  }
  checkServername("tls.servername", tls.servername);
  const { radius11 } = tls;
  if (
    radius11 !== undefined && radius11 !== "off" && radius11 !== "prefer" && radius11 !== "require"
  ) {
    throw new InvalidOptionError(
      "tls.radius11",
      `Invalid tls.radius11 ${JSON.stringify(radius11)}: give "off", "prefer" or "require"`,
    );
  }
  const fingerprints = checkFingerprints("tls.fingerprints", tls.fingerprints);
  if (tls.verify === false && fingerprints === undefined) {
    throw new InvalidOptionError(
      "tls.verify",
      "tls.verify: false needs tls.fingerprints: without a CA or a pinned certificate, " +
        "anyone could pose as the server (RFC 6614 §2.3)",
    );
  }
  return fingerprints === undefined ? tls : { ...tls, fingerprints };
}

/**
 * Checks a {@linkcode RemoteServer}'s `tls`.
 *
 * @param option The option that gave it: `"servers[1].tls"`.
 * @param tls The settings as given.
 * @returns The checked settings, fingerprints normalised.
 * @throws {InvalidOptionError} naming the bad field.
 */
export function checkRemoteServerTls(option: string, tls: RemoteServerTls): RemoteServerTls {
  if (typeof tls !== "object" || tls === null) {
    throw new InvalidOptionError(option, `Invalid ${option}: give { servername?, fingerprints? }`);
  }
  checkServername(`${option}.servername`, tls.servername);
  const fingerprints = checkFingerprints(`${option}.fingerprints`, tls.fingerprints);
  return fingerprints === undefined ? tls : { ...tls, fingerprints };
}

/**
 * One server's TLS settings: the client-wide ones, with the server's own
 * `servername` and `fingerprints` in their place where it has them.
 *
 * @param tls The client-wide settings, checked.
 * @param own The server's settings, checked.
 * @param hostname The server's host as configured: a name is expected in
 * its certificate unless `servername` says otherwise.
 * @param literal Whether `hostname` is an IP literal.
 * @returns What to connect with and what to check.
 */
export function serverTls(
  tls: ClientTlsOptions,
  own: RemoteServerTls | undefined,
  hostname: string,
  literal: boolean,
): ServerTls {
  const fingerprints = own?.fingerprints ?? tls.fingerprints;
  const servername = own?.servername ?? tls.servername ?? (literal ? undefined : hostname);
  // Pins without a CA replace the chain (RFC 6614 §2.3 allows fingerprints
  // instead of a PKI); with a CA both must hold.
  const verify = tls.verify ?? !(fingerprints !== undefined && tls.ca === undefined);
  const connect: TlsClientOptions = {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(servername === undefined ? {} : { servername }),
    verify,
    // RFC 9765 §3.4: RADIUS/1.1 needs TLS 1.3; require asks for nothing less.
    minVersion: tls.radius11 === "require" ? "TLSv1.3" : tls.minVersion ?? "TLSv1.2",
    ...(tls.radius11 === "prefer"
      ? { alpnProtocols: [ALPN_RADIUS_1_1, ALPN_RADIUS_1_0] }
      : tls.radius11 === "require"
      ? { alpnProtocols: [ALPN_RADIUS_1_1] }
      : {}),
  };
  return {
    radius11: tls.radius11 ?? "off",
    connect,
    pins: fingerprints === undefined
      ? undefined
      : new Set(fingerprints.map((text) => normalizeFingerprint(text)!)),
  };
}

/**
 * Why a server that did not negotiate RADIUS/1.1 is refused, under
 * `radius11: "require"` (RFC 9765 §3.3: no silent downgrade).
 *
 * @param details The handshake's outcome.
 * @param policy The client's RADIUS/1.1 policy.
 * @returns The reason, or `undefined` to go on.
 */
export function refuseProtocol(
  details: TlsDetails | undefined,
  policy: "off" | "prefer" | "require",
): string | undefined {
  if (policy !== "require") return undefined;
  if (details?.alpnProtocol === ALPN_RADIUS_1_1 && details.protocol === "TLSv1.3") return undefined;
  return `the server did not negotiate RADIUS/1.1 (ALPN ${details?.alpnProtocol ?? "none"} over ${
    details?.protocol ?? "no TLS"
  }), which tls.radius11 "require" asks for`;
}

/**
 * Why a TLS connection's server may not be used, if it may not: the
 * fingerprints it must match.
 *
 * @param details The handshake's outcome (`undefined`: no TLS at all).
 * @param pins The fingerprints accepted, if pinned.
 * @returns The reason, or `undefined` to go on.
 */
export function refusePeer(
  details: TlsDetails | undefined,
  pins: ReadonlySet<string> | undefined,
): string | undefined {
  if (details === undefined) return "the transport made no TLS handshake";
  if (pins === undefined) return undefined;
  const certificate = details.peerCertificate;
  if (certificate === undefined) return "the server presented no certificate";
  const hex = normalizeFingerprint(certificate.fingerprint256);
  if (hex === undefined || !pins.has(hex)) {
    return `the server's certificate (SHA-256 ${certificate.fingerprint256}) is not among tls.fingerprints`;
  }
  return undefined;
}

function isPem(value: unknown): boolean {
  const one = (item: unknown) =>
    (typeof item === "string" && item.length > 0) || item instanceof Uint8Array;
  return Array.isArray(value) ? value.length > 0 && value.every(one) : one(value);
}

function checkServername(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
    throw new InvalidOptionError(
      option,
      `Invalid ${option}: give the name in the server's certificate, such as "radius.example.org"`,
    );
  }
}

function checkFingerprints(option: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(
      option,
      `Invalid ${option}: give a non-empty list of SHA-256 fingerprints`,
    );
  }
  return value.map((text: unknown, i) => {
    const hex = typeof text === "string" ? normalizeFingerprint(text) : undefined;
    if (hex === undefined) {
      throw new InvalidOptionError(
        `${option}[${i}]`,
        `Invalid ${option}[${i}] ${JSON.stringify(text)}: give the SHA-256 fingerprint as ` +
          "openssl x509 -noout -fingerprint -sha256 prints it",
      );
    }
    return hex;
  });
}
