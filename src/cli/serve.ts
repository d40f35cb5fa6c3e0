/**
 * `radkit serve`: a demo RADIUS server on the radkit `Server`. Users and
 * their reply attributes come from a FreeRADIUS-style `users` file (PAP and
 * CHAP); accounting, CoA and Disconnect requests are acknowledged; every
 * request is logged on one line. It serves on every core (worker processes,
 * `@radkit/radius/adapters/workers`) unless `--workers 1`. SIGINT/SIGTERM
 * stop it and print the counters of all workers; SIGHUP replaces the
 * workers (re-reading the users file) and keeps serving.
 *
 * @module
 */
import {
  type Address,
  Code,
  type DatagramTransport,
  EapServer,
  type ListenOptions,
  Packet,
  type PortName,
  type RequestContext,
  Server,
  type ServerAddresses,
  type ServerStats,
} from "../../mod.ts";
import { formatAddress } from "../address.ts";
import { unmapIPv4 } from "../server/nas_table.ts";
import { addAttributes } from "./args.ts";
import { loadDictionary } from "./dictionary.ts";
import { UsageError } from "./errors.ts";
import { readFileFlag } from "./file_flag.ts";
import { integerFlag, listFlag, parseFlags, requiredFlag, stringFlag } from "./flags.ts";
import { formatAttribute, packetJson } from "./output.ts";
import {
  cores,
  err,
  onSignal,
  onStopSignal,
  out,
  readText,
  serveOnAllCores,
  type SocketSharing,
  streams,
  tlsEngine,
  udp,
  type Workers,
} from "./runtime.ts";
import {
  authorize,
  checkReplyItems,
  eapCredentials,
  parseUsers,
  replyItems,
  type UserEntry,
} from "./users_file.ts";

