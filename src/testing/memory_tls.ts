/**
 * TLS as the memory network plays it: no cryptography, only the outcomes a
 * TLS stack reaches, decided from the certificates each side presents and
 * trusts. The protocol is the network's (`"TLSv1.3"` unless told otherwise);
 * ALPN follows RFC 7301 §3.2; each side gets the other's leaf certificate.
 * Outcomes and error codes are those the `node:tls` adapter reports.
 *
 * Each side presents the certificates of its `cert`, leaf first, followed,
 * as OpenSSL builds the chain it sends, by the issuers it finds among its
 * own `ca` certificates. A certificate is authorized when that chain leads
 * to the receiver's `ca`: the leaf's issuer Name is byte for byte the
 * subject Name of one of the receiver's `ca` certificates, or of the next
 * certificate in the chain, whose issuer is then looked up the same way;
 * on the client the leaf must also name the host (see
 * {@linkcode namesHost}). **Signatures, validity dates and key usages are
 * not checked**: a certificate that merely copies a CA's subject as its
 * issuer passes. The memory network is for testing what code does with TLS
 * outcomes, not TLS itself.
 *
 * @example Usage
 * ```ts
 * import { negotiateTls, readTlsClientOptions, readTlsServerOptions } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const server = await readTlsServerOptions({ cert: pem("server.pem"), key: pem("server.key") });
 * const client = await readTlsClientOptions({ ca: pem("ca.pem") });
 * const outcome = negotiateTls(client, server, { hostname: "127.0.0.1", version: "TLSv1.3" });
 * assert.equal(outcome.ok && outcome.client.authorized, true);
 * ```
 *
 * @module
 */
import { formatIPv6, parseIPv4, parseIPv6 } from "../codec/ip.ts";
import type {
  PeerCertificate,
  PemInput,
  TlsClientOptions,
  TlsDetails,
  TlsServerOptions,
  TlsVersion,
} from "../stream_transport.ts";
import {
  type CertificateNames,
  describeCertificate,
  pemBlocks,
  pemCertificates,
  readCertificateNames,
} from "./x509_names.ts";

/**
 * What one side of a handshake presents and trusts, read once from its
 * options.
 *
 * @example Usage
 * ```ts
 * import { readTlsServerOptions, type TlsSide } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const side: TlsSide = await readTlsServerOptions({ cert: pem("server.pem"), key: pem("server.key") });
 * assert.equal(side.certificate?.commonName, "radius.test");
 * assert.equal(side.trusted, undefined); // no ca given
 * ```
 */
export interface TlsSide {
  /** The leaf certificate this side presents, if any. */
  readonly certificate: PeerCertificate | undefined;
  /** The issuer and subject Names of the chain this side sends, leaf first; empty without `cert`. */
  readonly chain: readonly Names[];
  /** The Names of the `ca` certificates; `undefined` without `ca`. */
  readonly trusted: readonly Names[] | undefined;
  /** ALPN protocols, in order of preference. */
  readonly alpnProtocols: readonly string[];
  /** The lowest protocol version this side accepts. */
  readonly minVersion: TlsVersion;
}

/**
 * The server side: what it presents and trusts, and whether it asks the
 * client for a certificate.
 *
 * @example Usage
 * ```ts
 * import { readTlsServerOptions, type TlsServerSide } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const server: TlsServerSide = await readTlsServerOptions({
 *   cert: pem("server.pem"),
 *   key: pem("server.key"),
 *   requestCertificate: false,
 * });
 * assert.equal(server.requestCertificate, false);
 * ```
 */
export interface TlsServerSide extends TlsSide {
  /** Whether the client is asked for its certificate (RFC 6614 §2.3). */
  readonly requestCertificate: boolean;
}

/**
 * The client side: what it presents and trusts, the name it expects and
 * whether a certificate that does not verify fails the handshake.
 *
 * @example Usage
 * ```ts
 * import { readTlsClientOptions, type TlsClientSide } from "./memory_tls.ts";
 * import assert from "node:assert/strict";
 *
 * const client: TlsClientSide = await readTlsClientOptions({ servername: "radius.test", verify: false });
 * assert.equal(client.certificate, undefined);
 * assert.equal(client.verify, false);
 * ```
 */
