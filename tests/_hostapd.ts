// Runs hostapd as a RADIUS server with its integrated EAP server
// (driver=none, eap_server=1): an EAP implementation independent of radkit's.
// It binds its RADIUS port on every address; its clients file admits
// 127.0.0.1 alone.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./_free_port.ts";
import { peers } from "./_peers.ts";

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
}

class SpawnError extends Error {}

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
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(peers.hostapd.path, ["-d", conf], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const cleanup = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`hostapd did not start within 15 s:\n${output}`));
    }, 15000);
    const onData = (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      if (output.includes("AP-ENABLED")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hostapd exited with ${code} before it was ready:\n${output}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new SpawnError(`Cannot run hostapd (${peers.hostapd.path}): ${error.message}`));
    });
  }).catch(async (error) => {
    await cleanup();
    throw error;
  });
  return { port, log: () => output, stop: cleanup };
}
