/**
 * `radkit send`: radclient, on the radkit `Client`. Sends one request built
 * from `Name=value` arguments, or many from radclient-format input, and
 * prints each reply.
 *
 * @module
 */
import {
  addChapPassword,
  addMsChapV1,
  addMsChapV2,
  type AnyAttributes,
  type AttributesInit,
  type AttributeValue,
  Client,
  type ClientTlsOptions,
  Code,
  type Dictionary,
  type EapClientOptions,
  type EapTlsClientOptions,
  type Logger,
  MissingMessageAuthenticatorError,
  Packet,
  RequestTimeoutError,
  type TtlsInnerMethod,
  verifyMsChapV2Success,
} from "../../mod.ts";
import { formatAddress } from "../address.ts";
import {
  addAttributes,
  type AttributeText,
  parseAttributeArgs,
  parseRadclientText,
  secretNames,
} from "./args.ts";
import { loadDictionary } from "./dictionary.ts";
import { UsageError } from "./errors.ts";
import { readFileFlag } from "./file_flag.ts";
import { integerFlag, listFlag, parseFlags, requiredFlag, stringFlag } from "./flags.ts";
import { attributeLines } from "./output.ts";
import { err, out, readText, resolveHost, streams, tlsEngine, udp } from "./runtime.ts";

/** `radkit send --help`. */
export const SEND_HELP: string = `Send RADIUS requests and print the replies, like radclient.

Usage:
  radkit send --server HOST[:PORT] --secret S [options] ATTR=VALUE ...
  radkit send --server HOST[:PORT] --secret S [options] --file FILE|-

Options:
  --server HOST[:PORT]  The server: an IP address or host name, IPv6 as [::1]:1812.
                        Default port by --code: 1812 auth, 1813 accounting, 3799 CoA;
                        2083 with --tls.
  --secret S            The shared secret ("radsec" by default with --tls).
  --tcp                 Send over TCP (RFC 6613) instead of UDP.
  --tls                 Send over TLS (RadSec, RFC 6614): the server's certificate must
                        chain to --ca and carry the server's name (or --servername).
  --ca FILE             The CA(s) the server's certificate must chain to (PEM).
  --cert FILE           This client's certificate (PEM), for mutual TLS.
  --key FILE            Its private key (PEM).
  --servername NAME     The name to send as SNI and expect in the server's certificate.
  --fingerprint FP      Accept the server's certificate by its SHA-256 fingerprint
                        (repeatable; without --ca it replaces the CA check).
  --radius-1.1          Require RADIUS/1.1 (RFC 9765) over --tls: no MD5, no secret.
  --code CODE           access-request (default), accounting-request, coa-request,
                        disconnect-request or status-server (radclient's auth, acct,
                        coa, disconnect and status work too).
  --dict FILE           Read a FreeRADIUS dictionary file on top of the bundled ones
                        (repeatable; $INCLUDEs are relative to the file). A first FILE
                        that defines the RFC attributes itself replaces them.
  --timeout MS          How long to wait for each reply, in ms (default 3000).
  --retries N           Retransmissions before giving up (default 3).
  --file FILE, -f FILE  Read packets in radclient's format: "Attr = value" pairs,
                        comma- or newline-separated, one packet per paragraph
                        (blank line between packets). "-" (or a lone - argument)
                        reads standard input. ATTR=VALUE arguments are added to each.
  --parallel N          Packets from --file in flight at once (default 1).
  --auth METHOD         How to send User-Password: pap (default), chap (RFC 2865), mschap
                        (MS-CHAPv1, RFC 2433), mschapv2 (RFC 2759; the server's
                        MS-CHAP2-Success is checked: a forged Access-Accept fails), or an EAP
                        conversation with User-Name as the identity (RFC 3579): eap-md5,
                        eap-gtc or eap-mschapv2 (the server's proof checked too); in a TLS
                        tunnel whose server certificate must chain to --eap-ca: peap
                        (PEAPv0/EAP-MSCHAPv2), peap-gtc, ttls-pap, ttls-chap, ttls-mschap,
                        ttls-mschapv2,
                        ttls-eap-md5, ttls-eap-mschapv2, ttls-eap-gtc; or eap-tls with
                        --eap-cert and --eap-key instead of a password.
  --eap-ca FILE         The CA(s) the EAP server's certificate must chain to (PEM).
  --eap-servername NAME The name the EAP server's certificate must carry.
  --eap-cert FILE       This peer's certificate for --auth eap-tls (PEM).
  --eap-key FILE        Its private key (PEM).
  --anonymous-identity ID
                        PEAP/TTLS: the identity sent outside the tunnel (User-Name and
                        EAP-Response/Identity), e.g. anonymous@example.com; User-Name=
                        is then the inner identity.
  --chap                The same as --auth chap. Giving CHAP-Password=<cleartext> does the
                        same too, as radclient does.
  --no-require-message-authenticator
                        Accept Access-Accept/Reject replies without a Message-Authenticator,
                        for legacy servers (FreeRADIUS before 3.2.5). Not for production.
  --json                Print each reply as one JSON object per line:
                        {"code": "Access-Accept", "id": 7, "authenticator": "…",
                         "attributes": [{"name": "…", "value": …}]}
  --show-secrets        Print secret reply values (Tunnel-Password, MS-MPPE keys, MS-CHAP
                        and EAP material, ...) instead of <hidden, N bytes>.
  -h, --help            Show this help.

Attributes: Name=value, or as radclient reads them: 'Name = "value"' (quoted, with
\n \t \" \\ escapes), several in one argument separated by commas
('User-Name = "bob", NAS-Port = 5'). Tags as Name:1=value; repeat a name to send it
several times. Values are text as FreeRADIUS writes them: numbers or VALUE names for
integers, 192.0.2.1 for addresses, 0x0102… for octets. TLV members by their own names
(consecutive ones share one TLV). Attributes a dictionary lacks by number, with raw
bytes, as radclient and radkit decode name them: Attr-200=0x0102,
Attr-26.VENDOR.TYPE=0x…, Attr-241.TYPE=0x…, Attr-245.26.VENDOR.TYPE=0x….
What radkit decode prints can be given back as arguments. Access-Request and
Status-Server always carry a Message-Authenticator.

Exit status: 0 on a positive reply (Access-Accept, Access-Challenge, Accounting-Response,
CoA-ACK, Disconnect-ACK), 1 on Access-Reject, NAK, timeout or any error, 2 on a usage error.

Examples:
  radkit send --server 127.0.0.1 --secret testing123 User-Name=bob User-Password=hello
  radkit send --server 127.0.0.1 --secret testing123 --chap User-Name=bob User-Password=hello
  radkit send --server 127.0.0.1 --secret testing123 --code accounting-request \\
    User-Name=bob Acct-Status-Type=Start Acct-Session-Id=42
  radkit send --server 127.0.0.1:1812 --secret testing123 --code status-server
  radkit send --server 10.0.0.1 --secret s3 --code disconnect-request User-Name=bob --json
  printf 'User-Name = "bob", User-Password = "hello"\\n\\nUser-Name = "alice"\\n' |
    radkit send --server 127.0.0.1 --secret testing123 --parallel 8 -`;

