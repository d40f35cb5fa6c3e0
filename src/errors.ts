/**
 * Errors thrown by radkit. Every error is a {@linkcode RadiusError} with a
 * stable string {@linkcode RadiusError.code} so callers can `switch` on it
 * instead of matching messages.
 *
 * @module
 */
import { hiddenValue } from "./secrets.ts";

/**
 * The stable codes carried by {@linkcode RadiusError} and its subclasses.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Packet, RadiusError, type RadiusErrorCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * function advice(code: RadiusErrorCode): string {
 *   switch (code) {
 *     case "ERR_UNKNOWN_ATTRIBUTE":
 *       return "check the attribute name";
 *     case "ERR_VALUE":
 *       return "check the value";
 *     default:
 *       return "see the message";
 *   }
 * }
 * // A name read from a configuration file: the compiler cannot check it.
 * const fromConfig: Record<string, string> = { "User-Nmae": "bob" };
 * try {
 *   Packet.create("Access-Request", Dictionary.parse(""), fromConfig);
 *   assert.fail("User-Nmae is no attribute");
 * } catch (error) {
 *   assert.ok(error instanceof RadiusError);
 *   assert.equal(advice(error.code), "check the attribute name");
 * }
 * ```
 */
export type RadiusErrorCode =
  | "ERR_RADIUS"
  | "ERR_DICTIONARY"
  | "ERR_MALFORMED_PACKET"
  | "ERR_PACKET_TOO_LARGE"
  | "ERR_INVALID_OPTION"
  | "ERR_UNKNOWN_ATTRIBUTE"
  | "ERR_VALUE"
  | "ERR_TIMEOUT"
  | "ERR_RESPONSE_VERIFICATION"
  | "ERR_MISSING_MESSAGE_AUTHENTICATOR"
  | "ERR_NAME_RESOLUTION"
  | "ERR_SERVER_CONNECTION"
  | "ERR_CLIENT_CLOSED"
  | "ERR_EAP";

/**
 * Options accepted by every radkit error constructor.
 *
 * @example Usage
 * ```ts
 * import { RadiusError, type RadiusErrorOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const cause = new Error("ENOENT: /etc/raddb/dictionary");
 * const options: RadiusErrorOptions = { cause };
 * const error = new RadiusError("Cannot load the site dictionary", options);
 * assert.equal(error.cause, cause);
 * ```
 */
export interface RadiusErrorOptions {
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * Base class of every error radkit throws on purpose.
 *
 * @example Usage
 * ```ts
 * import { RadiusError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new RadiusError("Something went wrong");
 * assert.equal(error.code, "ERR_RADIUS");
 * assert.ok(error instanceof Error);
 * ```
 */
export class RadiusError extends Error {
  /** A stable identifier for the kind of failure. */
  readonly code: RadiusErrorCode;

