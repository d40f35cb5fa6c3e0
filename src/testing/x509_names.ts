/**
 * Reads what a TLS peer's certificate says about its holder, without a TLS
 * library: the PEM blocks of a {@linkcode PemInput}, and from an X.509
 * certificate (RFC 5280 §4.1) its subject and issuer Names, the subject's CN
 * and its subjectAltName entries (RFC 5280 §4.2.1.6). It verifies nothing:
 * no signature, no validity dates, no extension but subjectAltName is read.
 *
 * @example Usage
 * ```ts
 * import { describeCertificate, pemCertificates } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const [der] = pemCertificates(readFileSync("tests/fixtures/tls/nas1.pem", "utf8"));
 * const peer = await describeCertificate(der!);
 * assert.equal(peer.commonName, "nas1.test");
 * assert.deepEqual(peer.subjectAltNames, ["DNS:nas1.test", "IP:127.0.0.1", "IP:::1"]);
 * ```
 *
 * @module
 */
import { formatIPv4, formatIPv6 } from "../codec/ip.ts";
import type { PeerCertificate, PemInput } from "../stream_transport.ts";

/**
 * One PEM block: its label (`"CERTIFICATE"`, `"PRIVATE KEY"`…) and its
 * base64 body, not decoded.
 *
 * @example Usage
 * ```ts
 * import { type PemBlock, pemBlocks } from "./x509_names.ts";
 * import assert from "node:assert/strict";
 *
 * const [block]: PemBlock[] = pemBlocks("-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----\n");
 * assert.equal(block?.label, "PRIVATE KEY");
 * ```
 */
export interface PemBlock {
  /** The word between `BEGIN ` and the dashes, such as `"CERTIFICATE"`. */
  readonly label: string;
  /** The base64 text between the lines, whitespace included. */
  readonly body: string;
}

/**
 * The names an X.509 certificate carries.
 *
 * @example Usage
 * ```ts
 * import { type CertificateNames, pemCertificates, readCertificateNames } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const [ca] = pemCertificates(readFileSync("tests/fixtures/tls/ca.pem", "utf8"));
 * const names: CertificateNames = readCertificateNames(ca!);
 * assert.deepEqual(names.subject, names.issuer); // self-signed
 * ```
 */
