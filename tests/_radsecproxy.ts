// Starts a real radsecproxy (1.9, Debian) for interop tests: listeners for
// RADIUS over UDP, TCP (RFC 6613) and TLS (RFC 6614) on free high ports of
// 127.0.0.1, each taking requests from 127.0.0.1 only, and every request
// (realm "*") forwarded to the servers given, in fail-over order.
// Certificates come from tests/fixtures/tls: radsecproxy presents server.pem
// and checks its peers against ca.pem, on both sides.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./_free_port.ts";
import { peers } from "./_peers.ts";
import { SpawnError, startDaemon } from "./_daemon.ts";

const fixtures = fileURLToPath(new URL("./fixtures/tls", import.meta.url));

/** The shared secret of radsecproxy's UDP and TCP clients unless given. */
export const RADSECPROXY_SECRET = "testing123";

/** The RadSec shared secret (RFC 6614 §2.3), radsecproxy's default for TLS. */
export const RADSEC_SECRET = "radsec";

/** A server radsecproxy forwards requests to. */
export interface RadsecproxyServer {
  /** How radsecproxy talks to it. */
  readonly type: "udp" | "tcp" | "tls";
  readonly port: number;
  /**
   * UDP only: where accounting goes when not to `port` (FreeRADIUS listens
   * for it on its own UDP port). TCP and TLS servers take both on `port`.
   */
  readonly accountingPort?: number;
  /** An IP address; 127.0.0.1 unless given. */
  readonly host?: string;
  /** "radsec" for TLS, {@linkcode RADSECPROXY_SECRET} otherwise, unless given. */
  readonly secret?: string;
  /** radsecproxy's `StatusServer`: off unless given (`true` is "on"). */
  readonly statusServer?: boolean | "minimal" | "auto";
  /**
   * TLS only: require the server's certificate to name its `host` (CN or
   * subjectAltName). On unless given; server.pem names 127.0.0.1 and ::1.
   */
  readonly certificateNameCheck?: boolean;
}

/** A listener's clients: all from 127.0.0.1. */
export interface RadsecproxyListener {
  /** "radsec" for TLS, {@linkcode RADSECPROXY_SECRET} otherwise, unless given. */
  readonly secret?: string;
  /**
   * TLS only: require the client's certificate to name 127.0.0.1 (CN or
   * subjectAltName, as nas1.pem does). On unless given.
   */
  readonly certificateNameCheck?: boolean;
}

/** What {@linkcode startRadsecproxy} configures. */
export interface RadsecproxyConfig {
  /** Listen for RADIUS/UDP (ListenUDP). */
  readonly udp?: boolean | RadsecproxyListener;
  /** Listen for RADIUS/TCP (ListenTCP). */
  readonly tcp?: boolean | RadsecproxyListener;
  /** Listen for RadSec with mutual TLS (ListenTLS). */
  readonly tls?: boolean | RadsecproxyListener;
  /** Where every request goes: the first server, the next ones when it is down. */
  readonly servers: readonly RadsecproxyServer[];
  /** radsecproxy's own certificate, its key and the CA it trusts (PEM file paths). */
  readonly certificates?: { readonly cert: string; readonly key: string; readonly ca: string };
  /** 1 (errors) to 5 (everything); 4 unless given. */
  readonly logLevel?: 1 | 2 | 3 | 4 | 5;
  /**
   * Resolve only once every TCP and TLS server is connected (radsecproxy
   * connects at start, then retries with growing pauses: start the servers
   * first). True unless given.
   */
  readonly waitForServers?: boolean;
  /** The binary; the one `tests/_peers.ts` checks for unless given. */
  readonly command?: string;
}

/** A running radsecproxy. */
export interface Radsecproxy {
  readonly udpPort?: number;
  readonly tcpPort?: number;
  readonly tlsPort?: number;
  readonly pid: number | undefined;
  /** The configuration file it runs (for failure messages). */
  readonly config: string;
  /** Everything it logged so far. */
  log(): string;
  /** Stops it and removes its temporary configuration. */
  stop(): Promise<void>;
}

/**
 * Starts `radsecproxy -f -c <conf>` (logging to stderr) and resolves once
 * it listens on every port, and by default once it is connected to every
 * TCP and TLS server. Rejects with its log when it exits or is not ready in
 * 15 s; retries on new ports when one was taken.
 */
export async function startRadsecproxy(config: RadsecproxyConfig): Promise<Radsecproxy> {
  if (!config.udp && !config.tcp && !config.tls) {
    throw new Error("startRadsecproxy needs a listener: udp, tcp or tls");
  }
  if (config.servers.length === 0) {
    throw new Error("startRadsecproxy needs at least one server to forward to");
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(config);
    } catch (error) {
      if (error instanceof SpawnError) throw error;
      lastError = error; // a port taken between probe and bind
    }
  }
  throw lastError;
}

interface Ports {
  readonly udp: number | undefined;
  readonly tcp: number | undefined;
  readonly tls: number | undefined;
}