/** `radkit serve --help`. */
export const SERVE_HELP: string =
  `Run a demo RADIUS server: users from a FreeRADIUS-style users file (PAP, CHAP),
accounting, CoA and Disconnect answered with an ACK, one log line per request (none
with --quiet).

Usage:
  radkit serve --secret S [--users FILE] [options]

Options:
  --host H              The address to listen on (default 127.0.0.1; 0.0.0.0 or :: for
                        every interface).
  --auth-port P         Authentication port (default 1812; 0 picks a free one).
  --acct-port P         Accounting port (default 1813; 0 picks a free one).
  --coa-port P          CoA / Disconnect port (default 3799; 0 picks a free one).
  --tcp-port P          Also serve RADIUS over TCP (RFC 6613) on this port: every kind of
                        request, same secret.
  --tls-port P          Also serve RADIUS over TLS (RadSec, RFC 6614; usually 2083) with
                        --cert and --key. NAS certificates must chain to --ca.
  --cert FILE           The server certificate (PEM, intermediates after it).
  --key FILE            Its private key (PEM).
  --ca FILE             The CA(s) NAS certificates must chain to (PEM). Over TLS, --secret
                        is the secret too: RadSec NASes usually send "radsec".
  --radius11 MODE       RADIUS/1.1 (RFC 9765) on the TLS port: off (default), prefer or
                        require.
  --eap-cert FILE       Answer PEAP (inner EAP-MSCHAPv2, EAP-GTC, EAP-MD5) and EAP-TTLS
                        (inner PAP, CHAP, MS-CHAPv2 or EAP) with this server certificate
                        (PEM), for 802.1X / WPA-Enterprise, with --eap-key.
  --eap-key FILE        Its private key (PEM).
  --eap-ca FILE         Also answer EAP-TLS: client certificates must chain to these CA(s)
                        (PEM).
  --secret S            The shared secret. Requests from ANY source address that use it
                        are answered (clients 0.0.0.0/0 and ::/0): a demo server, not a
                        production one.
  --users FILE          Users, FreeRADIUS "users" syntax (subset, see below). Without it
                        every Access-Request is rejected.
  --dict FILE           Read a FreeRADIUS dictionary file on top of the bundled ones
                        (repeatable; $INCLUDEs are relative to the file).
  --no-require-message-authenticator
                        Also answer Access-Requests without a Message-Authenticator, from
                        legacy NASes (weakens the BlastRADIUS defence, CVE-2024-3596).
  --workers N           Worker processes serving the ports together (1 serves from this
                        process alone). Counters add up over them. Default: one per core
                        on Node.js and Bun; 1 on Deno, whose workers share one node:dgram
                        socket and answer fewer requests than one process does
                        (bench/RESULTS.md); 1 with --tcp-port or --tls-port, which one
                        process serves.
  --sockets MODE        How the workers share the ports: reuseport (a socket each, spread
                        over by the kernel per client address and port; the default on
                        Linux with Node.js and Bun) or shared (one socket read by all; the
                        only way on Deno, and the default elsewhere).
  --json                Log JSON lines instead of text.
  --quiet               No line per request (as FreeRADIUS by default): only start, stop,
                        reload, warnings and errors. For load, where formatting a line per
                        request costs about a tenth of the CPU.
  --show-secrets        Log secret values (User-Password, CHAP, MS-CHAP and EAP challenges
                        and responses, ...) instead of <hidden, N bytes>. Not for production.
  -h, --help            Show this help.

Signals:
  SIGINT, SIGTERM       Stop: each worker finishes its requests, then the counters of all are
                        printed. A second signal exits at once.
  SIGHUP                Reload and keep serving: the workers are replaced one at a time, each
                        reading the --users file afresh, without losing a request (with
                        --workers 1 the file is read again in place). If the file no longer
                        loads, the running workers keep serving and the error is printed.

Users file:
  bob     Cleartext-Password := "hello"
          Reply-Message := "Hello, bob",
          Framed-IP-Address = 192.0.2.10

  DEFAULT Auth-Type := Reject
          Reply-Message = "Denied"

  A user name (or DEFAULT) with check items, then indented reply items. Check items:
  Cleartext-Password := "...", NT-Password := 0x<32 hex digits>, Auth-Type := Accept|Reject,
  Attr == value, Attr != value. A password answers PAP, CHAP (cleartext only), MS-CHAPv1 and
  MS-CHAPv2 (with MPPE keys), whichever the request carries, and EAP-MD5, EAP-GTC and
  EAP-MSCHAPv2 (EAP-MSCHAPv2 also from NT-Password); with --eap-cert also PEAP and TTLS,
  the inner identity looked up (the outer one may be anonymous) and its reply items sent
  with the Access-Accept. With --eap-ca, EAP-TLS accepts any certificate that chains to it,
  with the reply items of the EAP identity. An EAP conversation lives in the worker
  that started it: with --workers above 1 a NAS must keep its source port for its rounds to
  reach that worker (most do; use --workers 1 for one that does not).
  Reply items: =, := and +=; Fall-Through = Yes goes on to the next matching entry.

Examples:
  radkit serve --secret testing123 --users ./users
  radkit serve --host :: --auth-port 11812 --acct-port 11813 --coa-port 13799 \\
    --secret testing123 --users ./users --json
  Then, in another terminal:
  radkit send --server 127.0.0.1 --secret testing123 User-Name=bob User-Password=hello`;

/**
 * `host:port`, `[v6]:port`; an IPv4 client reaching a dual-stack `::`
 * socket (`::ffff:127.0.0.1`) is shown as the IPv4 address it is, as the
 * Server matches it against IPv4 client entries.
 */
function where(address: Address): string {
  return formatAddress({ hostname: unmapIPv4(address.hostname), port: address.port });
}

/** The log's reason for an EAP answer: which step of the conversation it is. */
function eapReason(answer: Packet): string {
  if (answer.code === Code.AccessChallenge) return "EAP challenge";
  return answer.code === Code.AccessAccept ? "EAP success" : "EAP failure";
}

