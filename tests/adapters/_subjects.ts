// The transports the adapter tests run against on the runtime executing them,
// with what each can do, and a way to run a helper script as a child process
// on that same runtime.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { DatagramTransport } from "../../src/transport.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { udp as autoUdp } from "../../adapters/auto.ts";
import { udp as bunUdp } from "../../adapters/bun.ts";
import { udp as denoUdp } from "../../adapters/deno.ts";
import { udp as nodeUdp } from "../../adapters/node.ts";
import { runtime } from "../_udp.ts";

export { runtime };

/** What a bind that asks for buffer sizes does. */
export type BufferSizeSupport =
  /** Sets SO_RCVBUF/SO_SNDBUF; `bufferSizes()` reports what the kernel granted. */
  | "kernel"
  /** Rejects with code "ENOTSUP". */
  | "unsupported"
  /** Accepts anything and reports it as asked (the in-memory network). */
  | "as-asked";

export interface Subject {
  readonly name: string;
  readonly transport: () => DatagramTransport;
  readonly bufferSizes: BufferSizeSupport;
  /** Whether a socket bound without sizes has `bufferSizes()` reporting them. */
  readonly readsDefaultSizes: boolean;
  /** The adapter for the child-process scripts; undefined for the in-memory network. */
  readonly adapter?: "deno" | "bun" | "node" | "auto";
}

const native = { deno: denoUdp, bun: bunUdp, node: nodeUdp }[runtime];
const linux = process.platform === "linux";

/** The UDP adapters that work on this runtime: its own, node:dgram's, and auto. */
export const udpSubjects: readonly Subject[] = [
  {
    name: `udp() of adapters/${runtime}.ts`,
    transport: native,
    // Deno sets sizes through libc (FFI, Linux; the tests run with -A); Bun
    // binds through its node:dgram when asked.
    bufferSizes: runtime === "deno" && !linux ? "unsupported" : "kernel",
    readsDefaultSizes: runtime === "node",
    adapter: runtime,
  },
  ...(runtime === "node" ? [] : [{
    name: `udp() of adapters/node.ts on ${runtime}`,
    transport: nodeUdp,
    bufferSizes: runtime === "deno" ? "unsupported" as const : "kernel" as const,
    readsDefaultSizes: runtime === "bun",
    adapter: "node" as const,
  }]),
];

/** Every transport: the UDP adapters, auto's, and the in-memory network. */
export const subjects: readonly Subject[] = [
  ...udpSubjects,
  {
    name: "udp() of adapters/auto.ts",
    transport: autoUdp,
    bufferSizes: runtime === "deno" && !linux ? "unsupported" : "kernel",
    readsDefaultSizes: runtime === "node",
    adapter: "auto",
  },
  {
    name: "MemoryTransport",
    transport: () => new MemoryTransport(),
    bufferSizes: "as-asked",
    readsDefaultSizes: true,
  },
];

/** A Linux sysctl under /proc/sys/net/core, or undefined elsewhere. */
export function netCore(name: "rmem_max" | "rmem_default" | "wmem_max" | "wmem_default") {
  try {
    return Number(readFileSync(`/proc/sys/net/core/${name}`, "utf8").trim());
  } catch {
    return undefined;
  }
}

/** Deno's flags for the child scripts. */
const DENO_RUN = ["run", "-A", "--unstable-net"];

/** The command line that runs `script` (in tests/adapters) on this runtime. */
function command(
  script: string,
  args: readonly string[],
  denoRun: readonly string[] = DENO_RUN,
): [string, string[]] {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const prefix = runtime === "deno" ? denoRun : [];
  return [process.execPath, [...prefix, file, ...args]];
}

/** Runs a helper script to its end, blocking this process (and so its sockets) meanwhile. */
export function runBlocking(script: string, args: readonly string[]): void {
  const [cmd, argv] = command(script, args);
  const result = spawnSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${script} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
}

/** How long a child gets before it is killed and the test fails; not a timing assertion. */
const CHILD_PATIENCE_MS = 30_000;

/**
 * Runs a helper script as a child process. `onLine` sees each line it prints
 * (and may answer it); resolves with the exit code and output, or with
 * `timedOut` when the child had to be killed.
 */
export function runChild(
  script: string,
  args: readonly string[],
  onLine: (line: string) => void | Promise<void> = () => {},
  denoRun: readonly string[] = DENO_RUN,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const [cmd, argv] = command(script, args, denoRun);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    let pending = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, CHILD_PATIENCE_MS);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      const text = new TextDecoder().decode(chunk);
      output += text;
      pending += text;
      let end: number;
      while ((end = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        Promise.resolve(onLine(line)).catch((error) => (output += `\n[parent] ${error}\n`));
      }
    });
    child.stderr!.on("data", (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk)));
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}