export interface TlsClientSide extends TlsSide {
  /** The name the server certificate must hold; else the host connected to. */
  readonly servername: string | undefined;
  /** Whether a certificate that is not authorized fails the handshake. */
  readonly verify: boolean;
}

/**
 * How a handshake ends: both sides' details, or the error each side sees.
 *
 * @example Usage
 * ```ts
 * import { negotiateTls, readTlsClientOptions, readTlsServerOptions, type TlsOutcome } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const server = await readTlsServerOptions({ cert: pem("server.pem"), key: pem("server.key") });
 * const client = await readTlsClientOptions({ ca: pem("other_ca.pem") });
 * const outcome: TlsOutcome = negotiateTls(client, server, { hostname: "127.0.0.1", version: "TLSv1.3" });
 * assert.equal(outcome.ok, false);
 * assert.equal(!outcome.ok && (outcome.clientError as { code?: string }).code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
 * ```
 */
export type TlsOutcome =
  | { readonly ok: true; readonly client: TlsDetails; readonly server: TlsDetails }
  | { readonly ok: false; readonly clientError: Error; readonly serverError: Error };

/**
 * Reads a server's TLS options as a handshake needs them.
 *
 * @param options The options given to `listen`.
 * @returns The server side; rejects with an Error whose `code` is
 * `"ERR_OSSL_PEM_NO_START_LINE"` when `cert` holds no certificate or `key`
 * no private key, and a SyntaxError when a certificate does not parse.
 *
 * @example Usage
 * ```ts
 * import { readTlsServerOptions } from "./memory_tls.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(readTlsServerOptions({ cert: "", key: "" }), { code: "ERR_OSSL_PEM_NO_START_LINE" });
 * ```
 */
export async function readTlsServerOptions(options: TlsServerOptions): Promise<TlsServerSide> {
  const side = await readSide(options, "server");
  if (side.certificate === undefined) throw noPem("tls.cert", "CERTIFICATE");
  return { ...side, requestCertificate: options.requestCertificate ?? true };
}

/**
 * Reads a client's TLS options as a handshake needs them.
 *
 * @param options The `tls` options given to `connect`.
 * @returns The client side; rejects as {@linkcode readTlsServerOptions}
 * when a `cert` or `key` is given that holds no PEM block of its kind, and
 * with a TypeError when only one of them is.
 *
 * @example Usage
 * ```ts
 * import { readTlsClientOptions } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const cert = readFileSync("tests/fixtures/tls/nas1.pem", "utf8");
 * await assert.rejects(readTlsClientOptions({ cert }), TypeError); // no key
 * ```
 */
export async function readTlsClientOptions(options: TlsClientOptions): Promise<TlsClientSide> {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TypeError(
      "Invalid tls options: give both cert and key for a client certificate, or neither",
    );
  }
  const side = await readSide(options, "client");
  if (options.cert !== undefined && side.certificate === undefined) {
    throw noPem("tls.cert", "CERTIFICATE");
  }
  return { ...side, servername: options.servername, verify: options.verify ?? true };
}