function summary(packet: Packet, hideSecrets: boolean): string {
  const parts = packet.attributes()
    .filter((attribute) => attribute.name !== "Message-Authenticator")
    .map((attribute) => formatAttribute(attribute, hideSecrets));
  return parts.length === 0 ? "" : ` [${parts.join(", ")}]`;
}

/**
 * Logs one request and its reply on one line (text or JSON; JSON names the
 * worker that answered, if any). Secret values, CHAP, MS-CHAP and EAP
 * challenges and responses among them (enough for an offline attack on the
 * password), are hidden unless `showSecrets`.
 */
function logger(json: boolean, showSecrets: boolean, worker: number | undefined) {
  const hide = !showSecrets;
  return (request: Packet, context: RequestContext, reply: Packet, reason?: string): Packet => {
    const time = new Date().toISOString();
    if (json) {
      const { authenticator: _, ...answer } = packetJson(reply, hide);
      out(JSON.stringify({
        time,
        port: context.port,
        from: where(context.from),
        request: packetJson(request, hide),
        reply: answer,
        ...(reason === undefined ? {} : { reason }),
        ...(worker === undefined ? {} : { worker }),
      }));
    } else {
      out(
        `${time} ${context.port} ${where(context.from)} ${request.codeName} Id ${request.id}${
          summary(request, hide)
        } -> ${reply.codeName}${reason === undefined ? "" : ` (${reason})`}${summary(reply, hide)}`,
      );
    }
    return reply;
  };
}

/** `--quiet`'s request log: the reply passes through, nothing is formatted. */
function unlogged(_request: Packet, _context: RequestContext, reply: Packet): Packet {
  return reply;
}

/**
 * One worker per core, but on Deno one process: Deno cannot give each
 * worker its own SO_REUSEPORT socket, and workers reading one shared
 * node:dgram socket were measured slower than a single Deno.listenDatagram
 * process (whole machine 43k vs 53k replies/s; under a garbage storm 5k vs
 * 17k, bench/RESULTS.md).
 */
function defaultWorkers(): number {
  return "Deno" in globalThis ? 1 : cores();
}

function port(flags: Parameters<typeof integerFlag>[0], name: string, fallback: number): number {
  return integerFlag(flags, name, fallback, 0, 65535);
}

/** `--tcp-port`, and `--tls-port` with the certificate files it needs. */
async function streamListenOptions(
  flags: Parameters<typeof integerFlag>[0],
): Promise<Pick<ListenOptions, "tcp" | "tls">> {
  const tcp = flags.values["tcp-port"] === undefined ? undefined : port(flags, "tcp-port", 0);
  const tlsPort = flags.values["tls-port"] === undefined ? undefined : port(flags, "tls-port", 0);
  const files = ["cert", "key", "ca", "radius11"].filter((name) =>
    flags.values[name] !== undefined
  );
  if (tlsPort === undefined) {
    if (files.length > 0) {
      throw new UsageError(`--${files[0]} goes with --tls-port; see "radkit serve --help"`);
    }
    return tcp === undefined ? {} : { tcp: { port: tcp } };
  }
  const [cert, key, ca] = [
    await readFileFlag(flags, "cert"),
    await readFileFlag(flags, "key"),
    await readFileFlag(flags, "ca"),
  ];
  if (cert === undefined || key === undefined) {
    throw new UsageError("--tls-port needs --cert and --key (PEM files), and usually --ca");
  }
  const radius11 = stringFlag(flags, "radius11") ?? "off";
  if (radius11 !== "off" && radius11 !== "prefer" && radius11 !== "require") {
    throw new UsageError(`Invalid --radius11 "${radius11}": use off, prefer or require`);
  }
  return {
    ...(tcp === undefined ? {} : { tcp: { port: tcp } }),
    tls: { port: tlsPort, cert, key, ...(ca === undefined ? {} : { ca }), radius11 },
  };
}

