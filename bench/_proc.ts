// Child processes for the benchmarks: the pinned runtimes from
// node_modules/.bin (by absolute path), line-oriented stdout with `TAG {json}`
// lines, and a registry that kills every child on exit, also on failure.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

export type Runtime = "deno" | "bun" | "node";
export const RUNTIMES: readonly Runtime[] = ["deno", "bun", "node"];

/** Absolute path of a file of this repository. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * The command line that runs `script` (a repository path) on `runtime`,
 * with `runtimeFlags` for the runtime itself (e.g. Deno's `--v8-flags=...`).
 */
export function runtimeCommand(
  runtime: Runtime,
  script: string,
  args: readonly string[] = [],
  runtimeFlags: readonly string[] = [],
): [string, string[]] {
  const bin = repoPath(`node_modules/.bin/${runtime}`);
  const file = repoPath(script);
  if (runtime === "deno") {
    return [bin, ["run", "-A", "--unstable-net", ...runtimeFlags, file, ...args]];
  }
  return [bin, [...runtimeFlags, file, ...args]];
}

/** The runtime this code runs on. */
export function currentRuntime(): Runtime {
  if ("Deno" in globalThis) return "deno";
  if ("Bun" in globalThis) return "bun";
  return "node";
}

/** True when an executable exists. */
export function have(path: string): boolean {
  return existsSync(path);
}

const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<unknown> | unknown>();

/**
 * Registers a cleanup (e.g. stopping FreeRADIUS, which tests/_freeradius.ts
 * spawns itself) that also runs on SIGINT/SIGTERM; returns its remover.
 */
export function addCleanup(cleanup: () => Promise<unknown> | unknown): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function killAll(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
    const all = Promise.all([...cleanups].map(async (cleanup) => {
      try {
        await cleanup();
      } catch {
        // best effort
      }
    }));
    void Promise.race([all, timeout]).then(() => {
      killAll();
      process.exit(130);
    });
  });
}

/** A child process whose stdout is read as lines. */
export class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  #waiters: { tag: string; resolve: (json: unknown) => void; reject: (e: Error) => void }[] = [];
  #exited = false;
  #stderr = "";
  #onLine: ((line: string) => void) | undefined;

  constructor(
    command: string,
    args: readonly string[],
    options: { onLine?: (line: string) => void; stderr?: "inherit" | "pipe" } = {},
  ) {
    this.#onLine = options.onLine;
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", options.stderr ?? "pipe"] });
    children.add(this.child);
    let pending = "";
    this.child.stdout!.on("data", (chunk: Uint8Array) => {
      pending += new TextDecoder().decode(chunk);
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        this.#line(line);
      }
    });
    this.child.stderr?.on("data", (chunk: Uint8Array) => {
      this.#stderr = (this.#stderr + new TextDecoder().decode(chunk)).slice(-4000);
    });
    this.child.once("exit", (code, signal) => {
      this.#exited = true;
      children.delete(this.child);
      const error = new Error(
        `${command} ${args.join(" ")} exited (${code ?? signal}) ${this.#stderr.trim()}`,
      );
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    });
    this.child.once("error", (error) => {
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    });
  }

  #line(line: string): void {
    this.lines.push(line);
    this.#onLine?.(line);
    const space = line.indexOf(" ");
    const tag = space < 0 ? line : line.slice(0, space);
    const index = this.#waiters.findIndex((waiter) => waiter.tag === tag);
    if (index >= 0) {
      const [waiter] = this.#waiters.splice(index, 1);
      const rest = space < 0 ? "" : line.slice(space + 1);
      waiter!.resolve(rest === "" ? undefined : JSON.parse(rest));
    }
  }

  /** Resolves with the JSON of the next line starting with `tag`. */
  next<T>(tag: string, timeoutMs = 600_000): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`process exited: ${this.#stderr}`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${tag}`)), timeoutMs);
      this.#waiters.push({
        tag,
        resolve: (json) => {
          clearTimeout(timer);
          resolve(json as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Closes stdin, waits up to `graceMs` for the exit, then kills. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    try {
      this.child.stdin!.end();
    } catch {
      // ignore
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** A radkit server (or bare echo) on `runtime` in its own process. */
export async function startServerProcess(
  runtime: Runtime,
  mode: "radkit" | "echo",
  sampleMs = 0,
  onLine?: (line: string) => void,
): Promise<{ proc: Proc; port: number; pid: number }> {
  const [command, args] = runtimeCommand(runtime, "bench/_server_process.ts", [
    mode,
    String(sampleMs),
  ]);
  const proc = new Proc(command, args, onLine ? { onLine } : {});
  const ready = await proc.next<{ port: number; pid: number }>("READY", 60_000);
  return { proc, port: ready.port, pid: ready.pid };
}

/** The load generator (bench/server_load.ts on Node), once its pool is built. */
export async function startLoad(pool: number, onLine?: (line: string) => void): Promise<Proc> {
  const [command, args] = runtimeCommand("node", "bench/server_load.ts", [String(pool)]);
  const proc = new Proc(command, args, onLine ? { onLine } : {});
  await proc.next("READY", 300_000);
  return proc;
}

/** Result of one load job (see bench/server_load.ts). */
export interface LoadResult {
  replies: number;
  withMessageAuthenticator: number;
  bad: number;
  lost: number;
  sent: number;
  seconds: number;
  perSecond: number;
}

/** One job for the generator (bench/server_load.ts), sent as a JSON line. */
export interface LoadJob {
  port: number;
  seconds?: number;
  warmup?: number;
  concurrency?: number;
  expect?: "accept" | "echo";
  rate?: number;
  requests?: number;
  progressMs?: number;
}

/** Runs one job on the generator. */
export function runLoad(load: Proc, job: LoadJob): Promise<LoadResult> {
  const result = load.next<LoadResult>("RESULT", 3_600_000);
  load.write(JSON.stringify(job));
  return result;
}

/**
 * The kernel's system-wide count of UDP datagrams dropped because a socket's
 * receive buffer was full (RcvbufErrors in /proc/net/snmp), or undefined.
 */
export function udpReceiveBufferErrors(): number | undefined {
  try {
    const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) =>
      l.startsWith("Udp:")
    );
    const names = lines[0]!.trim().split(/\s+/);
    const values = lines[1]!.trim().split(/\s+/);
    const index = names.indexOf("RcvbufErrors");
    return index < 0 ? undefined : Number(values[index]);
  } catch {
    return undefined;
  }
}
