// The servers the load benchmarks measure, each in its own process tree:
// `radkit serve` (bin/radkit.mjs) on Deno, Bun or Node, and FreeRADIUS 3.2
// (tests/_freeradius.ts: the `files` configuration of the interop tests,
// thread pool). Both answer bob/hello from the same users file
// (tests/freeradius/raddb/users) with an Access-Accept, secret "testing123",
// and require a Message-Authenticator in Access-Requests.
//
// A contender is a list of command-line arguments, so that a new one (say
// `radkit serve --workers 2`) is one line in the caller's list. With `tls`
// both also listen for RADIUS over TLS (RFC 6614) on 127.0.0.1: mutual TLS
// with the test PKI (tests/fixtures/tls: server.pem presented, clients'
// certificates checked against ca.pem), secret "radsec". Linux only: CPU
// time and RSS come from /proc, pinning from taskset(1).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import { addCleanup, repoPath, type Runtime, runtimeCommand } from "./_proc.ts";
import { runRadload } from "./_radload.ts";
import { FREERADIUS_TLS_SECRET, startFreeRadius } from "../tests/_freeradius.ts";

/** The shared secret every benchmark server uses over UDP. */
export const SECRET = "testing123";
/** The shared secret over TLS (RFC 6614 §2.3); `radkit serve` uses it over UDP too then. */
export const TLS_SECRET: string = FREERADIUS_TLS_SECRET;
/** The test PKI: the NAS's certificate and key, and the CA the server's chains to. */
export const NAS_TLS: { cert: string; key: string; ca: string } = {
  cert: repoPath("tests/fixtures/tls/nas1.pem"),
  key: repoPath("tests/fixtures/tls/nas1.key"),
  ca: repoPath("tests/fixtures/tls/ca.pem"),
};
const SERVER_TLS = {
  cert: repoPath("tests/fixtures/tls/server.pem"),
  key: repoPath("tests/fixtures/tls/server.key"),
  ca: repoPath("tests/fixtures/tls/ca.pem"),
};
/** The users file both radkit serve and FreeRADIUS read (bob/hello is accepted). */
export const USERS_FILE: string = repoPath("tests/freeradius/raddb/users");

/**
 * The runtime flags `radkit serve` runs with in the benchmarks, as README's
 * "Memory" recommends for a long-running server: on the V8 runtimes (Deno,
 * Node.js), the young generation capped at 4 MiB semi-spaces, else it grows
 * to its maximum (16 MiB semi-spaces) under sustained load. Bun's `--smol`
 * was measured to change nothing here. bench/server_bench.ts also measures
 * each flagged runtime without its flags.
 */
export const SERVER_RUNTIME_FLAGS: Readonly<Record<Runtime, readonly string[]>> = {
  deno: ["--v8-flags=--max-semi-space-size=4"],
  bun: [],
  node: ["--max-semi-space-size=4"],
};

/** One server to measure. */
export interface ServerSpec {
  /** A short unique key, e.g. "freeradius", "bun", "bun-workers-2". */
  id: string;
  /** What the report calls it, e.g. "radkit serve on Bun 1.4.5". */
  name: string;
  kind: "freeradius" | "radkit";
  /** The runtime running `radkit serve`. */
  runtime?: Runtime;
  /** Extra `radkit serve` arguments, e.g. ["--workers", "2"]. */
  args?: readonly string[];
  /** Flags for the runtime running `radkit serve`, e.g. ["--v8-flags=--max-semi-space-size=4"]. */
  runtimeFlags?: readonly string[];
  /** A FreeRADIUS configuration template instead of tests/freeradius/raddb. */
  template?: string;
  /** Also listen for RADIUS over TLS (see {@linkcode RunningServer.tls}). */
  tls?: boolean;
}

/** A started server. */
export interface RunningServer {
  readonly spec: ServerSpec;
  /** Its authentication port on 127.0.0.1. */
  readonly port: number;
  /** The shared secret on `port`. */
  readonly secret: string;
  /** With `spec.tls`: its RADIUS/TLS port on 127.0.0.1 (mutual TLS, {@linkcode NAS_TLS}). */
  readonly tls?: { readonly port: number; readonly secret: string };
  /** The process the benchmark started (the root of its process tree). */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Every process of the tree rooted at `pid` (itself first), from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The fields after the command name (which may hold spaces), ppid first after the state.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    clockTicks = Number(result.stdout?.trim()) || 100;
  }
  return clockTicks;
}

/** User + system CPU seconds of the whole tree (every thread of every process), from /proc. */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime: fields 14 and 15 of proc(5), 11 and 12 after the command name.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / ticksPerSecond();
}

/** Memory of a process tree, from /proc/<pid>/status and smaps_rollup. */
export interface TreeMemory {
  /** Sum of VmRSS over the processes, bytes. */
  rss: number;
  /** Sum of Pss (shared pages split between the processes that map them), bytes; 0 if unknown. */
  pss: number;
  /** Sum of VmHWM (peak RSS) over the processes, bytes. */
  peak: number;
  processes: number;
}