async function startOnce(config: RadsecproxyConfig): Promise<Radsecproxy> {
  const ports: Ports = {
    udp: config.udp ? await freePort(["udp4"]) : undefined,
    tcp: config.tcp ? await freePort(["tcp4"]) : undefined,
    tls: config.tls ? await freePort(["tcp4"]) : undefined,
  };
  const dir = mkdtempSync(join(tmpdir(), "radkit-radsecproxy-"));
  const confFile = join(dir, "radsecproxy.conf");
  const text = configText(config, ports);
  writeFileSync(confFile, text);

  const command = config.command ?? peers.radsecproxy.path;
  const awaited = readyLines(config, ports);
  const daemon = await startDaemon({
    name: "radsecproxy",
    command,
    args: ["-f", "-c", confFile, "-d", String(config.logLevel ?? 4)],
    ready: (output) => awaited.every((line) => line.test(output)),
    dir,
    describe: (output) => {
      const missing = awaited.filter((line) => !line.test(output)).map(String).join(", ");
      return `${missing === "" ? "" : `(not in its log: ${missing})\n`}--- ${confFile}:\n${text}`;
    },
    // Only a port taken between probe and bind is worth another try.
    error: (message, output, how) =>
      how === "exited" && /bind failed/.test(output) ? new Error(message) : new SpawnError(message),
  });

  return {
    ...(ports.udp === undefined ? {} : { udpPort: ports.udp }),
    ...(ports.tcp === undefined ? {} : { tcpPort: ports.tcp }),
    ...(ports.tls === undefined ? {} : { tlsPort: ports.tls }),
    pid: daemon.child.pid,
    config: text,
    log: daemon.output,
    stop: daemon.stop,
  };
}

/** The log lines that show radsecproxy ready (it prints them at every level). */
function readyLines(config: RadsecproxyConfig, ports: Ports): RegExp[] {
  const lines: RegExp[] = [];
  for (const kind of ["udp", "tcp", "tls"] as const) {
    const port = ports[kind];
    if (port !== undefined) {
      lines.push(new RegExp(`createlistener: listening for ${kind} on 127\\.0\\.0\\.1:${port}\\b`));
    }
  }
  if (config.waitForServers ?? true) {
    config.servers.forEach((server, index) => {
      // "TLS connection to s0 (…), subject CN=… up", "TCP connection to server s0 (…) up"
      if (server.type !== "udp") {
        lines.push(
          new RegExp(`${server.type.toUpperCase()} connection to (server )?s${index} .* up$`, "m"),
        );
      }
    });
  }
  return lines;
}

/** radsecproxy.conf(5) for the configuration, with realm "*" to the servers. */
function configText(config: RadsecproxyConfig, ports: Ports): string {
  const certificates = config.certificates ?? {
    cert: join(fixtures, "server.pem"),
    key: join(fixtures, "server.key"),
    ca: join(fixtures, "ca.pem"),
  };
  const lines: string[] = [
    "# Written by tests/_radsecproxy.ts.",
    // Requests may come back to a server named like their client.
    "LoopPrevention off",
  ];
  if (ports.udp !== undefined) lines.push(`ListenUDP 127.0.0.1:${ports.udp}`);
  if (ports.tcp !== undefined) lines.push(`ListenTCP 127.0.0.1:${ports.tcp}`);
  if (ports.tls !== undefined) lines.push(`ListenTLS 127.0.0.1:${ports.tls}`);
  // One TLS block for both sides: "default" serves clients and servers.
  lines.push(
    "",
    "tls default {",
    `\tCACertificateFile ${quote(certificates.ca)}`,
    `\tCertificateFile ${quote(certificates.cert)}`,
    `\tCertificateKeyFile ${quote(certificates.key)}`,
    "}",
  );

  for (const kind of ["udp", "tcp", "tls"] as const) {
    const listener = config[kind];
    if (!listener) continue;
    const options = listener === true ? {} : listener;
    lines.push(
      "",
      `client ${kind}_clients {`,
      "\thost 127.0.0.1",
      `\ttype ${kind}`,
      `\tsecret ${quote(options.secret ?? (kind === "tls" ? RADSEC_SECRET : RADSECPROXY_SECRET))}`,
    );
    if (kind === "tls") {
      lines.push(`\tCertificateNameCheck ${onOff(options.certificateNameCheck ?? true)}`);
    }
    lines.push("}");
  }

  const authServers: string[] = [];
  const accountingServers: string[] = [];
  config.servers.forEach((server, index) => {
    const name = `s${index}`;
    const secret = server.secret ?? (server.type === "tls" ? RADSEC_SECRET : RADSECPROXY_SECRET);
    const block = (blockName: string, port: number) => {
      lines.push(
        "",
        `server ${blockName} {`,
        `\thost ${server.host ?? "127.0.0.1"}`,
        `\tport ${port}`,
        `\ttype ${server.type}`,
        `\tsecret ${quote(secret)}`,
        `\tStatusServer ${statusServer(server.statusServer)}`,
      );
      if (server.type === "tls") {
        lines.push(`\tCertificateNameCheck ${onOff(server.certificateNameCheck ?? true)}`);
      }
      lines.push("}");
    };
    block(name, server.port);
    authServers.push(name);
    if (server.type === "udp" && server.accountingPort !== undefined) {
      block(`${name}_acct`, server.accountingPort);
      accountingServers.push(`${name}_acct`);
    } else {
      accountingServers.push(name);
    }
  });

  lines.push(
    "",
    "realm * {",
    ...authServers.map((name) => `\tserver ${name}`),
    ...accountingServers.map((name) => `\taccountingServer ${name}`),
    "}",
    "",
  );
  return lines.join("\n");
}

function statusServer(value: RadsecproxyServer["statusServer"]): string {
  return value === true ? "on" : value === false || value === undefined ? "off" : value;
}

function onOff(value: boolean): string {
  return value ? "on" : "off";
}

/** A value in double quotes (radsecproxy.conf(5)); `%` and `"` written in hex. */
function quote(value: string): string {
  return `"${value.replaceAll("%", "%25").replaceAll('"', "%22")}"`;
}
