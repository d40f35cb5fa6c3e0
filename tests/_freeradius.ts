// Starts a real FreeRADIUS 3.2 server for interop tests, from the minimal
// configuration in tests/freeradius/raddb, on free high ports of 127.0.0.1
// and ::1. The client entry's secret is "testing123"; user bob/hello.
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { peers } from "./_peers.ts";

const template = fileURLToPath(new URL("./freeradius/raddb", import.meta.url));

/** The secret of the `localhost` client entry in the test configuration. */
export const FREERADIUS_SECRET = "testing123";

/** A running FreeRADIUS test server. */
export interface FreeRadius {
  readonly authPort: number;
  readonly acctPort: number;
  /** The server process (for its CPU time in benchmarks). */
  readonly pid: number | undefined;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
  /** Stops the server and removes its temporary configuration. */
  stop(): Promise<void>;
}

/** Asks the kernel for a currently free UDP port on both loopback families. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (await canBind(port, "udp4", "127.0.0.1") && await canBind(port, "udp6", "::1")) return port;
  }
  throw new Error("No free UDP port found on 127.0.0.1 and ::1");
}

function canBind(port: number, type: "udp4" | "udp6", address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(type);
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
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
}

/** A binary that could not be run at all: retrying cannot help. */
class SpawnError extends Error {}

/**
 * Starts FreeRADIUS (`/usr/sbin/freeradius -f -l stdout -d <copy>`) and
 * resolves once it prints "Ready to process requests". Rejects with its log
 * if it exits first, and at once, naming the binary, if it cannot be run.
 */
export async function startFreeRadius(options: StartOptions = {}): Promise<FreeRadius> {
  const command = options.command ?? peers.freeradius.path;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(command, options.template ?? template);
    } catch (error) {
      if (error instanceof SpawnError) throw error;
      lastError = error; // most likely a port taken between probe and bind
    }
  }
  throw lastError;
}

async function startOnce(command: string, template: string): Promise<FreeRadius> {
  const authPort = await freePort();
  let acctPort = await freePort();
  while (acctPort === authPort) acctPort = await freePort();

  const dir = mkdtempSync(join(tmpdir(), "radkit-freeradius-"));
  const confDir = join(dir, "raddb");
  const runDir = join(dir, "run");
  cpSync(template, confDir, { recursive: true });
  mkdirSync(runDir);
  const confFile = join(confDir, "radiusd.conf");
  writeFileSync(
    confFile,
    readFileSync(confFile, "utf8")
      .replaceAll("@CONFDIR@", confDir)
      .replaceAll("@RUNDIR@", runDir)
      .replaceAll("@AUTH_PORT@", String(authPort))
      .replaceAll("@ACCT_PORT@", String(acctPort)),
  );
  // The configuration has no `user =`, so FreeRADIUS keeps the uid that
  // started it; it still refuses a world-writable configuration directory.
  for (const sub of [dir, confDir, runDir]) chmodSync(sub, 0o755);

  const child: ChildProcess = spawn(command, ["-f", "-l", "stdout", "-d", confDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const cleanup = async () => {
    // A child that never started (spawn error) never emits "exit": Deno and
    // Bun leave its exitCode null, so waiting for it would hang the test.
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
      reject(new Error(`FreeRADIUS did not start within 15 s:\n${output}`));
    }, 15000);
    const onData = (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      if (output.includes("Ready to process requests")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`FreeRADIUS exited with ${code} before it was ready:\n${output}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new SpawnError(`Cannot run FreeRADIUS (${command}): ${error.message}`, { cause: error }),
      );
    });
  }).catch(async (error) => {
    await cleanup();
    throw error;
  });

  return { authPort, acctPort, pid: child.pid, log: () => output, stop: cleanup };
}
