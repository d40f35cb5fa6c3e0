/**
 * What a completed `node:tls` handshake established, as the stream transport
 * contract's {@linkcode TlsDetails}: the protocol, the ALPN protocol, the
 * peer's certificate and whether it verified. Used by `./_streams_node.ts`
 * on Node.js, Bun and Deno, which all run TLS through `node:tls`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { TLSSocket } from "node:tls";
import type { PeerCertificate, TlsDetails } from "../src/stream_transport.ts";
import { formatIPv6, parseIPv6 } from "../src/codec/ip.ts";

/** What `authorizationError` says when the peer sent no certificate. */
export const NO_PEER_CERTIFICATE = "peer did not present a certificate";

/** What `authorizationError` says on a server given no `ca` to verify against. */
export const NO_CA = "no ca configured: the certificate was not verified";

/**
 * The details of a client connection whose handshake completed: `node:tls`
 * verified the server's chain and name itself (`authorized`).
 */
export function clientDetails(socket: TLSSocket): TlsDetails {
  const authorized = socket.authorized === true;
  return {
    protocol: socket.getProtocol() ?? "unknown",
    alpnProtocol: alpnOf(socket),
    peerCertificate: peerCertificateOf(socket),
    authorized,
    authorizationError: authorized ? undefined : errorText(socket.authorizationError),
  };
}

/**
 * The details of an accepted connection whose handshake completed. A bare
 * server-side `TLSSocket` (not made by a `tls.Server`) is left unverified by
 * Node.js and Deno (`authorized` stays false): they check the chain only in
 * `tls.Server`'s own `secure` listener, through the handle's `verifyError()`,
 * which this calls the same way. Bun sets `authorized` on every socket.
 *
 * @param socket The server-side socket, in its `secure` event.
 * @param verifies Whether the server was given a `ca` (else nothing verifies).
 */
export function serverDetails(socket: TLSSocket, verifies: boolean): TlsDetails {
  const peerCertificate = peerCertificateOf(socket);
  let authorizationError: string | undefined;
  if (peerCertificate === undefined) authorizationError = NO_PEER_CERTIFICATE;
  else if (!verifies) authorizationError = NO_CA;
  else authorizationError = verifyError(socket);
  return {
    protocol: socket.getProtocol() ?? "unknown",
    alpnProtocol: alpnOf(socket),
    peerCertificate,
    authorized: authorizationError === undefined,
    authorizationError,
  };
}

/** Why the peer's chain did not verify, or undefined when it did. */
function verifyError(socket: TLSSocket): string | undefined {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => unknown } | null })
    ._handle;
  if (typeof handle?.verifyError === "function") {
    const error = handle.verifyError();
    // Node.js returns null, Deno "" when the chain verified.
    return error === null || error === undefined || error === "" ? undefined : errorText(error);
  }
  return socket.authorized === true
    ? undefined
    : errorText(socket.authorizationError) ?? "certificate not verified";
}

/** An OpenSSL verification error as a string: its code, such as `"CERT_HAS_EXPIRED"`. */
function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined || error === "") return undefined;
  if (typeof error === "string") return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && code !== "") return code;
  return typeof message === "string" ? message : String(error);
}

function alpnOf(socket: TLSSocket): string | undefined {
  const protocol: unknown = socket.alpnProtocol;
  return typeof protocol === "string" && protocol !== "" ? protocol : undefined;
}

/** The leaf certificate the peer sent, or undefined. */
export function peerCertificateOf(socket: TLSSocket): PeerCertificate | undefined {
  let certificate: { raw?: unknown; subject?: unknown; subjectaltname?: unknown } | null;
  try {
    certificate = socket.getPeerCertificate(true) as typeof certificate;
  } catch {
    return undefined;
  }
  const raw = certificate?.raw;
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  const der = new Uint8Array(raw); // a copy the receiver owns
  const hex = createHash("sha256").update(der).digest("hex").toUpperCase();
  return {
    der,
    fingerprint256: hex.match(/../g)!.join(":"),
    commonName: commonNameOf(certificate!.subject),
    subjectAltNames: typeof certificate!.subjectaltname === "string"
      ? parseSubjectAltNames(certificate!.subjectaltname)
      : [],
  };
}

/** The subject's CN; the first when there are several (`node:tls` gives an array). */
function commonNameOf(subject: unknown): string | undefined {
  const cn = (subject as { CN?: unknown } | undefined)?.CN;
  const first: unknown = Array.isArray(cn) ? cn[0] : cn;
  return typeof first === "string" ? first : undefined;
}

/**
 * Splits `node:tls`'s `subjectaltname` (`"DNS:a, IP Address:127.0.0.1"`)
 * into entries: `"IP Address:"` becomes `"IP:"` with IPv6 in RFC 5952 text
 * (Node.js and Bun print `0:0:0:0:0:0:0:1`, Deno `::1`); other kinds keep
 * their prefix. Node.js writes a value with a `,` or a quote as a JSON
 * string (`DNS:"a, b"`), read back here as its text.
 *
 * @param text The `subjectaltname` string.
 * @returns The entries, in order.
 */
export function parseSubjectAltNames(text: string): string[] {
  const names: string[] = [];
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(":", at);
    if (colon < 0) break;
    const kind = text.slice(at, colon);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      end++;
      const quoted = text.slice(colon + 1, end);
      try {
        value = JSON.parse(quoted);
      } catch {
        value = quoted;
      }
    } else {
      const comma = text.indexOf(", ", colon + 1);
      end = comma < 0 ? text.length : comma;
      value = text.slice(colon + 1, end);
    }
    names.push(kind === "IP Address" ? `IP:${canonicalIp(value)}` : `${kind}:${value}`);
    at = text.startsWith(", ", end) ? end + 2 : text.length;
  }
  return names;
}

/** IPv6 in RFC 5952 text; IPv4 (and anything unparsable) as it is. */
function canonicalIp(text: string): string {
  if (!text.includes(":")) return text;
  const bytes = new Uint8Array(16);
  return parseIPv6(text, bytes, 0) ? formatIPv6(bytes) : text;
}