/**
 * Plays a handshake between two sides to its end.
 *
 * @param client The client side.
 * @param server The server side.
 * @param context The host the client connected to (an IP literal) and the
 * protocol version the network speaks.
 * @returns Both sides' details; or the error each side sees when a side's
 * `minVersion` is above the network's version, when both offer ALPN
 * protocols and share none (RFC 7301 §3.2: `no_application_protocol`), or
 * when the client verifies and does not authorize the server.
 *
 * @example Usage
 * ```ts
 * import { negotiateTls, readTlsClientOptions, readTlsServerOptions } from "./memory_tls.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const server = await readTlsServerOptions({
 *   cert: pem("server.pem"),
 *   key: pem("server.key"),
 *   ca: pem("ca.pem"),
 *   alpnProtocols: ["radius/1.1", "radius/1.0"],
 * });
 * const client = await readTlsClientOptions({
 *   cert: pem("nas1.pem"),
 *   key: pem("nas1.key"),
 *   ca: pem("ca.pem"),
 *   servername: "radius.test",
 *   alpnProtocols: ["radius/1.0", "radius/1.1"],
 * });
 * const outcome = negotiateTls(client, server, { hostname: "192.0.2.10", version: "TLSv1.3" });
 * assert.ok(outcome.ok);
 * assert.equal(outcome.server.alpnProtocol, "radius/1.1"); // the server's preference
 * assert.equal(outcome.server.peerCertificate?.commonName, "nas1.test");
 * assert.equal(outcome.server.authorized, true);
 * ```
 */
export function negotiateTls(
  client: TlsClientSide,
  server: TlsServerSide,
  context: { readonly hostname: string; readonly version: TlsVersion },
): TlsOutcome {
  const { version } = context;
  for (const side of [client, server]) {
    if (VERSION_RANK[side.minVersion] > VERSION_RANK[version]) {
      const error = (who: string) =>
        withCode(
          new Error(
            `TLS handshake failed: ${who} requires ${side.minVersion} or later and the memory network speaks ${version}`,
          ),
          "ERR_SSL_UNSUPPORTED_PROTOCOL",
        );
      const who = side === client ? "the client" : "the server";
      return { ok: false, clientError: error(who), serverError: error(who) };
    }
  }
  const alpnProtocol = selectAlpn(server.alpnProtocols, client.alpnProtocols);
  if (
    alpnProtocol === undefined && server.alpnProtocols.length > 0 && client.alpnProtocols.length > 0
  ) {
    // RFC 7301 §3.2: the server answers with a no_application_protocol alert.
    const offered = JSON.stringify(client.alpnProtocols);
    return {
      ok: false,
      clientError: withCode(
        new Error(`TLS handshake failed: the server accepts none of the ALPN protocols ${offered}`),
        "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
      ),
      serverError: withCode(
        new Error(
          `TLS handshake failed: the client offers none of this server's ALPN protocols (${offered})`,
        ),
        "ERR_SSL_NO_APPLICATION_PROTOCOL",
      ),
    };
  }
  const identity = client.servername ?? context.hostname;
  let serverVerdict = authorize(server, client.trusted, "client");
  if (serverVerdict === undefined && !namesHost(server.certificate!, identity)) {
    serverVerdict = {
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
      message: `Hostname/IP does not match certificate's altnames: "${identity}" is not among ${
        JSON.stringify(server.certificate!.subjectAltNames)
      }`,
    };
  }
  if (serverVerdict !== undefined && client.verify) {
    return {
      ok: false,
      clientError: withCode(new Error(serverVerdict.message), serverVerdict.code),
      serverError: withCode(
        new Error(
          `TLS handshake failed: the client refused this server's certificate (${serverVerdict.code})`,
        ),
        "ECONNRESET",
      ),
    };
  }
  const clientCertificate = server.requestCertificate ? client.certificate : undefined;
  const clientVerdict = clientCertificate === undefined
    ? { code: NO_CERTIFICATE, message: NO_CERTIFICATE }
    : authorize(client, server.trusted, "server");
  return {
    ok: true,
    client: {
      protocol: version,
      alpnProtocol,
      peerCertificate: server.certificate,
      authorized: serverVerdict === undefined,
      authorizationError: serverVerdict?.code,
    },
    server: {
      protocol: version,
      alpnProtocol,
      peerCertificate: clientCertificate,
      authorized: clientVerdict === undefined,
      authorizationError: clientVerdict?.code,
    },
  };
}