/** RSS, PSS and peak RSS of the whole tree rooted at `pid`. */
export function treeMemory(pid: number): TreeMemory {
  const memory = { rss: 0, pss: 0, peak: 0, processes: 0 };
  for (const member of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${member}/status`, "utf8");
      memory.rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      memory.peak += Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      memory.processes++;
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, "utf8");
      memory.pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // exited meanwhile, or no smaps_rollup
    }
  }
  return memory;
}

/**
 * Sets the CPU affinity of every thread of every process in the tree
 * (`taskset -a -p -c CPUS`); threads and processes started later inherit it
 * from their parent.
 */
export function pinTree(pid: number, cpus: string): void {
  for (const member of processTree(pid)) {
    const result = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(member)], {
      encoding: "utf8",
    });
    if (result.status !== 0 && result.error) {
      throw new Error(`taskset failed (${result.error.message}): apt-get install util-linux`);
    }
  }
}

/** A UDP port of 127.0.0.1 free a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** `radkit serve --help` on a runtime (to see which flags this checkout has). */
export function serveHelp(runtime: Runtime): string {
  const [command, args] = runtimeCommand(runtime, "bin/radkit.mjs", ["serve", "--help"]);
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  return `${result.stdout ?? ""}${result.stderr ?? ""}`;
}

/** True when `radkit serve` has a `--workers` flag. */
export function serveHasWorkers(runtime: Runtime): boolean {
  return /--workers\b/.test(serveHelp(runtime));
}

/** A TCP port of 127.0.0.1 free a moment ago. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until the server verifiably answers an Access-Request over TLS, or
 * `exited` rejects: a stream is never retransmitted, so the probe is run
 * again until the listener is up (30 s at most).
 */
async function readyTls(
  tls: { port: number; secret: string },
  exited: Promise<never>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const probe = runRadload({
        port: tls.port,
        transport: "tls",
        ...NAS_TLS,
        secret: tls.secret,
        inFlight: 1,
        count: 1,
        warmup: 0,
        duration: 10,
        timeout: 5000,
      });
      const result = await Promise.race([probe, exited]);
      if (result.accepted === 1) return;
      throw new Error(JSON.stringify(result));
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${what} did not accept bob/hello over TLS within 30 s: ${error}`);
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), exited]);
    }
  }
}

/** Waits until the server verifiably answers an Access-Request, or `exited` rejects. */
async function ready(
  port: number,
  exited: Promise<never>,
  what: string,
  secret = SECRET,
): Promise<void> {
  const probe = runRadload({
    port,
    secret,
    inFlight: 1,
    sockets: 1,
    count: 1,
    warmup: 0,
    duration: 30,
    timeout: 100,
    retries: 300,
  });
  const result = await Promise.race([probe, exited]);
  if (result.accepted !== 1) {
    throw new Error(`${what} did not accept bob/hello within 30 s: ${JSON.stringify(result)}`);
  }
}

/**
 * Starts `radkit serve` on `runtime` with the benchmark users file and
 * `spec.args`, its per-request log lines going to /dev/null. Tries three
 * times: a port found free may be taken before the server binds it.
 */
async function startRadkit(spec: ServerSpec): Promise<RunningServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startRadkitOnce(spec);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startRadkitOnce(spec: ServerSpec): Promise<RunningServer> {
  const auth = await freeUdpPort();
  const acct = await freeUdpPort();
  const coa = await freeUdpPort();
  const tlsPort = spec.tls ? await freeTcpPort() : undefined;
  // One secret for every port of `radkit serve`: "radsec" when it speaks TLS.
  const secret = spec.tls ? TLS_SECRET : SECRET;
  const tlsArgs = tlsPort === undefined ? [] : [
    "--tls-port",
    String(tlsPort),
    "--cert",
    SERVER_TLS.cert,
    "--key",
    SERVER_TLS.key,
    "--ca",
    SERVER_TLS.ca,
  ];
  const [command, args] = runtimeCommand(spec.runtime!, "bin/radkit.mjs", [
    "serve",
    "--secret",
    secret,
    "--users",
    USERS_FILE,
    "--host",
    "127.0.0.1",
    "--auth-port",
    String(auth),
    "--acct-port",
    String(acct),
    "--coa-port",
    String(coa),
    ...tlsArgs,
    ...(spec.args ?? []),
  ], spec.runtimeFlags);
  // stdout (one line per request) to /dev/null: reading it would load the machine.
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Uint8Array) => {
    stderr = (stderr + new TextDecoder().decode(chunk)).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once(
      "exit",
      (code, signal) =>
        reject(new Error(`${spec.name} exited (${code ?? signal}): ${stderr.trim()}`)),
    );
    child.once("error", reject);
  });
  exited.catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  };
  const remove = addCleanup(stop);
  const tls = tlsPort === undefined ? undefined : { port: tlsPort, secret };
  try {
    await ready(auth, exited, spec.name, secret);
    if (tls !== undefined) await readyTls(tls, exited, spec.name);
  } catch (error) {
    await stop();
    remove();
    throw error;
  }
  return {
    spec,
    port: auth,
    secret,
    ...(tls === undefined ? {} : { tls }),
    pid: child.pid!,
    stop: async () => {
      await stop();
      remove();
    },
  };
}

async function startFreeRadiusServer(spec: ServerSpec): Promise<RunningServer> {
  const server = await startFreeRadius({
    ...(spec.template ? { template: spec.template } : {}),
    ...(spec.tls ? { tls: true } : {}),
  });
  const remove = addCleanup(() => server.stop());
  const tls = server.tlsPort === undefined
    ? undefined
    : { port: server.tlsPort, secret: FREERADIUS_TLS_SECRET };
  try {
    const never = new Promise<never>(() => {});
    await ready(server.authPort, never, spec.name);
    if (tls !== undefined) await readyTls(tls, never, spec.name);
  } catch (error) {
    await server.stop();
    remove();
    throw error;
  }
  return {
    spec,
    port: server.authPort,
    secret: SECRET,
    ...(tls === undefined ? {} : { tls }),
    pid: server.pid!,
    stop: async () => {
      await server.stop();
      remove();
    },
  };
}

/** Starts a server and resolves once it answers bob/hello with a verified Access-Accept. */
export function startServer(spec: ServerSpec): Promise<RunningServer> {
  return spec.kind === "freeradius" ? startFreeRadiusServer(spec) : startRadkit(spec);
}