export interface CertificateNames {
  /** The subject Name, DER-encoded (tag and length included). */
  readonly subject: Uint8Array;
  /** The issuer Name, DER-encoded (tag and length included). */
  readonly issuer: Uint8Array;
  /** The subject's first CN, if it has one (as `node:tls` reports it). */
  readonly commonName: string | undefined;
  /**
   * The subjectAltName entries this reader knows, in order: `"DNS:…"`,
   * `"IP:…"` (IPv6 as RFC 5952 text), `"URI:…"`, `"email:…"`. Other kinds
   * (otherName, directoryName…) are left out.
   */
  readonly subjectAltNames: readonly string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Every PEM block in the input, in order; text outside the blocks (OpenSSL's
 * `subject=` lines, comments) is skipped.
 *
 * @param input PEM text or bytes, or a list of them.
 * @returns The blocks; none when the input holds none.
 *
 * @example Usage
 * ```ts
 * import { pemBlocks } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const blocks = pemBlocks([
 *   readFileSync("tests/fixtures/tls/nas1.pem"),
 *   readFileSync("tests/fixtures/tls/nas1.key", "utf8"),
 * ]);
 * assert.deepEqual(blocks.map((block) => block.label), ["CERTIFICATE", "PRIVATE KEY"]);
 * ```
 */
export function pemBlocks(input: PemInput): PemBlock[] {
  const parts: readonly (string | Uint8Array)[] = typeof input === "string" ||
      input instanceof Uint8Array
    ? [input]
    : input;
  const blocks: PemBlock[] = [];
  for (const part of parts) {
    const text = typeof part === "string" ? part : new TextDecoder().decode(part);
    for (const match of text.matchAll(PEM_BLOCK)) {
      blocks.push({ label: match[1]!, body: match[2]! });
    }
  }
  return blocks;
}

/**
 * The DER of every `CERTIFICATE` block in the input, in order (a chain: the
 * leaf first; a CA bundle: each CA).
 *
 * @param input PEM text or bytes, or a list of them.
 * @returns The certificates, DER-encoded.
 * @throws {SyntaxError} When a certificate block is not base64.
 *
 * @example Usage
 * ```ts
 * import { pemCertificates } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const [der] = pemCertificates(readFileSync("tests/fixtures/tls/ca.pem", "utf8"));
 * assert.equal(der?.[0], 0x30); // a DER SEQUENCE
 * assert.deepEqual(pemCertificates("no PEM here"), []);
 * ```
 */
export function pemCertificates(input: PemInput): Uint8Array[] {
  return pemBlocks(input)
    .filter((block) => block.label === "CERTIFICATE")
    .map((block) => decodeBase64(block.body));
}

/**
 * Reads the subject, issuer, CN and subjectAltName of a DER certificate.
 *
 * @param der The certificate, DER-encoded.
 * @returns The names; `subject` and `issuer` are copies.
 * @throws {SyntaxError} When `der` is not a well-formed X.509 certificate as
 * far as these fields go; the message says where it fails.
 *
 * @example Usage
 * ```ts
 * import { pemCertificates, readCertificateNames } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const [server] = pemCertificates(readFileSync("tests/fixtures/tls/server.pem", "utf8"));
 * const [ca] = pemCertificates(readFileSync("tests/fixtures/tls/ca.pem", "utf8"));
 * const names = readCertificateNames(server!);
 * assert.equal(names.commonName, "radius.test");
 * assert.ok(names.subjectAltNames.includes("IP:::1"));
 * assert.deepEqual(names.issuer, readCertificateNames(ca!).subject);
 * assert.throws(() => readCertificateNames(new Uint8Array([0x30, 0x05])), SyntaxError);
 * ```
 */
export function readCertificateNames(der: Uint8Array): CertificateNames {
  const certificate = readElement(der, 0, der.length, "certificate");
  expectTag(certificate, SEQUENCE, "certificate");
  if (certificate.end !== der.length) throw malformed("certificate", "bytes after its end");
  const tbs = childrenOf(der, certificate)[0];
  if (tbs === undefined) throw malformed("certificate", "no tbsCertificate");
  expectTag(tbs, SEQUENCE, "tbsCertificate");
  const fields = childrenOf(der, tbs);
  // RFC 5280 §4.1: version [0] is optional, then serialNumber, signature,
  // issuer, validity, subject, subjectPublicKeyInfo, then the optional
  // issuerUniqueID [1], subjectUniqueID [2] and extensions [3].
  let index = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [, , issuer, , subject] = fields.slice(index);
  index += 6;
  if (issuer === undefined || subject === undefined || fields.length < index) {
    throw malformed("tbsCertificate", "fewer fields than RFC 5280 §4.1 requires");
  }
  expectTag(issuer, SEQUENCE, "issuer");
  expectTag(subject, SEQUENCE, "subject");
  const extensions = fields.slice(index).find((field) => field.tag === 0xa3);
  return {
    subject: der.slice(subject.start, subject.end),
    issuer: der.slice(issuer.start, issuer.end),
    commonName: commonNameOf(der, subject),
    subjectAltNames: extensions === undefined ? [] : subjectAltNamesOf(der, extensions),
  };
}

/**
 * Describes a certificate as a TLS connection reports its peer's: the DER,
 * its SHA-256 fingerprint (WebCrypto) and its names.
 *
 * @param der The certificate, DER-encoded.
 * @returns The peer certificate; its `der` is a copy.
 * @throws {SyntaxError} As {@linkcode readCertificateNames}.
 *
 * @example Usage
 * ```ts
 * import { describeCertificate, pemCertificates } from "./x509_names.ts";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const [der] = pemCertificates(readFileSync("tests/fixtures/tls/selfsigned.pem", "utf8"));
 * const peer = await describeCertificate(der!);
 * assert.match(peer.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
 * assert.deepEqual(peer.subjectAltNames, ["DNS:selfsigned.test"]);
 * ```
 */
export async function describeCertificate(der: Uint8Array): Promise<PeerCertificate> {
  const { commonName, subjectAltNames } = readCertificateNames(der);
  const copy = der.slice();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", copy));
  const fingerprint256 = Array.from(
    digest,
    (byte) => byte.toString(16).toUpperCase().padStart(2, "0"),
  ).join(":");
  return { der: copy, fingerprint256, commonName, subjectAltNames };
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OBJECT_IDENTIFIER = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
/** id-at-commonName, 2.5.4.3 (RFC 5280 Appendix A.1), content octets. */
const OID_COMMON_NAME = [0x55, 0x04, 0x03];
/** id-ce-subjectAltName, 2.5.29.17 (RFC 5280 §4.2.1.6), content octets. */
const OID_SUBJECT_ALT_NAME = [0x55, 0x1d, 0x11];

/** One DER element: its tag, where its header starts, where its content starts and ends. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function readElement(der: Uint8Array, offset: number, limit: number, what: string): Element {
  if (offset + 2 > limit) throw malformed(what, "truncated header");
  const tag = der[offset]!;
  // X.509 uses no tag numbers above 30 in the fields read here (X.690 §8.1.2.4).
  if ((tag & 0x1f) === 0x1f) throw malformed(what, "high tag number form");
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // DER has no indefinite length (X.690 §10.1); four octets cover any certificate.
    if (count === 0 || count > 4) throw malformed(what, "bad length");
    if (contentStart + count > limit) throw malformed(what, "truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw malformed(what, `length ${length} runs past the end`);
  return { tag, start: offset, contentStart, end };
}

function childrenOf(der: Uint8Array, parent: Element): Element[] {
  const children: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readElement(der, offset, parent.end, "element");
    children.push(child);
    offset = child.end;
  }
  return children;
}

function expectTag(element: Element, tag: number, what: string): void {
  if (element.tag !== tag) {
    throw malformed(what, `tag 0x${element.tag.toString(16)} where 0x${tag.toString(16)} belongs`);
  }
}

function contentEquals(der: Uint8Array, element: Element, expected: readonly number[]): boolean {
  if (element.end - element.contentStart !== expected.length) return false;
  return expected.every((byte, i) => der[element.contentStart + i] === byte);
}

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue (RFC 5280 §4.1.2.4). */
function commonNameOf(der: Uint8Array, name: Element): string | undefined {
  let commonName: string | undefined;
  for (const set of childrenOf(der, name)) {
    expectTag(set, SET, "RelativeDistinguishedName");
    for (const attribute of childrenOf(der, set)) {
      expectTag(attribute, SEQUENCE, "AttributeTypeAndValue");
      const [type, value] = childrenOf(der, attribute);
      if (type === undefined || value === undefined) {
        throw malformed("AttributeTypeAndValue", "missing type or value");
      }
      expectTag(type, OBJECT_IDENTIFIER, "attribute type");
      // The first CN, as the node:tls adapter reports it (node:tls lists them in order).
      if (commonName === undefined && contentEquals(der, type, OID_COMMON_NAME)) {
        commonName = directoryString(der, value);
      }
    }
  }
  return commonName;
}

/** DirectoryString and the other string types a CN is written in (RFC 5280 §4.1.2.4). */
function directoryString(der: Uint8Array, value: Element): string {
  const content = der.subarray(value.contentStart, value.end);
  switch (value.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder().decode(content);
    case 0x1e: // BMPString: UCS-2, big-endian
      return codeUnits(content, 2);
    case 0x1c: // UniversalString: UCS-4, big-endian
      return codeUnits(content, 4);
    default: // PrintableString, IA5String, TeletexString (read as Latin-1)
      return latin1(content);
  }
}

/** Extensions ::= SEQUENCE OF Extension; the subjectAltName one holds GeneralNames. */
function subjectAltNamesOf(der: Uint8Array, explicit: Element): string[] {
  const [list] = childrenOf(der, explicit);
  if (list === undefined) return [];
  expectTag(list, SEQUENCE, "extensions");
  for (const extension of childrenOf(der, list)) {
    expectTag(extension, SEQUENCE, "extension");
    const parts = childrenOf(der, extension);
    const id = parts[0];
    const value = parts[1]?.tag === BOOLEAN ? parts[2] : parts[1];
    if (id === undefined || value === undefined) throw malformed("extension", "missing fields");
    expectTag(id, OBJECT_IDENTIFIER, "extnID");
    if (!contentEquals(der, id, OID_SUBJECT_ALT_NAME)) continue;
    expectTag(value, OCTET_STRING, "extnValue");
    const names = readElement(der, value.contentStart, value.end, "GeneralNames");
    expectTag(names, SEQUENCE, "GeneralNames");
    const entries: string[] = [];
    for (const name of childrenOf(der, names)) {
      const entry = generalName(der, name);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }
  return [];
}

/** GeneralName (RFC 5280 §4.2.1.6), context-specific IMPLICIT tags. */
function generalName(der: Uint8Array, name: Element): string | undefined {
  const content = der.subarray(name.contentStart, name.end);
  switch (name.tag) {
    case 0x81: // [1] rfc822Name
      return `email:${latin1(content)}`;
    case 0x82: // [2] dNSName
      return `DNS:${latin1(content)}`;
    case 0x86: // [6] uniformResourceIdentifier
      return `URI:${latin1(content)}`;
    case 0x87: // [7] iPAddress: 4 or 16 octets in a certificate (8 or 32 only in name constraints)
      if (content.length === 4) return `IP:${formatIPv4(content)}`;
      if (content.length === 16) return `IP:${formatIPv6(content)}`;
      return undefined;
    default:
      return undefined;
  }
}

/** Big-endian code points of `width` octets each (not every runtime's TextDecoder reads UTF-16BE). */
function codeUnits(bytes: Uint8Array, width: 2 | 4): string {
  let text = "";
  for (let i = 0; i + width <= bytes.length; i += width) {
    let point = 0;
    for (let k = 0; k < width; k++) point = point * 256 + bytes[i + k]!;
    text += String.fromCodePoint(point > 0x10ffff ? 0xfffd : point);
  }
  return text;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function decodeBase64(body: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(body.replace(/\s+/g, ""));
  } catch {
    throw new SyntaxError("Cannot decode a PEM CERTIFICATE block: its body is not base64");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function malformed(what: string, why: string): SyntaxError {
  return new SyntaxError(`Cannot read X.509 ${what}: ${why}`);
}