/**
 * The ALPN protocol a server selects (RFC 7301 §3.2): its most preferred
 * one among those the client offers. {@linkcode negotiateTls} fails the
 * handshake when both offer protocols and this finds none.
 *
 * @param server The server's protocols, in order of preference.
 * @param client The client's protocols.
 * @returns The selected protocol, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { selectAlpn } from "./memory_tls.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(selectAlpn(["radius/1.1", "radius/1.0"], ["radius/1.0", "radius/1.1"]), "radius/1.1");
 * assert.equal(selectAlpn(["radius/1.1"], ["radius/1.0"]), undefined);
 * assert.equal(selectAlpn([], ["radius/1.0"]), undefined);
 * ```
 */
export function selectAlpn(
  server: readonly string[],
  client: readonly string[],
): string | undefined {
  return server.find((protocol) => client.includes(protocol));
}

/**
 * Whether a certificate names a host, as TLS clients check it: an IP
 * literal matches an `IP:` subjectAltName (RFC 5280 §4.2.1.6); a DNS name
 * matches a `DNS:` subjectAltName without regard to case, `*` standing for
 * one whole leftmost label (RFC 6125 §6.4.3), or the CN when there is no
 * `DNS:` entry (RFC 6125 §6.4.4, as Node.js and OpenSSL still do).
 *
 * @param certificate The certificate's names.
 * @param host An IP literal (IPv6 without brackets) or a DNS name.
 * @returns Whether the certificate is for that host.
 *
 * @example Usage
 * ```ts
 * import { namesHost } from "./memory_tls.ts";
 * import assert from "node:assert/strict";
 *
 * const certificate = { commonName: "x", subjectAltNames: ["DNS:*.example.org", "IP:2001:db8::1"] };
 * assert.equal(namesHost(certificate, "radius.EXAMPLE.org"), true);
 * assert.equal(namesHost(certificate, "example.org"), false);
 * assert.equal(namesHost(certificate, "2001:db8:0:0:0:0:0:1"), true);
 * ```
 */
export function namesHost(
  certificate: Pick<PeerCertificate, "commonName" | "subjectAltNames">,
  host: string,
): boolean {
  const ip = canonicalIp(host);
  if (ip !== undefined) return certificate.subjectAltNames.includes(`IP:${ip}`);
  const name = host.toLowerCase().replace(/\.$/, "");
  const dns = certificate.subjectAltNames
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase().replace(/\.$/, ""));
  if (dns.length === 0) return certificate.commonName?.toLowerCase() === name;
  return dns.some((pattern) => {
    if (!pattern.startsWith("*.")) return pattern === name;
    const dot = name.indexOf(".");
    return dot > 0 && name.slice(dot) === pattern.slice(1);
  });
}

const VERSION_RANK: Readonly<Record<TlsVersion, number>> = { "TLSv1.2": 2, "TLSv1.3": 3 };
const NO_CERTIFICATE = "peer did not present a certificate";
const NO_CA = "no ca configured: the certificate was not verified";

/** A certificate's issuer and subject Names, DER-encoded. */
type Names = Pick<CertificateNames, "issuer" | "subject">;

interface Verdict {
  readonly code: string;
  readonly message: string;
}

async function readSide(
  options: {
    readonly cert?: PemInput;
    readonly key?: PemInput;
    readonly ca?: PemInput;
    readonly alpnProtocols?: readonly string[];
    readonly minVersion?: TlsVersion;
  },
  who: string,
): Promise<TlsSide> {
  if (
    options.key !== undefined &&
    !pemBlocks(options.key).some((b) => b.label.endsWith("PRIVATE KEY"))
  ) {
    throw noPem("tls.key", "PRIVATE KEY");
  }
  const certificates = options.cert === undefined ? [] : pemCertificates(options.cert);
  const leaf = certificates[0];
  const certificate = leaf === undefined ? undefined : await describeCertificate(leaf);
  const chain = certificates.map(readCertificateNames);
  let trusted: Names[] | undefined;
  if (options.ca !== undefined) {
    const authorities = pemCertificates(options.ca).map(readCertificateNames);
    if (authorities.length === 0) throw noPem(`tls.ca of the ${who}`, "CERTIFICATE");
    trusted = authorities.map(({ issuer, subject }) => ({ issuer, subject }));
    // OpenSSL completes the chain it sends from the store it verifies with.
    for (let last = chain.at(-1); last !== undefined && !selfSigned(last);) {
      const issuer = authorities.find((authority) => bytesEqual(authority.subject, last!.issuer));
      if (issuer === undefined || chain.includes(issuer)) break;
      chain.push(issuer);
      last = issuer;
    }
  }
  const minVersion = options.minVersion ?? "TLSv1.2";
  if (!(minVersion in VERSION_RANK)) {
    throw new RangeError(`Invalid tls.minVersion "${minVersion}": use "TLSv1.2" or "TLSv1.3"`);
  }
  return {
    certificate,
    chain: chain.map(({ issuer, subject }) => ({ issuer, subject })),
    trusted,
    alpnProtocols: options.alpnProtocols ?? [],
    minVersion,
  };
}