/** `--eap-cert`, `--eap-key` and `--eap-ca`: the TLS side of PEAP, TTLS and EAP-TLS. */
async function eapTlsOptions(
  flags: Parameters<typeof integerFlag>[0],
): Promise<{ cert: string; key: string; ca?: string } | undefined> {
  const [cert, key, ca] = [
    await readFileFlag(flags, "eap-cert"),
    await readFileFlag(flags, "eap-key"),
    await readFileFlag(flags, "eap-ca"),
  ];
  if (cert === undefined && key === undefined) {
    if (ca !== undefined) throw new UsageError("--eap-ca needs --eap-cert and --eap-key too");
    return undefined;
  }
  if (cert === undefined || key === undefined) {
    throw new UsageError("--eap-cert and --eap-key go together (the EAP server's certificate)");
  }
  return { cert, key, ...(ca === undefined ? {} : { ca }) };
}

/**
 * Runs `radkit serve` until SIGINT or SIGTERM.
 *
 * @param args The arguments after `serve`.
 * @returns The exit status: 0 after a clean stop.
 * @throws {UsageError} for a command line that does not parse (`main` prints it, exit 2).
 *
 * @example Usage
 * ```ts
 * import { serve } from "./serve.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(serve(["--auth-port", "0"]), /Missing --secret/);
 * ```
 */
