/**
 * `radkit serve`: a demo RADIUS server on the radkit `Server`. Users and
 * their reply attributes come from a FreeRADIUS-style `users` file (PAP and
 * CHAP); accounting, CoA and Disconnect requests are acknowledged; every
 * request is logged on one line; SIGINT/SIGTERM stop it and print counters.
 *
 * @module
 */
import {
  type Address,
  Code,
  Packet,
  type PortName,
  type RequestContext,
  Server,
} from "../../mod.ts";
import { formatAddress } from "../address.ts";
import { unmapIPv4 } from "../server/nas_table.ts";
import { addAttributes } from "./args.ts";
import { loadDictionary } from "./dictionary.ts";
import { UsageError } from "./errors.ts";
import { integerFlag, listFlag, parseFlags, requiredFlag, stringFlag } from "./flags.ts";
import { formatAttribute, packetJson } from "./output.ts";
import { err, onStopSignal, out, readText, udp } from "./runtime.ts";
import { authorize, checkReplyItems, parseUsers, type UserEntry } from "./users_file.ts";

/** `radkit serve --help`. */
export const SERVE_HELP: string =
  `Run a demo RADIUS server: users from a FreeRADIUS-style users file (PAP, CHAP),
accounting, CoA and Disconnect answered with an ACK, one log line per request.

Usage:
  radkit serve --secret S [--users FILE] [options]

Options:
  --host H              The address to listen on (default 127.0.0.1; 0.0.0.0 or :: for
                        every interface).
  --auth-port P         Authentication port (default 1812; 0 picks a free one).
  --acct-port P         Accounting port (default 1813; 0 picks a free one).
  --coa-port P          CoA / Disconnect port (default 3799; 0 picks a free one).
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
  --json                Log JSON lines instead of text.
  --show-secrets        Log secret values (User-Password, CHAP, MS-CHAP and EAP challenges
                        and responses, ...) instead of <hidden, N bytes>. Not for production.
  -h, --help            Show this help.

Users file:
  bob     Cleartext-Password := "hello"
          Reply-Message := "Hello, bob",
          Framed-IP-Address = 192.0.2.10

  DEFAULT Auth-Type := Reject
          Reply-Message = "Denied"

  A user name (or DEFAULT) with check items, then indented reply items. Check items:
  Cleartext-Password := "...", Auth-Type := Accept|Reject, Attr == value, Attr != value.
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

function summary(packet: Packet, hideSecrets: boolean): string {
  const parts = packet.attributes()
    .filter((attribute) => attribute.name !== "Message-Authenticator")
    .map((attribute) => formatAttribute(attribute, hideSecrets));
  return parts.length === 0 ? "" : ` [${parts.join(", ")}]`;
}

/**
 * Logs one request and its reply on one line (text or JSON). Secret values,
 * CHAP, MS-CHAP and EAP challenges and responses among them (enough for an
 * offline attack on the password), are hidden unless `showSecrets`.
 */
function logger(json: boolean, showSecrets: boolean) {
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

function port(flags: Parameters<typeof integerFlag>[0], name: string, fallback: number): number {
  return integerFlag(flags, name, fallback, 0, 65535);
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
    secret: { type: "string" },
    users: { type: "string" },
    dict: { type: "string", multiple: true },
    "no-require-message-authenticator": { type: "boolean" },
    json: { type: "boolean" },
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
  const json = flags.values.json === true;
  const { dictionary } = await loadDictionary(listFlag(flags, "dict"));

  let users: UserEntry[] = [];
  const usersFile = stringFlag(flags, "users");
  if (usersFile !== undefined) {
    let text: string;
    try {
      text = await readText(usersFile);
    } catch (error) {
      throw new UsageError(`Cannot read --users "${usersFile}": ${(error as Error).message}`);
    }
    users = parseUsers(text, usersFile);
    checkReplyItems(users, Packet.create(Code.AccessRequest, dictionary), usersFile);
  }

  const log = logger(json, flags.values["show-secrets"] === true);
  const requireMessageAuthenticator = flags.values["no-require-message-authenticator"] !== true;
  const server = new Server({
    transport: udp(),
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
      const decision = authorize(users, request);
      const reply = request.reply(decision.code);
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

  let dispose = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    dispose = onStopSignal(resolve);
  });
  let bound;
  try {
    bound = await server.listen({ hostname: host, ...ports });
  } catch (error) {
    dispose();
    await server.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot listen on ${host} (${message}): choose other ports with --auth-port, --acct-port and --coa-port (0 picks free ones)`,
      { cause: error },
    );
  }
  const listening: Partial<Record<PortName, string>> = {};
  for (const name of ["auth", "acct", "coa"] as const) {
    const address = bound[name];
    if (address !== undefined) listening[name] = where(address);
  }
  if (json) out(JSON.stringify({ event: "listening", ...listening }));
  else {
    out(
      `radkit serve: listening on auth ${listening.auth}, acct ${listening.acct}, coa ${listening.coa}` +
        ` for any client with the secret; ${
          usersFile === undefined
            ? "no --users file, so every Access-Request is rejected"
            : `${users.length} users entries from ${usersFile}`
        }; Ctrl-C stops`,
    );
  }

  const signal = await stopped;
  try {
    await server.close();
  } finally {
    dispose();
  }
  const stats = server.stats();
  if (json) out(JSON.stringify({ event: "stopped", signal, stats }));
  else {
    const drops = Object.entries(stats.droppedBy).filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${why}`);
    out(
      `radkit serve: stopped (${signal}): received ${stats.received}, replied ${stats.replied}, ` +
        `resent ${stats.resent}, dropped ${stats.dropped}${
          drops.length > 0 ? ` (${drops.join(", ")})` : ""
        }`,
    );
  }
  return 0;
}