const CODES: ReadonlyMap<string, number> = new Map([
  ["access-request", Code.AccessRequest],
  ["auth", Code.AccessRequest],
  ["accounting-request", Code.AccountingRequest],
  ["acct", Code.AccountingRequest],
  ["coa-request", Code.CoARequest],
  ["coa", Code.CoARequest],
  ["disconnect-request", Code.DisconnectRequest],
  ["disconnect", Code.DisconnectRequest],
  ["status-server", Code.StatusServer],
  ["status", Code.StatusServer],
]);

const POSITIVE: ReadonlySet<number> = new Set([
  Code.AccessAccept,
  Code.AccessChallenge,
  Code.AccountingResponse,
  Code.CoAACK,
  Code.DisconnectACK,
]);

/** Where to send: host and optional port. */
interface Target {
  readonly host: string;
  readonly port: number | undefined;
}

function parseServer(text: string): Target {
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, port] = text.split(":") as [string, string];
  }
  const number = port === undefined ? undefined : Number(port);
  if (
    host === "" ||
    (number !== undefined && !(Number.isInteger(number) && number > 0 && number < 65536))
  ) {
    throw new UsageError(
      `Invalid --server "${text}": give HOST or HOST:PORT, e.g. 127.0.0.1:1812 or [::1]:1812`,
    );
  }
  return { host, port: number };
}

function isChapCleartext(item: AttributeText): boolean {
  return item.name.toLowerCase() === "chap-password" && !/^0x[0-9a-f]{34}$/i.test(item.value);
}

