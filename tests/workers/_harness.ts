// Runs tests/workers/_pool.ts (two workers behind serveOnAllCores) as a
// child process of the runtime running the tests, and drives it: commands
// on its stdin, JSON events from its stdout. Also a crowd of RADIUS clients,
// each on its own source port, that counts which worker answered.
import { type ChildProcess, spawn } from "node:child_process";
import { Client, Code } from "../../mod.ts";
import { udp } from "../../adapters/auto.ts";
import { childEnv, root, scriptCommand } from "../cli/_cli.ts";

export const SECRET = "s3cret-workers";

/** One JSON line the pool printed. */
export interface PoolEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** A running pool. */
export interface Pool {
  readonly child: ChildProcess;
  readonly auth: number;
  readonly pids: readonly number[];
  /** Sends a command line and resolves with the next event of that name. */
  command(line: string, event: string): Promise<PoolEvent>;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Kills whatever is left (after a failed test). */
  kill(): Promise<void>;
}

/**
 * Starts the pool with SOCKETS=`sockets` (and more environment) and resolves
 * once it listens; rejects with its message if it fails to start.
 */
export async function startPool(
  sockets: string | undefined,
  env: Record<string, string> = {},
): Promise<Pool> {
  const { command, args } = scriptCommand(`${root}tests/workers/_pool.ts`);
  const child = spawn(command, args, {
    cwd: root,
    env: { ...childEnv, ...(sockets === undefined ? {} : { SOCKETS: sockets }), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: PoolEvent[] = [];
  const waiters: { event: string; resolve: (event: PoolEvent) => void }[] = [];
  let buffered = "";
  let stderr = "";
  const decoder = new TextDecoder();
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
  child.stdout!.on("data", (chunk: Uint8Array) => {
    buffered += decoder.decode(chunk);
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as PoolEvent;
      const waiter = waiters.findIndex((w) => w.event === event.event);
      if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(event);
      else events.push(event);
    }
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const next = (name: string, ms = 60000): Promise<PoolEvent> => {
    const index = events.findIndex((e) => e.event === name);
    if (index >= 0) return Promise.resolve(events.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${name}" event within ${ms} ms; stderr:\n${stderr}`)),
        ms,
      );
      closed.then(() => {
        clearTimeout(timer);
        reject(new Error(`the pool exited before "${name}"; stderr:\n${stderr}`));
      });
      waiters.push({
        event: name,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await closed;
  };
  try {
    const listening = await Promise.race([
      next("listening"),
      next("failed").then((failed) => Promise.reject(new Error(String(failed.message)))),
    ]);
    const addresses = listening.addresses as { auth: { port: number } };
    return {
      child,
      auth: addresses.auth.port,
      pids: listening.pids as number[],
      command(line, event) {
        child.stdin!.write(`${line}\n`);
        return next(event);
      },
      stderr: () => stderr,
      kill,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

/** What a crowd of clients saw. */
export interface Tally {
  sent: number;
  accepted: number;
  failed: number;
  /** Replies per worker process id. */
  readonly byPid: Map<number, number>;
}

/**
 * `clients` RADIUS clients (one source port each) sending Access-Requests
 * one after another until `keepGoing()` turns false (checked before each
 * request) or each sent `perClient`.
 */
export async function crowd(
  port: number,
  clients: number,
  perClient: number,
  options: { retries?: number; timeout?: number; keepGoing?: () => boolean } = {},
): Promise<Tally> {
  const tally: Tally = { sent: 0, accepted: 0, failed: 0, byPid: new Map() };
  const failures: string[] = [];
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    await using client = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: { auth: port },
      secret: SECRET,
      timeout: options.timeout ?? 2000,
      retries: options.retries ?? 0,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    for (let i = 0; i < perClient && (options.keepGoing?.() ?? true); i++) {
      tally.sent++;
      try {
        const reply = await client.accessRequest({ "User-Name": `user-${c}-${i}` });
        if (reply.code !== Code.AccessAccept) throw new Error(`got ${reply.codeName}`);
        tally.accepted++;
        const pid = Number(/pid (\d+)/.exec(String(reply.get("Reply-Message")))?.[1]);
        tally.byPid.set(pid, (tally.byPid.get(pid) ?? 0) + 1);
      } catch (error) {
        tally.failed++;
        if (failures.length < 5) failures.push((error as Error).message);
      }
    }
  }));
  if (failures.length > 0) (tally as { failures?: string[] }).failures = failures;
  return tally;
}