/**
 * Why `holder`'s chain does not lead to `trusted`, or `undefined` when it
 * does, as OpenSSL's verifier decides it on Node.js and Bun: the chain must
 * end at a self-signed `ca` certificate (a trusted intermediate alone is not
 * enough; Deno's `node:tls` accepts one). The reasons are OpenSSL's codes,
 * as the `node:tls` adapter reports them.
 */
function authorize(
  holder: TlsSide,
  trusted: readonly Names[] | undefined,
  judge: "client" | "server",
): Verdict | undefined {
  const chain = holder.chain;
  if (chain.length === 0) return { code: NO_CERTIFICATE, message: NO_CERTIFICATE };
  if (trusted === undefined && judge === "server") return { code: NO_CA, message: NO_CA };
  const store = trusted ?? [];
  let current = chain[0]!;
  let depth = 0;
  // Each step climbs to an issuer; a chain that repeats itself stops the climb.
  for (const seen = new Set<Names>(); !seen.has(current);) {
    seen.add(current);
    const anchor = store.find((authority) => bytesEqual(authority.subject, current.issuer));
    if (anchor !== undefined) {
      if (selfSigned(anchor)) return undefined;
      // A trusted intermediate: its own issuer must be found too.
      const above = store.find((authority) => bytesEqual(authority.subject, anchor.issuer));
      if (above === undefined) {
        return { code: "UNABLE_TO_GET_ISSUER_CERT", message: "unable to get issuer certificate" };
      }
      current = anchor;
      continue;
    }
    const next = chain[depth + 1];
    if (next === undefined || !bytesEqual(next.subject, current.issuer)) break;
    current = next;
    depth++;
  }
  const hint = trusted === undefined
    ? " (the memory network has no system trust store: give tls.ca)"
    : "";
  if (selfSigned(current)) {
    return depth === 0
      ? { code: "DEPTH_ZERO_SELF_SIGNED_CERT", message: `self-signed certificate${hint}` }
      : {
        code: "SELF_SIGNED_CERT_IN_CHAIN",
        message: `self-signed certificate in certificate chain${hint}`,
      };
  }
  return depth === 0
    ? {
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      message: `unable to verify the first certificate${hint}`,
    }
    : {
      code: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      message: `unable to get local issuer certificate${hint}`,
    };
}

function selfSigned(names: Names): boolean {
  return bytesEqual(names.issuer, names.subject);
}

/** RFC 5952 text of an IP literal (zone dropped), or `undefined` for a name. */
function canonicalIp(host: string): string | undefined {
  const bytes = new Uint8Array(16);
  if (parseIPv4(host, bytes, 0)) return host;
  const address = host.replace(/%.*$/, "");
  return parseIPv6(address, bytes, 0) ? formatIPv6(bytes) : undefined;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function noPem(what: string, label: string): Error {
  return withCode(
    new Error(`Cannot read ${what}: no "-----BEGIN ${label}-----" PEM block in it`),
    "ERR_OSSL_PEM_NO_START_LINE",
  );
}

function withCode(error: Error, code: string): Error {
  return Object.assign(error, { code });
}