/** Builds one request; CHAP from `--chap` or a clear-text CHAP-Password. */
/** How `--auth` sends the password. */
type AuthMethod =
  | "pap"
  | "chap"
  | "mschap"
  | "mschapv2"
  | "eap-md5"
  | "eap-gtc"
  | "eap-mschapv2"
  | "eap-tls"
  | "peap"
  | "peap-gtc"
  | "ttls-pap"
  | "ttls-chap"
  | "ttls-mschap"
  | "ttls-mschapv2"
  | "ttls-eap-md5"
  | "ttls-eap-mschapv2"
  | "ttls-eap-gtc";

const AUTH_METHODS: readonly AuthMethod[] = [
  "pap",
  "chap",
  "mschap",
  "mschapv2",
  "eap-md5",
  "eap-gtc",
  "eap-mschapv2",
  "eap-tls",
  "peap",
  "peap-gtc",
  "ttls-pap",
  "ttls-chap",
  "ttls-mschap",
  "ttls-mschapv2",
  "ttls-eap-md5",
  "ttls-eap-mschapv2",
  "ttls-eap-gtc",
];

/** What `--auth` asks of `Client.eap`, for the EAP methods. */
function eapMethodOf(
  auth: AuthMethod,
): Pick<EapClientOptions, "method" | "inner"> | undefined {
  if (auth === "eap-tls") return { method: "tls" };
  if (auth === "peap") return { method: "peap", inner: "mschapv2" };
  if (auth === "peap-gtc") return { method: "peap", inner: "gtc" };
  if (auth.startsWith("ttls-")) {
    return { method: "ttls", inner: auth.slice(5) as TtlsInnerMethod };
  }
  if (auth.startsWith("eap-")) return { method: auth.slice(4) as "md5" | "gtc" | "mschapv2" };
  return undefined;
}

/** The TLS side of `--auth peap|ttls-*|eap-tls`: `--eap-ca`, `--eap-cert`, … */
interface EapTlsFlags {
  readonly tls: EapTlsClientOptions | undefined;
  readonly anonymousIdentity: string | undefined;
}

/** A request, and how to check what its reply proves (MS-CHAPv2's authenticator response). */
interface BuiltRequest {
  readonly packet: Packet;
  /** An EAP conversation to run instead of sending `packet` once (its attributes go along). */
  readonly eap?: EapClientOptions;
  /** Why an Access-Accept does not prove the server knows the password, if it does not. */
  readonly check?: (reply: Packet) => string | undefined;
}

