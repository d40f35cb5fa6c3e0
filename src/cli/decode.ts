/**
 * `radkit decode`: one RADIUS packet, given as hex, printed attribute by
 * attribute, with its authenticators verified where the packet allows it.
 *
 * @module
 */
import {
  checkRequest,
  checkResponse,
  Code,
  codeName,
  Packet,
  type VerificationFailure,
} from "../../mod.ts";
import { findPacket } from "./capture.ts";
import { loadDictionary } from "./dictionary.ts";
import { UsageError } from "./errors.ts";
import { listFlag, parseFlags, requiredFlag, stringFlag } from "./flags.ts";
import { attributeLines, fromHex, toHex, withArticle } from "./output.ts";
import { err, out, readStdin } from "./runtime.ts";

/** `radkit decode --help`. */
export const DECODE_HELP: string =
  `Decode one RADIUS packet given as hex, and verify its authenticators.

Usage:
  radkit decode --secret S [--dict FILE]... [--json] HEX
  ... | radkit decode --secret S -

Options:
  --secret S            The shared secret: reveals User-Password and verifies the packet.
  --dict FILE           Read a FreeRADIUS dictionary file on top of the bundled ones
                        (repeatable; $INCLUDEs are relative to the file).
  --request-authenticator HEX
                        For a reply: the Request Authenticator of the request it answers,
                        to verify the reply and reveal its hidden attributes.
  --json                Print one JSON object: {"code", "id", "authenticator",
                        "attributes": [{"name", "value"}], "length", "verified", "verification"}.
  --show-secrets        Print secret values (User-Password, Tunnel-Password, CHAP, MS-CHAP
                        and EAP material, ...) instead of <hidden, N bytes>.
  -h, --help            Show this help.

HEX may contain spaces, colons or dashes, span several arguments, or come on
standard input with "-". It may also be the hex dump of a captured frame as
tcpdump -x, -xx or -X and tshark -x print it: the offsets, the ASCII column
and the link-layer, IPv4/IPv6 and UDP headers are checked and skipped (the
first frame of a dump is decoded); at most 1 MiB of input is read. What is
verified: the Request Authenticator of Accounting, CoA and Disconnect
requests; the Message-Authenticator wherever present; a reply's Response
Authenticator with --request-authenticator.

Exit status: 0 decoded (and verified where possible), 1 malformed or failing
verification, 2 usage error.

Examples:
  radkit decode --secret xyzzy5461 010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003
  tcpdump -c 1 -x -i lo udp port 1812 | radkit decode --secret testing123 -
  tshark -r capture.pcap -x -Y 'frame.number == 3' | radkit decode --secret testing123 --json -`;

/**
 * The most input `radkit decode` reads, in bytes. A RADIUS packet is at most
 * 4,096 bytes (RFC 2865 §3), about 19 KB as a tcpdump -X or tshark -x dump of
 * its frame: 1 MiB leaves room for dumps of many frames (the first is
 * decoded) and bounds the time and memory a mistaken input costs (100 MB of
 * hex took 25 s and 3.8 GB).
 */
const MAX_DECODE_INPUT = 1024 * 1024;

const TOO_LARGE = "The input is larger than 1 MiB: radkit decode takes one packet " +
  "(at most 4096 bytes, about 19 KB as a tcpdump -X or tshark -x dump); " +
  "capture one frame, e.g. with tcpdump -c 1";

/** `radkit decode`'s input: the arguments, or standard input for `-`, at most {@linkcode MAX_DECODE_INPUT} bytes. */
async function readInput(positionals: readonly string[]): Promise<string> {
  if (positionals.length === 1 && positionals[0] === "-") {
    try {
      return await readStdin(MAX_DECODE_INPUT);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(TOO_LARGE, { cause: error });
      throw error;
    }
  }
  const text = positionals.join(" ");
  // Counted in UTF-16 code units: hex is ASCII, a byte each.
  if (text.length > MAX_DECODE_INPUT) throw new UsageError(TOO_LARGE);
  return text;
}

const REQUESTS: ReadonlySet<number> = new Set([
  Code.AccessRequest,
  Code.AccountingRequest,
  Code.StatusServer,
  Code.CoARequest,
  Code.DisconnectRequest,
]);

const FAILURES: Readonly<Record<VerificationFailure, string>> = {
  "bad-authenticator": "the authenticator does not match: wrong --secret?",
  "bad-message-authenticator": "the Message-Authenticator does not match: wrong --secret?",
  "missing-message-authenticator": "no Message-Authenticator",
};