export async function serve(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args, {
    host: { type: "string" },
    "auth-port": { type: "string" },
    "acct-port": { type: "string" },
    "coa-port": { type: "string" },
    "tcp-port": { type: "string" },
    "tls-port": { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    ca: { type: "string" },
    radius11: { type: "string" },
    "eap-cert": { type: "string" },
    "eap-key": { type: "string" },
    "eap-ca": { type: "string" },
    secret: { type: "string" },
    users: { type: "string" },
    dict: { type: "string", multiple: true },
    "no-require-message-authenticator": { type: "boolean" },
    workers: { type: "string" },
    sockets: { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
    "show-secrets": { type: "boolean" },
  }, "serve");
  if (flags.values.help === true) {
    out(SERVE_HELP);
    return 0;
  }
  if (flags.positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${flags.positionals[0]}"; see "radkit serve --help"`,
    );
  }
  const secret = requiredFlag(
    flags,
    "secret",
    "the shared secret, e.g. --secret testing123",
    "serve",
  );
  const host = stringFlag(flags, "host") ?? "127.0.0.1";
  const ports = {
    auth: port(flags, "auth-port", 1812),
    acct: port(flags, "acct-port", 1813),
    coa: port(flags, "coa-port", 3799),
  };
  const streamPorts = await streamListenOptions(flags);
  const hasStreams = streamPorts.tcp !== undefined || streamPorts.tls !== undefined;
  const workers = integerFlag(flags, "workers", hasStreams ? 1 : defaultWorkers(), 1, 1024);
  if (hasStreams && workers > 1) {
    throw new UsageError(
      "--tcp-port and --tls-port are served by one process: leave out --workers or give --workers 1",
    );
  }
  const sockets = socketsFlag(stringFlag(flags, "sockets"));
  const json = flags.values.json === true;
  const { dictionary } = await loadDictionary(listFlag(flags, "dict"));

  const usersFile = stringFlag(flags, "users");
  const loadUsers = async (): Promise<UserEntry[]> => {
    if (usersFile === undefined) return [];
    let text: string;
    try {
      text = await readText(usersFile);
    } catch (error) {
      throw new UsageError(`Cannot read --users "${usersFile}": ${(error as Error).message}`);
    }
    const entries = parseUsers(text, usersFile);
    checkReplyItems(entries, Packet.create(Code.AccessRequest, dictionary), usersFile);
    return entries;
  };
  // Every worker runs this too: each reads the users file when it starts.
  let users = await loadUsers();

  const eapTls = await eapTlsOptions(flags);
  const requireMessageAuthenticator = flags.values["no-require-message-authenticator"] !== true;
  const showSecrets = flags.values["show-secrets"] === true;
  const quiet = flags.values.quiet === true;
  if (quiet && showSecrets) {
    throw new UsageError(
      "--show-secrets shows the request lines that --quiet leaves out: drop one",
    );
  }
  const makeServer = (transport: DatagramTransport, worker?: number): Server => {
    const log = quiet ? unlogged : logger(json, showSecrets, worker);
    // Conversations live in this process: a NAS's EAP rounds reach one worker
    // as long as its source port stays (SO_REUSEPORT hashes address and port).
    const eap = new EapServer({
      credentials: (identity) => eapCredentials(users, identity),
      ...(eapTls === undefined ? {} : { tls: { ...eapTls, engine: tlsEngine() } }),
      // The reply items of the user authenticated: with PEAP and TTLS the
      // inner identity's, not the (perhaps anonymous) outer one's.
      authorize(user, reply, request) {
        addAttributes(reply, replyItems(users, request, user.identity));
      },
    });
    return new Server({
      transport,
      ...(hasStreams ? { streams: streams() } : {}),
      dictionary,
      clients: [
        { address: "0.0.0.0/0", secret, name: "any-ipv4", requireMessageAuthenticator },
        { address: "::/0", secret, name: "any-ipv6", requireMessageAuthenticator },
      ],
      logger: {
        debug() {},
        info() {},
        warn: (message) => err(`radkit serve: warning: ${message}`),
        error: (message) => err(`radkit serve: error: ${message}`),
      },
      handleAccessRequest(request, context) {
        // EAP (RFC 3579): MD5, GTC or MSCHAPv2, over as many rounds as the method
        // needs. Only EAP waits for a Promise: PAP, CHAP and MS-CHAP stay synchronous.
        if (request.has("EAP-Message")) {
          return eap.handle(request).then((answer) => {
            if (answer === undefined) {
              return log(request, context, request.reply(Code.AccessReject));
            }
            return log(request, context, answer, eapReason(answer));
          });
        }
        const decision = authorize(users, request);
        const reply = request.reply(decision.code, decision.attributes);
        addAttributes(reply, decision.reply);
        return log(request, context, reply, decision.reason);
      },
      handleAccountingRequest: (request, context) =>
        log(request, context, request.reply(Code.AccountingResponse)),
      handleCoaRequest: (request, context) => log(request, context, request.reply(Code.CoAACK)),
      handleDisconnectRequest: (request, context) =>
        log(request, context, request.reply(Code.DisconnectACK)),
      handleStatusServer: (request, context) =>
        log(
          request,
          context,
          request.reply(context.port === "acct" ? Code.AccountingResponse : Code.AccessAccept),
        ),
    });
  };
  const cannotListen = (error: unknown): Error => {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(
      `Cannot listen on ${host} (${message}): choose other ports with --auth-port, --acct-port and --coa-port (0 picks free ones)`,
      { cause: error },
    );
  };
  const say = (event: string, fields: Record<string, unknown>, text: string): void =>
    out(json ? JSON.stringify({ event, ...fields }) : `radkit serve: ${text}`);

  // One process, or a primary with workers (a worker never returns from serveOnAllCores).
  let pool: Workers | undefined;
  let single: Server | undefined;
  let bound: ServerAddresses;
  if (workers === 1) {
    single = makeServer(udp());
    try {
      bound = await single.listen({ hostname: host, ...ports, ...streamPorts });
    } catch (error) {
      await single.close();
      throw cannotListen(error);
    }
  } else {
    try {
      pool = await serveOnAllCores({
        workers,
        ...(sockets === undefined ? {} : { sockets }),
        // The workers run this command again: main.ts with "serve" and the same options.
        module: new URL("./main.ts", import.meta.url),
        args: ["serve", ...args],
        listen: { hostname: host, ...ports },
        server: ({ transport, index }) => makeServer(transport, index),
        logger: {
          debug() {},
          info() {},
          warn: (message, fields) =>
            err(`radkit serve: warning: ${message} ${JSON.stringify(fields)}`),
          error: (message, fields) =>
            err(`radkit serve: error: ${message} ${JSON.stringify(fields)}`),
        },
      });
    } catch (error) {
      throw cannotListen(error);
    }
    bound = pool.addresses;
  }

  let dispose = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    dispose = onStopSignal(resolve);
  });
  const listening: Partial<Record<PortName | "tcp" | "tls", string>> = {};
  for (const name of ["auth", "acct", "coa", "tcp", "tls"] as const) {
    const address = bound[name];
    if (address !== undefined) listening[name] = where(address);
  }
  const processes = pool === undefined
    ? "1 process"
    : `${workers} worker processes (sockets: ${pool.sockets})`;
  if (json) {
    out(JSON.stringify({
      event: "listening",
      ...listening,
      workers,
      ...(pool === undefined ? {} : { sockets: pool.sockets }),
    }));
  } else {
    out(
      `radkit serve: listening on auth ${listening.auth}, acct ${listening.acct}, coa ${listening.coa}${
        listening.tcp === undefined ? "" : `, tcp ${listening.tcp}`
      }${listening.tls === undefined ? "" : `, tls ${listening.tls}`}` +
        ` for any client with the secret; ${
          usersFile === undefined
            ? "no --users file, so every Access-Request is rejected"
            : `${users.length} users entries from ${usersFile}`
        }; ${processes}; Ctrl-C stops, SIGHUP reloads`,
    );
  }

  // SIGHUP: reload and keep serving, one reload at a time.
  let reloading: Promise<void> = Promise.resolve();
  const reload = async (): Promise<void> => {
    if (pool !== undefined) {
      say("reloading", { workers }, `SIGHUP: replacing the ${workers} workers, one at a time`);
      try {
        await pool.restart();
        say("reloaded", { workers }, `SIGHUP: ${workers} workers replaced; serving`);
      } catch (error) {
        say(
          "reload-failed",
          { error: (error as Error).message },
          `SIGHUP: reload failed (${(error as Error).message}); the previous workers keep serving`,
        );
      }
      return;
    }
    if (usersFile === undefined) {
      say("reloaded", { users: 0 }, "SIGHUP: no --users file to reload; serving");
      return;
    }
    try {
      users = await loadUsers();
      say(
        "reloaded",
        { users: users.length },
        `SIGHUP: ${users.length} users entries from ${usersFile}; serving`,
      );
    } catch (error) {
      say(
        "reload-failed",
        { error: (error as Error).message },
        `SIGHUP: reload failed (${
          (error as Error).message
        }); the ${users.length} users entries loaded before stay`,
      );
    }
  };
  const disposeHangUp = onSignal("SIGHUP", () => {
    reloading = reloading.then(reload);
  });

  const signal = await stopped;
  let stats: ServerStats;
  try {
    disposeHangUp();
    await reloading;
    if (pool !== undefined) stats = await pool.close();
    else {
      await single!.close();
      stats = single!.stats();
    }
  } finally {
    dispose();
  }
  if (json) out(JSON.stringify({ event: "stopped", signal, stats, workers }));
  else {
    const drops = Object.entries(stats.droppedBy).filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${why}`);
    out(
      `radkit serve: stopped (${signal}): received ${stats.received}, replied ${stats.replied}, ` +
        `resent ${stats.resent}, dropped ${stats.dropped}${
          drops.length > 0 ? ` (${drops.join(", ")})` : ""
        }${pool === undefined ? "" : `; ${workers} workers`}`,
    );
  }
  return 0;
}

/** `--sockets reuseport|shared`, or `undefined` for the default. */
function socketsFlag(text: string | undefined): SocketSharing | undefined {
  if (text === undefined) return undefined;
  const mode = text.toLowerCase();
  if (mode === "reuseport") return "reusePort";
  if (mode === "shared") return "shared";
  throw new UsageError(`Invalid --sockets "${text}": use reuseport or shared`);
}