function buildRequest(
  code: number,
  dictionary: Dictionary,
  items: readonly AttributeText[],
  auth: AuthMethod,
  eapTls: EapTlsFlags,
): BuiltRequest {
  const packet = Packet.create(code as Code, dictionary);
  const chapItem = items.find(isChapCleartext);
  addAttributes(packet, items.filter((item) => !isChapCleartext(item)));
  let password: string | undefined = chapItem?.value;
  if (auth === "pap" && password === undefined) return { packet };
  const eapMethod = eapMethodOf(auth);
  if (eapMethod?.method === "tls") {
    const identity = packet.get("User-Name");
    if (typeof identity !== "string") {
      throw new UsageError(`--auth ${auth} needs the identity: add User-Name=...`);
    }
    if (eapTls.tls?.cert === undefined) {
      throw new UsageError(
        "--auth eap-tls needs --eap-cert and --eap-key (this peer's certificate), and --eap-ca",
      );
    }
    return { packet, eap: { ...eapMethod, identity, tls: eapTls.tls } };
  }
  if (password === undefined) {
    const given = packet.get("User-Password");
    if (typeof given !== "string") {
      throw new UsageError(
        `--auth ${auth} needs the password: add User-Password=... (it is sent as ${auth.toUpperCase()})`,
      );
    }
    password = given;
  }
  packet.delete("User-Password");
  if (eapMethod !== undefined) {
    const identity = packet.get("User-Name");
    if (typeof identity !== "string") {
      throw new UsageError(`--auth ${auth} needs the identity: add User-Name=...`);
    }
    const tunnel = eapMethod.method === "peap" || eapMethod.method === "ttls";
    if (tunnel && eapTls.tls === undefined) {
      throw new UsageError(
        `--auth ${auth} needs --eap-ca: the CA the EAP server's certificate must chain to`,
      );
    }
    return {
      packet,
      eap: {
        ...eapMethod,
        identity,
        password,
        ...(tunnel ? { tls: eapTls.tls! } : {}),
        ...(tunnel && eapTls.anonymousIdentity !== undefined
          ? { anonymousIdentity: eapTls.anonymousIdentity }
          : {}),
      },
    };
  }
  if (auth === "mschap") {
    addMsChapV1(packet, { password });
    return { packet };
  }
  if (auth === "mschapv2") {
    const context = addMsChapV2(packet, { password });
    return {
      packet,
      check: (reply) => {
        if (reply.code !== Code.AccessAccept) return undefined;
        const verified = verifyMsChapV2Success(reply, context);
        return verified.ok
          ? undefined
          : `the Access-Accept's MS-CHAP2-Success does not prove the server knows the password (${verified.reason})`;
      },
    };
  }
  addChapPassword(packet, password);
  return { packet };
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** One line saying what went wrong and what to do. */
function describeError(error: unknown): string {
  if (error instanceof MissingMessageAuthenticatorError) {
    return error.message.replace(
      "set requireMessageAuthenticator: false",
      "add --no-require-message-authenticator",
    );
  }
  if (error instanceof RequestTimeoutError) {
    let message = error.message.replace(
      / \(for a server that sends no Message-Authenticator.*\)$/,
      "",
    );
    if (error.dropped["missing-message-authenticator"]) {
      message +=
        "; the server sends no Message-Authenticator: for a legacy server add --no-require-message-authenticator";
    } else if (error.dropped["bad-authenticator"] || error.dropped["bad-message-authenticator"]) {
      message += "; check --secret";
    } else {
      message +=
        "; check that the server runs at --server, knows this host as a client, and shares --secret";
    }
    return message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** How one task ended: its value, or what it threw. */
type Settled<T> = { readonly ok: true; readonly value: T } | {
  readonly ok: false;
  readonly error: unknown;
};

/**
 * Runs `tasks` with at most `limit` at once, and gives each outcome in
 * order. The Promises never reject: a failure is an outcome, so one that
 * settles while the caller still awaits an earlier one is not an unhandled
 * rejection (which Deno and Node.js turn into a crash).
 */
function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<Settled<T>>[] {
  const results: Promise<Settled<T>>[] = [];
  const gates: (() => void)[] = [];
  let running = 0;
  const release = () => {
    running--;
    gates.shift()?.();
  };
  for (const task of tasks) {
    results.push(
      (async (): Promise<Settled<T>> => {
        if (running >= limit) await new Promise<void>((resolve) => gates.push(resolve));
        running++;
        try {
          return { ok: true, value: await task() };
        } catch (error) {
          return { ok: false, error };
        } finally {
          release();
        }
      })(),
    );
  }
  return results;
}

/**
 * Runs `radkit send`.
 *
 * @param args The arguments after `send`.
 * @returns The exit status: 0 positive reply, 1 reject/NAK/error, 2 usage error.
 * @throws {UsageError} for a command line that does not parse (`main` prints it, exit 2).
 *
 * @example Usage
 * ```ts
 * import { send } from "./send.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(send(["--secret", "s"]), /Missing --server/);
 * ```
 */
export async function send(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args, {
    server: { type: "string" },
    secret: { type: "string" },
    code: { type: "string" },
    dict: { type: "string", multiple: true },
    timeout: { type: "string" },
    retries: { type: "string" },
    file: { type: "string", short: "f" },
    parallel: { type: "string" },
    chap: { type: "boolean" },
    auth: { type: "string" },
    "no-require-message-authenticator": { type: "boolean" },
    json: { type: "boolean" },
    "show-secrets": { type: "boolean" },
    tcp: { type: "boolean" },
    tls: { type: "boolean" },
    ca: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    servername: { type: "string" },
    fingerprint: { type: "string", multiple: true },
    "radius-1.1": { type: "boolean" },
    "eap-ca": { type: "string" },
    "eap-cert": { type: "string" },
    "eap-key": { type: "string" },
    "eap-servername": { type: "string" },
    "anonymous-identity": { type: "string" },
  }, "send");
  if (flags.values.help === true) {
    out(SEND_HELP);
    return 0;
  }
  const target = parseServer(
    requiredFlag(flags, "server", "where to send, e.g. --server 127.0.0.1", "send"),
  );
  const stream = await streamOptions(flags);
  const secret = stream?.tls !== undefined && flags.values.secret === undefined
    ? "radsec" // RFC 6614 §2.3
    : requiredFlag(flags, "secret", "the shared secret, e.g. --secret testing123", "send");
  const codeText = (stringFlag(flags, "code") ?? "access-request").toLowerCase();
  const code = CODES.get(codeText);
  if (code === undefined) {
    throw new UsageError(
      `Unknown --code "${codeText}": use access-request, accounting-request, coa-request, disconnect-request or status-server`,
    );
  }
  const timeout = integerFlag(flags, "timeout", 3000, 1, 600000);
  const retries = integerFlag(flags, "retries", 3, 0, 100);
  const parallel = integerFlag(flags, "parallel", 1, 1, 65536);
  const json = flags.values.json === true;
  const reveal = flags.values["show-secrets"] === true;
  let file = stringFlag(flags, "file");
  const positionals = [...flags.positionals];
  if (positionals.includes("-")) {
    if (file !== undefined && file !== "-") {
      throw new UsageError('Give either --file FILE or "-" for standard input, not both');
    }
    file = "-";
    positionals.splice(positionals.indexOf("-"), 1);
  }
  const common = positionals.flatMap(parseAttributeArgs);

  const { dictionary } = await loadDictionary(listFlag(flags, "dict"));
  let batches: AttributeText[][];
  if (file !== undefined) {
    let text: string;
    try {
      text = await readText(file);
    } catch (error) {
      throw new UsageError(`Cannot read --file "${file}": ${(error as Error).message}`);
    }
    batches = parseRadclientText(
      text,
      file === "-" ? "standard input" : file,
      secretNames(dictionary),
    ).map((items) => [...items, ...common]);
    if (batches.length === 0) {
      throw new UsageError(
        `No packets in ${file === "-" ? "standard input" : file}: write Attr = value lines`,
      );
    }
  } else batches = [common];
  const auth = authFlag(flags);
  const eapTls = await eapTlsFlags(flags, auth);
  const built = batches.map((items) => buildRequest(code, dictionary, items, auth, eapTls));
  const requests = built.map((request) => request.packet);

  const host = await resolveHost(target.host).catch((error: Error) => {
    throw new UsageError(`Cannot resolve --server host "${target.host}": ${error.message}`);
  });
  const port = target.port;
  const client = new Client({
    ...(stream === undefined ? { transport: udp() } : { streams: streams(), watchdog: 0 }),
    ...(stream?.tls === undefined ? {} : { tls: stream.tls }),
    server: host,
    secret,
    dictionary,
    timeout,
    retries,
    // radclient-like: the same wait before every retransmission, no overall cap.
    backoff: { maxTimeout: timeout, maxDuration: 0 },
    requireMessageAuthenticator: flags.values["no-require-message-authenticator"] !== true,
    ...(port === undefined ? {} : { ports: { auth: port, acct: port, coa: port } }),
    // send prints one line per failed packet itself; the client's own warnings would repeat it.
    logger: SILENT,
  });
  const defaultPort = stream?.tls !== undefined
    ? 2083
    : code === Code.AccountingRequest
    ? 1813
    : code === Code.CoARequest || code === Code.DisconnectRequest
    ? 3799
    : 1812;
  const to = formatAddress({ hostname: host, port: port ?? defaultPort });
  let status = 0;
  try {
    const replies = pool(
      built.map(({ packet, eap }) => () =>
        eap === undefined ? client.send(packet) : runEap(client, packet, eap)
      ),
      parallel,
    );
    for (const [index, pending] of replies.entries()) {
      const request = requests[index]!;
      const outcome = await pending;
      if (!outcome.ok) {
        err(`radkit send: ${describeError(outcome.error)}`);
        status = 1;
        continue;
      }
      const reply = outcome.value;
      const problem = built[index]!.check?.(reply);
      if (problem !== undefined) {
        err(`radkit send: ${problem}`);
        status = 1;
      }
      if (json) out(JSON.stringify(reply.toJSON({ reveal })));
      else {
        out(`Sent ${request.codeName} Id ${request.id} to ${to}`);
        out(`Received ${reply.codeName} Id ${reply.id} from ${to}`);
        for (const line of attributeLines(reply, !reveal)) out(line);
      }
      if (!POSITIVE.has(reply.code)) status = 1;
    }
  } finally {
    await client.close();
  }
  return status;
}

/** `--tcp`, or `--tls` with its certificate options; `undefined` for UDP. */
async function streamOptions(
  flags: Parameters<typeof stringFlag>[0],
): Promise<{ tls: ClientTlsOptions | undefined } | undefined> {
  const tcp = flags.values.tcp === true;
  const tls = flags.values.tls === true;
  const tlsOnly = ["ca", "cert", "key", "servername", "fingerprint", "radius-1.1"]
    .filter((name) => flags.values[name] !== undefined);
  if (tcp && tls) throw new UsageError("Give --tcp or --tls, not both");
  if (!tls) {
    if (tlsOnly.length > 0) {
      throw new UsageError(`--${tlsOnly[0]} goes with --tls; see "radkit send --help"`);
    }
    return tcp ? { tls: undefined } : undefined;
  }
  const [ca, cert, key] = [
    await readFileFlag(flags, "ca"),
    await readFileFlag(flags, "cert"),
    await readFileFlag(flags, "key"),
  ];
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError("--cert and --key go together (this client's certificate and its key)");
  }
  const servername = stringFlag(flags, "servername");
  const fingerprints = listFlag(flags, "fingerprint");
  return {
    tls: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(servername === undefined ? {} : { servername }),
      ...(fingerprints.length === 0 ? {} : { fingerprints }),
      ...(flags.values["radius-1.1"] === true ? { radius11: "require" as const } : {}),
    },
  };
}