/** Whether the packet verified, and how to say so. */
interface Verification {
  readonly verified: boolean | null;
  readonly text: string;
}

function verify(
  bytes: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array | undefined,
  hasMessageAuthenticator: boolean,
): Verification {
  const code = bytes[0]!;
  const name = codeName(code);
  let failure: VerificationFailure | undefined;
  let what: string;
  if (REQUESTS.has(code)) {
    failure = checkRequest(bytes, secret, false);
    const parts: string[] = [];
    if (code !== Code.AccessRequest && code !== Code.StatusServer) {
      parts.push("Request Authenticator");
    }
    if (hasMessageAuthenticator) parts.push("Message-Authenticator");
    if (parts.length === 0) {
      return {
        verified: null,
        text: `not verifiable: ${
          withArticle(name)
        } without Message-Authenticator carries nothing to verify`,
      };
    }
    what = parts.join(" and ");
  } else if (requestAuthenticator !== undefined) {
    failure = checkResponse(bytes, secret, requestAuthenticator, false);
    what = hasMessageAuthenticator
      ? "Response Authenticator and Message-Authenticator"
      : "Response Authenticator";
  } else {
    return {
      verified: null,
      text: `not verified: ${
        withArticle(name)
      } verifies only against its request (give --request-authenticator HEX)`,
    };
  }
  return failure === undefined
    ? { verified: true, text: `verified: ${what}` }
    : { verified: false, text: `NOT verified: ${FAILURES[failure]}` };
}

/**
 * Runs `radkit decode`.
 *
 * @param args The arguments after `decode`.
 * @returns The exit status: 0 decoded, 1 malformed or not verifying.
 * @throws {UsageError} for a command line that does not parse (`main` prints it, exit 2).
 *
 * @example Usage
 * ```ts
 * import { decode } from "./decode.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(decode(["--secret", "s", "zz"]), /not hex/);
 * ```
 */
export async function decode(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args, {
    secret: { type: "string" },
    dict: { type: "string", multiple: true },
    "request-authenticator": { type: "string" },
    json: { type: "boolean" },
    "show-secrets": { type: "boolean" },
  }, "decode");
  if (flags.values.help === true) {
    out(DECODE_HELP);
    return 0;
  }
  const secret = requiredFlag(
    flags,
    "secret",
    "the shared secret, e.g. --secret testing123",
    "decode",
  );
  if (flags.positionals.length === 0) {
    throw new UsageError(
      'Give the packet as hex, e.g. radkit decode --secret s 0c01001a..., or "-" to read standard input',
    );
  }
  const text = await readInput(flags.positionals);
  const found = findPacket(text);
  const bytes = found.bytes;
  if (found.frames > 1) {
    err(
      `radkit decode: the dump holds ${found.frames} frames; decoding the first (${found.udp}). ` +
        "Capture one with tcpdump -c 1.",
    );
  }
  let requestAuthenticator: Uint8Array | undefined;
  const requestHex = stringFlag(flags, "request-authenticator");
  if (requestHex !== undefined) {
    requestAuthenticator = fromHex(requestHex);
    if (requestAuthenticator?.length !== 16) {
      throw new UsageError("--request-authenticator takes 16 bytes as 32 hex digits");
    }
  }
  const { dictionary } = await loadDictionary(listFlag(flags, "dict"));
  const request = requestAuthenticator === undefined ? undefined : Packet.create(
    Code.AccessRequest,
    dictionary,
    {},
    { authenticator: requestAuthenticator },
  );
  // Packet.decode and the checks throw MalformedPacketError for bytes that do not frame.
  const packet = Packet.decode(bytes, {
    dictionary,
    secret,
    ...(request === undefined ? {} : { request }),
  });
  const length = (bytes[2]! << 8) | bytes[3]!;
  const verification = verify(
    bytes,
    new TextEncoder().encode(secret),
    requestAuthenticator,
    packet.has("Message-Authenticator"),
  );
  // As FreeRADIUS's suppress_secrets: secret values only on request.
  const reveal = flags.values["show-secrets"] === true;
  if (flags.values.json === true) {
    out(JSON.stringify({
      ...packet.toJSON({ reveal }),
      length,
      verified: verification.verified,
      verification: verification.text,
    }));
  } else {
    out(
      `${packet.codeName} Id ${packet.id} length ${length} authenticator 0x${
        toHex(packet.authenticator)
      }`,
    );
    out(`Authenticity: ${verification.text}`);
    for (const line of attributeLines(packet, !reveal)) out(line);
  }
  if (verification.verified === false) {
    err(`radkit decode: ${verification.text}`);
    return 1;
  }
  return 0;
}
