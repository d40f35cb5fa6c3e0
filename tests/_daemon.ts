// Starts a real peer (FreeRADIUS, radsecproxy, hostapd) as a child process
// for the interop tests: waits until its output says it is ready, fails
// with that output if it exits first or takes too long, and stops it
// (SIGTERM, then SIGKILL) and removes its temporary directory.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";

/** Trying again cannot help: the binary could not be run, or a rig says so. */
export class SpawnError extends Error {}

/** What {@linkcode startDaemon} needs to know. */
export interface DaemonOptions {
  /** The peer's name in messages, e.g. "FreeRADIUS". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Whether what it printed so far (stdout and stderr) shows it ready. */
  readonly ready: (output: string) => boolean;
  /** Its temporary directory, removed by `stop()`. */
  readonly dir: string;
  /** What to add to a failure message (its configuration, what was missing). */
  readonly describe?: (output: string) => string;
  /**
   * The error to reject with when it exits before it is ready or stays
   * unready (default: an Error, which a rig may retry on new ports; a
   * SpawnError says not to).
   */
  readonly error?: (message: string, output: string, how: "exited" | "timeout") => Error;
  /** @default 15000 */
  readonly timeout?: number;
}

/** A running peer. */
export interface Daemon {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it and removes its directory; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Runs a peer and resolves once `ready` holds for its output. Rejects (after
 * stopping it) with a SpawnError when it cannot be run, or with its output
 * when it exits or stays unready for `timeout` ms.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { name, command, timeout = 15000 } = options;
  const child: ChildProcess = spawn(command, [...options.args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = async () => {
    // A child that never started (spawn error) never emits "exit": Deno and
    // Bun leave its exitCode null, so waiting for it would hang the test.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(options.dir, { recursive: true, force: true });
  };
  const more = () => (options.describe === undefined ? "" : `\n${options.describe(output)}`);
  await new Promise<void>((resolve, reject) => {
    const fail = (message: string, how: "exited" | "timeout") =>
      reject(options.error?.(message, output, how) ?? new Error(message));
    const timer = setTimeout(() => {
      fail(`${name} was not ready within ${timeout / 1000} s:\n${output}${more()}`, "timeout");
    }, timeout);
    const onData = (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      if (options.ready(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(`${name} exited with ${code} before it was ready:\n${output}${more()}`, "exited");
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new SpawnError(`Cannot run ${name} (${command}): ${error.message}`, { cause: error }));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { child, output: () => output, stop };
}