/** `--eap-ca`, `--eap-cert`, `--eap-key`, `--eap-servername`, `--anonymous-identity`. */
async function eapTlsFlags(
  flags: Parameters<typeof stringFlag>[0],
  auth: AuthMethod,
): Promise<EapTlsFlags> {
  const given = ["eap-ca", "eap-cert", "eap-key", "eap-servername", "anonymous-identity"]
    .filter((name) => flags.values[name] !== undefined);
  const method = eapMethodOf(auth)?.method;
  if (method !== "tls" && method !== "peap" && method !== "ttls") {
    if (given.length > 0) {
      throw new UsageError(
        `--${given[0]} goes with --auth peap, ttls-… or eap-tls; see "radkit send --help"`,
      );
    }
    return { tls: undefined, anonymousIdentity: undefined };
  }
  const [ca, cert, key] = [
    await readFileFlag(flags, "eap-ca"),
    await readFileFlag(flags, "eap-cert"),
    await readFileFlag(flags, "eap-key"),
  ];
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError("--eap-cert and --eap-key go together (this peer's certificate and key)");
  }
  if (ca === undefined) {
    throw new UsageError(
      `--auth ${auth} needs --eap-ca: the CA the EAP server's certificate must chain to`,
    );
  }
  const serverName = stringFlag(flags, "eap-servername");
  return {
    tls: {
      engine: tlsEngine(),
      ca,
      ...(cert === undefined ? {} : { cert, key: key! }),
      ...(serverName === undefined ? {} : { serverName }),
    },
    anonymousIdentity: stringFlag(flags, "anonymous-identity"),
  };
}