  /**
   * Creates an error.
   *
   * @param message What went wrong and, where it helps, what to do.
   * @param options The underlying `cause`, if any.
   * @param code The stable code; subclasses pass their own.
   */
  constructor(
    message: string,
    options?: RadiusErrorOptions,
    code: RadiusErrorCode = "ERR_RADIUS",
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A dictionary file could not be parsed or is inconsistent. The message names
 * the file and line.
 *
 * @example Usage
 * ```ts
 * import { DictionaryError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new DictionaryError('unknown type "fo0"', { file: "dictionary.foo", line: 12 });
 * assert.equal(error.message, 'Cannot parse dictionary.foo line 12: unknown type "fo0"');
 * assert.equal(error.line, 12);
 * ```
 */
export class DictionaryError extends RadiusError {
  /** The file that holds the offending line (the name given to the parser). */
  readonly file: string;
  /** The 1-based line number, or 0 when the problem is not tied to one line. */
  readonly line: number;

  /**
   * Creates a dictionary error.
   *
   * @param reason What is wrong with the line and, where it helps, what to do.
   * @param where The file and line the problem was found at.
   * @param options The underlying `cause`, if any.
   */
  constructor(
    reason: string,
    where: { file: string; line: number },
    options?: RadiusErrorOptions,
  ) {
    const at = where.line > 0 ? `${where.file} line ${where.line}` : where.file;
    super(`Cannot parse ${at}: ${reason}`, options, "ERR_DICTIONARY");
    this.file = where.file;
    this.line = where.line;
  }
}

/**
 * Bytes received from the network are not a valid RADIUS packet.
 *
 * @example Usage
 * ```ts
 * import { MalformedPacketError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new MalformedPacketError("attribute length 1 is below 2", 20);
 * assert.equal(error.offset, 20);
 * assert.equal(error.code, "ERR_MALFORMED_PACKET");
 * ```
 */
export class MalformedPacketError extends RadiusError {
  /** Byte offset in the datagram where decoding failed. */
  readonly offset: number;

  /**
   * Creates a malformed-packet error.
   *
   * @param reason What is wrong with the bytes.
   * @param offset Byte offset in the datagram where decoding failed.
   * @param options The underlying `cause`, if any.
   */
  constructor(reason: string, offset: number, options?: RadiusErrorOptions) {
    super(
      `Malformed RADIUS packet at byte ${offset}: ${reason}`,
      options,
      "ERR_MALFORMED_PACKET",
    );
    this.offset = offset;
  }
}

/**
 * A packet to send encodes to more than the 4,096 octets RADIUS allows
 * (RFC 2865 §3): too many or too long attributes.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, PacketTooLargeError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "Reply-Message": Array.from({ length: 20 }, () => "x".repeat(250)),
 * });
 * assert.throws(() => request.encode("s3cret"), (error) => {
 *   assert.ok(error instanceof PacketTooLargeError);
 *   assert.equal(error.code, "ERR_PACKET_TOO_LARGE");
 *   assert.ok(error.length > 4096);
 *   return true;
 * });
 * ```
 */
export class PacketTooLargeError extends RadiusError {
  /** The length the packet would have had, in octets. */
  readonly length: number;

  /**
   * Creates a packet-too-large error.
   *
   * @param codeName The packet's code name, e.g. `"Access-Accept"`.
   * @param length The length it would have had.
   */
  constructor(codeName: string, length: number) {
    super(
      `The ${codeName} is ${length} bytes; RADIUS allows 4096 (RFC 2865 §3): send fewer attributes`,
      undefined,
      "ERR_PACKET_TOO_LARGE",
    );
    this.length = length;
  }
}

/**
 * An option has a wrong type or value: the message names the option (`server`,
 * `servers[2]`, `ports.auth`, …) and says what to pass instead.
 *
 * @example Usage
 * ```ts
 * import { Client, InvalidOptionError } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const transport = new MemoryTransport();
 * assert.throws(
 *   () => new Client({ transport, servers: ["127.0.0.1", "[::1"], secret: "s3cret" }),
 *   (error) => error instanceof InvalidOptionError && error.option === "servers[1]",
 * );
 * ```
 */
export class InvalidOptionError extends RadiusError {
  /** The option, as a path into the options object: `"secret"`, `"servers[2]"`, `"ports.auth"`. */
  readonly option: string;

  /**
   * Creates an invalid-option error.
   *
   * @param option The option, as a path into the options object.
   * @param message What is wrong and what to pass instead.
   * @param options The underlying `cause`, if any.
   */
  constructor(option: string, message: string, options?: RadiusErrorOptions) {
    super(message, options, "ERR_INVALID_OPTION");
    this.option = option;
  }
}

/**
 * A program used an attribute name the dictionary does not define.
 *
 * @example Usage
 * ```ts
 * import { UnknownAttributeError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new UnknownAttributeError("User-Nme", ["User-Name"]);
 * assert.match(error.message, /did you mean "User-Name"/);
 * ```
 */
export class UnknownAttributeError extends RadiusError {
  /** The name that was not found. */
  readonly attribute: string;

  /**
   * Creates an unknown-attribute error.
   *
   * @param attribute The name that was not found.
   * @param suggestions Close names from the dictionary, best first.
   * @param options The underlying `cause`, if any.
   */
  constructor(
    attribute: string,
    suggestions: readonly string[] = [],
    options?: RadiusErrorOptions,
  ) {
    const hint = suggestions.length > 0
      ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?`
      : "; load a dictionary that defines it";
    super(
      `Unknown attribute "${attribute}"${hint}`,
      options,
      "ERR_UNKNOWN_ATTRIBUTE",
    );
    this.attribute = attribute;
  }
}

/**
 * Options of {@linkcode ValueError}.
 *
 * @example Usage
 * ```ts
 * import { ValueError, type ValueErrorOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: ValueErrorOptions = { secret: true };
 * const error = new ValueError("User-Password", "string", "S3cret!", "too long", options);
 * assert.equal(error.message, "Invalid value <hidden, 7 bytes> for User-Password (string): too long");
 * ```
 */
export interface ValueErrorOptions extends RadiusErrorOptions {
  /**
   * The value is secret (see `isSecretAttribute`): the message shows
   * `<hidden, N bytes>` instead of it.
   */
  secret?: boolean;
}

/**
 * A value does not fit the type of the attribute it was given for. The
 * message quotes the value, except a secret one (User-Password,
 * Tunnel-Password, MS-CHAP material, …), shown as `<hidden, N bytes>`.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Packet, ValueError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new ValueError("NAS-IP-Address", "ipaddr", "10.0.0.256", "each part must be 0..255");
 * assert.match(error.message, /NAS-IP-Address/);
 *
 * // A secret value never appears in the message.
 * assert.throws(
 *   () => Packet.create("Access-Request", Dictionary.default(), { "User-Password": "S3cret!".repeat(19) }),
 *   { message: /^Invalid value <hidden, 133 bytes> for User-Password/ },
 * );
 * ```
 */
export class ValueError extends RadiusError {
  /** The attribute the value was meant for. */
  readonly attribute: string;

  /**
   * Creates a value error.
   *
   * @param attribute The attribute the value was meant for.
   * @param type The attribute's dictionary type.
   * @param value The offending value.
   * @param reason Why it does not fit.
   * @param options The underlying `cause`, if any, and whether the value is secret.
   */
  constructor(
    attribute: string,
    type: string,
    value: unknown,
    reason: string,
    options?: ValueErrorOptions,
  ) {
    const shown = options?.secret === true ? hiddenValue(value) : describe(value);
    super(
      `Invalid value ${shown} for ${attribute} (${type}): ${reason}`,
      options,
      "ERR_VALUE",
    );
    this.attribute = attribute;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
