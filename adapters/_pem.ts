/**
 * PEM certificates and keys for `node:tls`, checked before use. Deno's
 * `tls.createSecureContext` parses nothing (Deno 2.9 reads the PEM only
 * when a handshake needs it), and Node.js ignores a `ca` without any
 * certificate in it, so a listener checks its own settings with
 * `node:crypto`, the same on every runtime, and fails at `listen` rather
 * than at every handshake.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import type { PemInput, TlsServerOptions } from "../src/stream_transport.ts";

/** {@linkcode PemInput} as `node:tls` takes it. */
export function pem(input: PemInput): string | Buffer | (string | Buffer)[] {
  const one = (item: string | Uint8Array): string | Buffer =>
    typeof item === "string" ? item : Buffer.from(item.buffer, item.byteOffset, item.byteLength);
  return typeof input === "string" || input instanceof Uint8Array ? one(input) : input.map(one);
}

/** Every PEM text of an input, a list's items in order. */
function texts(input: PemInput): string[] {
  const text = (item: string | Uint8Array): string =>
    typeof item === "string" ? item : new TextDecoder().decode(item);
  return typeof input === "string" || input instanceof Uint8Array ? [text(input)] : input.map(text);
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Parses every certificate of `input`; throws naming `what` if one does not parse, or none is there. */
function certificates(input: PemInput, what: string): X509Certificate[] {
  const parsed: X509Certificate[] = [];
  for (const text of texts(input)) {
    for (const block of text.match(CERTIFICATE) ?? []) {
      try {
        parsed.push(new X509Certificate(block));
      } catch (cause) {
        throw new Error(`TLS ${what}: a certificate does not parse (${message(cause)})`, { cause });
      }
    }
  }
  if (parsed.length === 0) {
    throw new Error(`TLS ${what}: no "-----BEGIN CERTIFICATE-----" block found in the PEM`);
  }
  return parsed;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks a listener's certificate, key and CAs: each certificate parses,
 * the key parses and belongs to the first certificate (the leaf).
 *
 * @throws {Error} saying which setting is wrong, the parser's error as `cause`.
 */
export function checkServerPem(tls: TlsServerOptions): void {
  const [leaf] = certificates(tls.cert, "cert");
  let key: KeyObject;
  try {
    const [first] = texts(tls.key);
    key = createPrivateKey(first ?? "");
  } catch (cause) {
    throw new Error(`TLS key: the private key does not parse (${message(cause)})`, { cause });
  }
  if (!leaf!.checkPrivateKey(key)) {
    throw new Error(
      `TLS key: the private key does not belong to the certificate (${leaf!.subject.trim()})`,
    );
  }
  if (tls.ca !== undefined) certificates(tls.ca, "ca");
}
