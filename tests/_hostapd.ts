// Runs hostapd as a RADIUS server with its integrated EAP server
// (driver=none, eap_server=1): an EAP implementation independent of radkit's.
// It binds its RADIUS port on every address; its clients file admits
// 127.0.0.1 alone.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./_free_port.ts";
import { peers } from "./_peers.ts";
import { SpawnError, startDaemon } from "./_daemon.ts";

/** A running hostapd RADIUS server. */
export interface Hostapd {
  readonly port: number;
  /** What it printed so far (`-d`: its EAP server's debug lines). */
  log(): string;
  stop(): Promise<void>;
}

/** The options of one hostapd. */
export interface HostapdOptions {
  readonly secret: string;
  /** Lines of its eap_user file, e.g. `"bob" MD5,GTC,MSCHAPV2 "hello"`. */
  readonly users: readonly string[];
  /** Its EAP server's certificate, key and the CA it checks EAP-TLS peers against (paths to PEM files). */
  readonly tls?: HostapdTls;
}

/** The TLS settings of hostapd's EAP server. */
export interface HostapdTls {
  readonly caCert: string;
  readonly serverCert: string;
  readonly privateKey: string;
  /** Its `tls_flags`, e.g. `[ENABLE-TLSv1.3]` (hostapd 2.10 leaves TLS 1.3 off by default). */
  readonly flags?: string;
}

/** Starts hostapd and resolves once its interface (and RADIUS server) is up. */
export async function startHostapd(options: HostapdOptions): Promise<Hostapd> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (error instanceof SpawnError) throw error;
      lastError = error; // most likely a port taken between probe and bind
    }
  }
  throw lastError;
}

async function startOnce(options: HostapdOptions): Promise<Hostapd> {
  const port = await freePort(["udp4"]);
  const dir = mkdtempSync(join(tmpdir(), "radkit-hostapd-"));
  const conf = join(dir, "hostapd.conf");
  writeFileSync(join(dir, "eap_user"), options.users.join("\n") + "\n");
  writeFileSync(join(dir, "clients"), `127.0.0.1/32\t${options.secret}\n`);
  writeFileSync(
    conf,
    [
      "driver=none",
      "interface=radkit0",
      "logger_stdout=-1",
      "logger_stdout_level=0",
      "eap_server=1",
      `eap_user_file=${join(dir, "eap_user")}`,
      `radius_server_clients=${join(dir, "clients")}`,
      `radius_server_auth_port=${port}`,
      "radius_server_acct_port=0",
      ...(options.tls === undefined ? [] : [
        `ca_cert=${options.tls.caCert}`,
        `server_cert=${options.tls.serverCert}`,
        `private_key=${options.tls.privateKey}`,
        ...(options.tls.flags === undefined ? [] : [`tls_flags=${options.tls.flags}`]),
      ]),
      "",
    ].join("\n"),
  );
  const daemon = await startDaemon({
    name: "hostapd",
    command: peers.hostapd.path,
    // -K: key material in the debug output too, which the tests compare with their own.
    args: ["-d", "-K", conf],
    ready: (output) => output.includes("AP-ENABLED"),
    dir,
  });
  return { port, log: daemon.output, stop: daemon.stop };
}
