// Runs the radkit CLI as a user would: a child process of the runtime that
// runs the tests (deno run -A --unstable-net / bun / node src/cli/main.ts),
// through node:child_process. Every child is killed before a helper returns.
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root: string = fileURLToPath(new URL("../../", import.meta.url));

/** "deno", "bun" or "node": the runtime running the tests (and so the CLI). */
export const runtime: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/**
 * The children's environment. Under Node, NODE_COMPILE_CACHE keeps the
 * type-stripped, compiled modules between the many short CLI runs.
 */
export const childEnv: Record<string, string | undefined> = {
  ...process.env,
  NO_COLOR: "1",
  ...(runtime === "node" && process.env.NODE_COMPILE_CACHE === undefined
    ? { NODE_COMPILE_CACHE: join(tmpdir(), "radkit-node-compile-cache") }
    : {}),
};

/** How to run a script with this runtime. */
export function scriptCommand(script: string, deno: readonly string[] = ["-A", "--unstable-net"]): {
  command: string;
  args: string[];
} {
  return {
    command: process.execPath,
    args: runtime === "deno" ? ["run", ...deno, script] : [script],
  };
}

/** What one run printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `radkit <args>` (optionally with stdin) to completion; SIGKILL after `timeoutMs`. */
export function cli(
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const { command, args: prefix } = scriptCommand(`${root}src/cli/main.ts`);
  return run(command, [...prefix, ...args], options);
}

/** Runs any command to completion, collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: childEnv,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const decoder = new TextDecoder();
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30000);
    child.stdout!.on("data", (chunk: Uint8Array) => (stdout += decoder.decode(chunk)));
    child.stderr!.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(options.input);
    }
  });
}

/** A running `radkit serve`. */
export interface Serving {
  readonly ports: { readonly auth: number; readonly acct: number; readonly coa: number };
  /** What it printed so far. */
  output(): string;
  /**
   * What it printed, once that matches `pattern` (or after 10 s, for the
   * caller's assertion to show). Log lines follow the replies they describe
   * by up to an event-loop turn (`out()` gathers them).
   */
  until(pattern: RegExp): Promise<string>;
  /** Sends SIGTERM and resolves once it exited, with all it printed. */
  stop(): Promise<CliResult>;
}

/**
 * Starts `radkit serve <args> --auth-port 0 --acct-port 0 --coa-port 0`
 * and resolves once it prints where it listens.
 */
export async function serve(args: readonly string[]): Promise<Serving> {
  const { command, args: prefix } = scriptCommand(`${root}src/cli/main.ts`);
  const child: ChildProcess = spawn(
    command,
    [...prefix, "serve", "--auth-port", "0", "--acct-port", "0", "--coa-port", "0", ...args],
    { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  child.stdout!.on("data", (chunk: Uint8Array) => (stdout += decoder.decode(chunk)));
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await closed;
  };
  try {
    const ports = await new Promise<Serving["ports"]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve did not start:\n${stdout}${stderr}`)),
        20000,
      );
      const check = () => {
        const found = Object.fromEntries(
          [...stdout.matchAll(/"?(auth|acct|coa)"?[ :]+"?[\d.:[\]a-f]*:(\d+)/g)].map((m) => [
            m[1],
            Number(m[2]),
          ]),
        );
        if (found.auth && found.acct && found.coa) {
          clearTimeout(timer);
          resolve(found as unknown as Serving["ports"]);
        }
      };
      child.stdout!.on("data", check);
      child.once("close", (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code}:\n${stdout}${stderr}`));
      });
    });
    return {
      ports,
      output: () => stdout,
      until: (pattern) =>
        waitFor(() => (pattern.test(stdout) ? stdout : undefined), String(pattern)).catch(() =>
          stdout
        ),
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
        let code = await closed;
        clearTimeout(timer);
        // Deno's node:child_process reports a child it signalled as killed even
        // when the child handled SIGTERM and exited 0; its output tells.
        if (code === null && runtime === "deno" && stdout.includes("stopped")) code = 0;
        return { code, stdout, stderr };
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

/** A UDP port on 127.0.0.1 that nothing listens on (bound, then closed). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** Polls `probe` until it returns something other than `undefined` (or `ms` pass, then throws). */
export async function waitFor<T>(probe: () => T | undefined, what: string, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
