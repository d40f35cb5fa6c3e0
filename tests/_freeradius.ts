// Starts a real FreeRADIUS 3.2 server for interop tests, from the minimal
// configuration in tests/freeradius/raddb, on free high ports of 127.0.0.1
// and ::1. The client entry's secret is "testing123"; users bob/hello (by
// Cleartext-Password) and carol/carolpass (by NT-Password only), for PAP,
// CHAP (bob), MS-CHAP v1 and v2 (both), and EAP through its eap module:
// MD5-Challenge proposed first, GTC and MSCHAPv2 after a Nak.
// On request it also listens for RADIUS over TLS (RFC 6614) and over TCP
// (RFC 6613) on 127.0.0.1, and proxies the realms tls.test and tcp.test to
// home servers over TLS and TCP (tests/freeradius/raddb/stream/); and it
// adds EAP-TLS to its eap module (tests/freeradius/raddb/eap/).
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./_free_port.ts";
import { peers } from "./_peers.ts";
import { SpawnError, startDaemon } from "./_daemon.ts";

const template = fileURLToPath(new URL("./freeradius/raddb", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/tls", import.meta.url));

/** The secret of the `localhost` client entry in the test configuration. */
export const FREERADIUS_SECRET = "testing123";

/** The shared secret on the TLS listener and of the TLS home server (RFC 6614 §2.3). */
export const FREERADIUS_TLS_SECRET = "radsec";

/** A running FreeRADIUS test server. */
export interface FreeRadius {
  readonly authPort: number;
  readonly acctPort: number;
  /**
   * The RADIUS/TLS port (authentication and accounting) when started with
   * `tls: true`: mutual TLS, server.pem presented, clients' certificates
   * checked against ca.pem (tests/fixtures/tls), secret "radsec".
   */
  readonly tlsPort?: number;
  /**
   * The RADIUS/TCP port (authentication and accounting) when started with
   * `tcp: true`; secret "testing123".
   */
  readonly tcpPort?: number;
  /** The server process (for its CPU time in benchmarks). */
  readonly pid: number | undefined;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
  /** Stops the server and removes its temporary configuration. */
  stop(): Promise<void>;
}

/**
 * A home server FreeRADIUS proxies a realm to. FreeRADIUS strips the realm:
 * the home server sees `User-Name = "bob"` for "bob@tls.test".
 */
export interface HomeServer {
  readonly port: number;
  /** An IP address; 127.0.0.1 unless given. */
  readonly host?: string;
  /** "radsec" for TLS, "testing123" for TCP unless given. */
  readonly secret?: string;
}

/** Options of {@linkcode startFreeRadius}. */
export interface StartOptions {
  /**
   * The server binary, by path: the one `tests/_peers.ts` checks for. Not
   * looked up on PATH, which for a non-root Debian user lacks /usr/sbin.
   */
  readonly command?: string;
  /**
   * A configuration directory to copy instead of tests/freeradius/raddb,
   * with the same @PLACEHOLDERS@.
   */
  readonly template?: string;
  /** Also listen for RADIUS over TLS (RFC 6614): see {@linkcode FreeRadius.tlsPort}. */
  readonly tls?: boolean;
  /** Also listen for RADIUS over TCP (RFC 6613): see {@linkcode FreeRadius.tcpPort}. */
  readonly tcp?: boolean;
  /**
   * Proxy requests for "…@tls.test" (authentication and accounting) over
   * RadSec to this home server, presenting nas1.pem and checking its
   * certificate against ca.pem. FreeRADIUS connects when the first request
   * comes; a home server it cannot reach then is dead to it for 300 s
   * (revive_interval): start the home server first.
   */
  readonly tlsHomeServer?: HomeServer;
  /** Proxy requests for "…@tcp.test" over RADIUS/TCP to this home server. */
  readonly tcpHomeServer?: HomeServer;
  /**
   * Add EAP-TLS (RFC 5216, RFC 9190; TLS 1.2 and 1.3), PEAP and EAP-TTLS
   * (their inner methods in the eap-inner server) to the eap module:
   * server.pem presented, peers' certificates checked against ca.pem.
   */
  readonly eapTls?: boolean;
}

/**
 * Starts FreeRADIUS (`/usr/sbin/freeradius -f -l stdout -d <copy>`) and
 * resolves once it prints "Ready to process requests". Rejects with its log
 * if it exits first, and at once, naming the binary, if it cannot be run.
 */
export async function startFreeRadius(options: StartOptions = {}): Promise<FreeRadius> {
  const command = options.command ?? peers.freeradius.path;
  const from = options.template ?? template;
  const parts = streamParts(options);
  for (const part of parts) {
    if (!existsSync(join(from, `${part}.conf`))) {
      throw new Error(
        `${from} has no ${part}.conf: copy ${part}.conf from tests/freeradius/raddb/ and the ` +
          "$-INCLUDE lines of its radiusd.conf into the template",
      );
    }
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(command, from, parts, options);
    } catch (error) {
      if (error instanceof SpawnError) throw error;
      lastError = error; // most likely a port taken between probe and bind
    }
  }
  throw lastError;
}

/**
 * The optional files (stream/…, eap/…) the options ask for; radiusd.conf
 * includes them by their base name from enabled/.
 */
function streamParts(options: StartOptions): string[] {
  const parts: string[] = [];
  if (options.tls) parts.push("listen_tls");
  if (options.tcp) parts.push("listen_tcp");
  if (options.tlsHomeServer || options.tcpHomeServer) {
    parts.push("proxy", "realm_module", "realm_lookup");
  }
  if (options.tlsHomeServer) parts.push("home_tls");
  if (options.tcpHomeServer) parts.push("home_tcp");
  return [
    ...parts.map((part) => `stream/${part}`),
    ...(options.eapTls ? ["eap/eap_tls", "eap/eap_inner"] : []),
  ];
}

async function startOnce(
  command: string,
  template: string,
  parts: readonly string[],
  options: StartOptions,
): Promise<FreeRadius> {
  const authPort = await freePort(["udp4", "udp6"]);
  const acctPort = await freePort(["udp4", "udp6"]);
  const tlsPort = options.tls ? await freePort(["tcp4"]) : undefined;
  const tcpPort = options.tcp ? await freePort(["tcp4"]) : undefined;

  const dir = mkdtempSync(join(tmpdir(), "radkit-freeradius-"));
  const confDir = join(dir, "raddb");
  const runDir = join(dir, "run");
  cpSync(template, confDir, { recursive: true });
  mkdirSync(runDir);
  const { tlsHomeServer, tcpHomeServer } = options;
  const values: Record<string, string> = {
    "@CONFDIR@": confDir,
    "@RUNDIR@": runDir,
    "@AUTH_PORT@": String(authPort),
    "@ACCT_PORT@": String(acctPort),
    "@TLS_PORT@": String(tlsPort),
    "@TCP_PORT@": String(tcpPort),
    "@TCP_SECRET@": FREERADIUS_SECRET,
    "@TLS_HOME_HOST@": tlsHomeServer?.host ?? "127.0.0.1",
    "@TLS_HOME_PORT@": String(tlsHomeServer?.port),
    "@TLS_HOME_SECRET@": tlsHomeServer?.secret ?? FREERADIUS_TLS_SECRET,
    "@TCP_HOME_HOST@": tcpHomeServer?.host ?? "127.0.0.1",
    "@TCP_HOME_PORT@": String(tcpHomeServer?.port),
    "@TCP_HOME_SECRET@": tcpHomeServer?.secret ?? FREERADIUS_SECRET,
  };
  const fill = (file: string, into: string) => {
    let text = readFileSync(file, "utf8");
    for (const [placeholder, value] of Object.entries(values)) {
      text = text.replaceAll(placeholder, value);
    }
    writeFileSync(into, text);
  };
  fill(join(confDir, "radiusd.conf"), join(confDir, "radiusd.conf"));
  const subdirs = [dir, confDir, runDir];
  if (parts.length > 0) {
    const enabled = join(confDir, "enabled");
    const certs = join(confDir, "certs");
    mkdirSync(enabled);
    mkdirSync(certs);
    for (const part of parts) {
      fill(join(confDir, `${part}.conf`), join(enabled, `${basename(part)}.conf`));
    }
    // FreeRADIUS may run as another user (freerad): the test keys are
    // readable by all, they protect nothing.
    for (const name of ["ca.pem", "server.pem", "server.key", "nas1.pem", "nas1.key"]) {
      copyFileSync(join(fixtures, name), join(certs, name));
      chmodSync(join(certs, name), 0o644);
    }
    subdirs.push(enabled, certs);
  }
  // The configuration has no `user =`, so FreeRADIUS keeps the uid that
  // started it; it still refuses a world-writable configuration directory.
  for (const sub of subdirs) chmodSync(sub, 0o755);

  const daemon = await startDaemon({
    name: "FreeRADIUS",
    command,
    args: ["-f", "-l", "stdout", "-d", confDir],
    ready: (output) => output.includes("Ready to process requests"),
    dir,
  });

  return {
    authPort,
    acctPort,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    ...(tcpPort === undefined ? {} : { tcpPort }),
    pid: daemon.child.pid,
    log: daemon.output,
    stop: daemon.stop,
  };
}