/** `--auth METHOD` (or `--chap`, which is `--auth chap`). */
function authFlag(flags: Parameters<typeof stringFlag>[0]): AuthMethod {
  const given = stringFlag(flags, "auth")?.toLowerCase();
  const chap = flags.values.chap === true;
  if (given === undefined) return chap ? "chap" : "pap";
  if (!(AUTH_METHODS as readonly string[]).includes(given)) {
    throw new UsageError(`Unknown --auth "${given}": use ${AUTH_METHODS.join(", ")}`);
  }
  if (chap && given !== "chap") throw new UsageError("Give --chap or --auth, not both");
  return given as AuthMethod;
}

/**
 * Runs an EAP conversation for `--auth eap-*`, the request's other
 * attributes (NAS-IP-Address, …) in each of its Access-Requests. An
 * Access-Accept whose method did not finish (no EAP-Success, or an
 * MSCHAPv2 server proof that did not verify) is an error.
 */
async function runEap(
  client: Client<AnyAttributes>,
  packet: Packet,
  eap: NonNullable<BuiltRequest["eap"]>,
): Promise<Packet> {
  // Repeated attributes (Class, …) go along as lists, in order.
  const attributes: Record<string, AttributeValue | AttributeValue[]> = {};
  for (const attribute of packet.attributes()) {
    if (attribute.name === "User-Name") continue;
    const before = attributes[attribute.name];
    attributes[attribute.name] = before === undefined
      ? attribute.value
      : [...(Array.isArray(before) ? before : [before]), attribute.value];
  }
  const result = await client.eap({
    ...eap,
    attributes: attributes as AttributesInit<AnyAttributes>,
  });
  if (result.reply.code === Code.AccessAccept && !result.authenticated) {
    const name = eap.method === "peap" || eap.method === "ttls"
      ? `${eap.method.toUpperCase()}/${String(eap.inner).toUpperCase()}`
      : `EAP-${eap.method.toUpperCase()}`;
    throw new Error(
      `the Access-Accept does not finish ${name} (no EAP-Success, or the server's proof did not verify)`,
    );
  }
  return result.reply;
}
