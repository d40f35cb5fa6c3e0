/**
 * One RADIUS server on every core, on one set of ports: `serveOnAllCores()`
 * runs N worker processes, each with its own {@linkcode Server} (one
 * JavaScript thread each), counts their requests together, replaces them one
 * at a time without dropping a request, and stops them.
 *
 * Like `node:cluster`, the workers run the same program as the primary: each
 * one starts the entry script again (`process.argv[1]`, with the same
 * arguments), where the same `serveOnAllCores()` call builds and starts that
 * worker's Server. So the code before the call runs in every process (load
 * the configuration there); the call returns in the primary only, and the
 * code after it runs there alone.
 *
 * The primary binds the sockets and passes them to the workers over IPC
 * (`node:child_process`, `SCM_RIGHTS`); each worker's Server adopts its
 * sockets as `node:dgram` sockets. How the workers share the ports
 * (`sockets`):
 *
 * - `"reusePort"`: one socket per port per worker, all bound with
 *   `SO_REUSEPORT`; Linux spreads the datagrams over them by a hash of the
 *   peer's address and port. One NAS (one source port) always reaches the
 *   same worker, so its retransmissions meet that worker's duplicate cache
 *   (RFC 5080); but it is served by one core however busy it is: the spread
 *   needs many peers, or peers with many source ports. Node.js 22.12+ and
 *   23.1+, and Bun, on Linux; the default there.
 * - `"shared"`: one socket per port, read by every worker: whichever is
 *   free takes the next datagram, even from a single NAS. But a NAS's
 *   retransmission may reach another worker than its original, which then
 *   handles it again: the duplicate cache is per worker. Every runtime; the
 *   only way on Deno, where no API sets `SO_REUSEPORT` on a UDP socket
 *   (`Deno.listenDatagram`'s `reuseAddress` is `SO_REUSEADDR` on Linux: the
 *   last socket bound takes every datagram; `node:dgram` ignores
 *   `reusePort`; `node:cluster` workers cannot share a UDP port). The default
 *   on Deno and on systems other than Linux.
 *
 * A restart replaces the workers one at a time, and the sockets outlive
 * them: a new worker gets its predecessor's sockets (lent back to the
 * primary over IPC) and listens; then the old one stops reading, passes on
 * (through the primary) any datagram it still reads, finishes its requests
 * and exits. The ports never close, so no datagram is lost, in either mode;
 * in-progress duplicate detection does not carry over to the new process.
 * Whatever the primary itself reads while it holds a socket goes to a
 * worker too.
 *
 * On Deno, `node:child_process` starts the workers with every permission
 * (`deno run -A`) whatever the primary was granted, and with its
 * `--unstable-*` flags. Passing sockets needs a Unix system (Deno's
 * `node:child_process` cannot on Windows); this module is tested on Linux.
 *
 * Counters: {@linkcode Workers.stats} asks every worker and adds their
 * {@linkcode ServerStats} to those of workers already gone, so they keep
 * `received === replied + resent + dropped + inFlight`;
 * {@linkcode Workers.close} returns the exact final sums. A worker that
 * crashes loses what it counted since its last report (once a second); it
 * is started again unless it ran less than a second.
 *
 * Signals: in the workers, SIGINT and SIGHUP are ignored (a terminal sends
 * them to the whole process group; the primary decides) and SIGTERM stops
 * the worker. A worker whose primary is gone exits. The primary's signals are
 * the program's: call {@linkcode Workers.close} on SIGTERM and
 * {@linkcode Workers.restart} on SIGHUP, as `radkit serve` does.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Server } from "@radkit/radius";
 * import { serveOnAllCores } from "@radkit/radius/adapters/workers";
 * import process from "node:process";
 *
 * // radius.ts: `node radius.ts`, `bun radius.ts` or `deno run -A --unstable-net radius.ts`.
 * if (import.meta.main) {
 *   const workers = await serveOnAllCores({
 *     listen: { hostname: "0.0.0.0", auth: 1812, acct: 1813 },
 *     server: ({ transport }) =>
 *       new Server({
 *         transport,
 *         dictionary: Dictionary.default(),
 *         clients: [{ address: "10.0.0.0/8", secret: "s3cret" }],
 *         handleAccessRequest: (request) => request.reply(Code.AccessReject),
 *         handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
 *       }),
 *   });
 *   // Only the primary gets here.
 *   console.log(`${workers.pids.length} workers on ports`, workers.addresses);
 *   process.on("SIGHUP", () => void workers.restart());
 *   process.on("SIGTERM", async () => console.log(await workers.close()));
 * }
 * ```
 *
 * @module
 */
import { availableParallelism } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { consoleWarnings, type Logger } from "../src/logger.ts";
import type { ListenOptions, Server, ServerAddresses } from "../src/server.ts";
import type { ServerStats } from "../src/server/stats.ts";
import type { DatagramTransport } from "../src/transport.ts";
import { Pool } from "./_workers_primary.ts";
import { WORKER_ENV } from "./_workers_ipc.ts";
import { runWorker } from "./_workers_worker.ts";

/**
 * How the workers share the ports: a socket per port for each worker, all
 * bound with `SO_REUSEPORT` (`"reusePort"`), or one socket per port that
 * every worker reads (`"shared"`). The module documentation compares them.
 *
 * @example Usage
 * ```ts
 * import type { SocketSharing } from "@radkit/radius/adapters/workers";
 * import assert from "node:assert/strict";
 *
 * const sharing: SocketSharing = "Deno" in globalThis ? "shared" : "reusePort";
 * assert.ok(["shared", "reusePort"].includes(sharing));
 * ```
 */
export type SocketSharing = "reusePort" | "shared";

/**
 * What the `server` function of {@linkcode ServeOnAllCoresOptions} gets, in
 * each worker.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server } from "@radkit/radius";
 * import type { WorkerContext } from "@radkit/radius/adapters/workers";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const build = (worker: WorkerContext): Server =>
 *   new Server({ transport: worker.transport, dictionary: Dictionary.default(), clients: [] });
 * const server = build({ index: 0, transport: new MemoryTransport() });
 * assert.ok(server instanceof Server);
 * await server.close();
 * ```
 */
export interface WorkerContext {
  /** Which worker this is: 0 to `workers - 1` (a replacement keeps the number). */
  readonly index: number;
  /**
   * The transport the worker's Server must bind with: it binds the ports
   * with `reusePort`, or adopts the primary's sockets. A Server built on
   * another transport fails to start.
   */
  readonly transport: DatagramTransport;
}

/**
 * The ports each worker's Server listens on: {@linkcode ListenOptions}
 * without `reusePort` (the sharing mode decides) and `signal`.
 *
 * @example Usage
 * ```ts
 * import type { WorkersListenOptions } from "@radkit/radius/adapters/workers";
 * import assert from "node:assert/strict";
 *
 * const listen: WorkersListenOptions = { hostname: "::", auth: 1812, acct: 1813, coa: 3799 };
 * assert.equal(listen.auth, 1812);
 * ```
 */
export type WorkersListenOptions = Pick<
  ListenOptions,
  "hostname" | "auth" | "acct" | "coa" | "receiveBufferSize" | "sendBufferSize"
>;

/**
 * What {@linkcode serveOnAllCores} runs.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server } from "@radkit/radius";
 * import type { ServeOnAllCoresOptions } from "@radkit/radius/adapters/workers";
 * import assert from "node:assert/strict";
 *
 * const options: ServeOnAllCoresOptions = {
 *   workers: 4,
 *   listen: { hostname: "0.0.0.0", auth: 1812 },
 *   server: ({ transport }) =>
 *     new Server({ transport, dictionary: Dictionary.default(), clients: [] }),
 * };
 * assert.equal(options.workers, 4);
 * ```
 */
export interface ServeOnAllCoresOptions<A extends object = object> {
  /**
   * Builds one worker's Server, in that worker's process, on
   * {@linkcode WorkerContext.transport}. It may be async (load users from a
   * database, say); if it throws, the worker fails to start.
   */
  server: (worker: WorkerContext) => Server<A> | Promise<Server<A>>;
  /** The ports (0 picks a free one, the same for every worker). */
  listen: WorkersListenOptions;
  /**
   * How many worker processes.
   *
   * @default {availableParallelism()}
   */
  workers?: number;
  /**
   * How the workers share the ports. `"reusePort"` on Deno rejects: Deno
   * cannot set `SO_REUSEPORT`.
   *
   * @default {"reusePort" on Linux with Node.js 22.12+ or Bun, else "shared"}
   */
  sockets?: SocketSharing;
  /**
   * The script the workers run, which must call `serveOnAllCores()` with the
   * same options: a path or a `file:` URL.
   *
   * @default {process.argv[1], the entry script}
   */
  module?: string | URL;
  /**
   * The workers' command-line arguments.
   *
   * @default {process.argv.slice(2)}
   */
  args?: readonly string[];
  /**
   * Where the primary logs workers replaced (info), a worker exited and
   * started again (warn), one that cannot be (error).
   *
   * @default {warnings and errors to console}
   */
  logger?: Logger;
  /**
   * How long a worker may take from its start to listening (milliseconds),
   * before it counts as failed.
   *
   * @default {30000}
   */
  startTimeout?: number;
}

/**
 * The running workers, in the primary process.
 *
 * @example Usage
 * ```ts
 * import type { Workers } from "@radkit/radius/adapters/workers";
 * import process from "node:process";
 *
 * // Wires the usual signals to a pool of workers.
 * function onSignals(workers: Workers): void {
 *   process.on("SIGHUP", () => void workers.restart());
 *   process.on("SIGTERM", async () => {
 *     const stats = await workers.close();
 *     console.log(`replied ${stats.replied} of ${stats.received}`);
 *   });
 * }
 * console.assert(typeof onSignals === "function");
 * ```
 */
export interface Workers {
  /** The addresses the workers listen on, with the real ports. */
  readonly addresses: ServerAddresses;
  /** How they share the ports. */
  readonly sockets: SocketSharing;
  /** The process ids of the workers serving now. */
  readonly pids: readonly number[];
  /**
   * Every worker's counters, summed with those of workers already replaced
   * or gone.
   *
   * @returns The sums (a worker that does not answer within 2 s counts with its last report).
   */
  stats(): Promise<ServerStats>;
  /**
   * Replaces the workers one at a time: a new worker starts (running the
   * entry script again, so it reads the configuration afresh) and listens,
   * then the old one stops taking datagrams, finishes its requests and
   * exits. If a new worker fails to start, the old one keeps serving and the
   * Promise rejects with the reason. Concurrent calls share one restart.
   *
   * @returns A Promise that resolves once every worker is new.
   */
  restart(): Promise<void>;
  /**
   * Stops every worker (each finishes its requests, up to its Server's
   * `closeTimeout`) and resolves with their final counters, summed.
   * Idempotent.
   *
   * @returns The exact final sums.
   */
  close(): Promise<ServerStats>;
  /**
   * Stops the workers, as {@linkcode Workers.close}: `await using workers = …`.
   *
   * @returns A Promise that resolves once every worker has exited.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Runs one RADIUS server on every core: see the module documentation. In
 * the primary process, starts the workers and resolves once all listen; in
 * a worker (started by it), builds and runs that worker's Server and never
 * settles: the worker exits when the primary stops it.
 *
 * @param options The server function, the ports, and how to run the workers.
 * @returns In the primary: the running {@linkcode Workers}. Rejects, with
 * every worker stopped, when one cannot start (a port in use, say).
 * @throws {RangeError} When `workers` is not an integer from 1 to 1024.
 * @throws {Error} When `sockets` is `"reusePort"` on Deno.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Server } from "@radkit/radius";
 * import { serveOnAllCores } from "@radkit/radius/adapters/workers";
 * import process from "node:process";
 *
 * // Everything before the call runs in every process; after it, in the primary only.
 * const users = new Map([["bob", "hello"]]);
 * if (import.meta.main) {
 *   const workers = await serveOnAllCores({
 *     workers: 2,
 *     listen: { hostname: "127.0.0.1", auth: 1812 },
 *     server: ({ transport }) =>
 *       new Server({
 *         transport,
 *         dictionary: Dictionary.default(),
 *         clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 *         handleAccessRequest: (request) =>
 *           request.reply(
 *             users.get(String(request.get("User-Name"))) === request.get("User-Password")
 *               ? Code.AccessAccept
 *               : Code.AccessReject,
 *           ),
 *       }),
 *   });
 *   process.once("SIGINT", async () => {
 *     const { received, replied } = await workers.close();
 *     console.log(`received ${received}, replied ${replied}`);
 *   });
 * }
 * ```
 */
export function serveOnAllCores<A extends object = object>(
  options: ServeOnAllCoresOptions<A>,
): Promise<Workers> {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    return Promise.reject(
      new RangeError(`Invalid workers ${count}: must be an integer from 1 to 1024`),
    );
  }
  const sharing = options.sockets ?? defaultSharing();
  if (sharing !== "reusePort" && sharing !== "shared") {
    return Promise.reject(
      new TypeError(`Invalid sockets "${String(sharing)}": use "reusePort" or "shared"`),
    );
  }
  const unsupported = sharing === "reusePort" ? reusePortUnsupported() : undefined;
  if (unsupported !== undefined) {
    return Promise.reject(
      new Error(
        `Cannot share ports with sockets: "reusePort" ${unsupported}; use sockets: "shared"`,
      ),
    );
  }
  const role = process.env[WORKER_ENV];
  if (role === "reusePort" || role === "shared") {
    delete process.env[WORKER_ENV]; // Not for processes the worker may start itself.
    return runWorker({ server: options.server as (worker: WorkerContext) => Server<object> });
  }
  const module = options.module ?? process.argv[1];
  if (module === undefined) {
    return Promise.reject(
      new TypeError("serveOnAllCores() needs the script the workers run: pass module"),
    );
  }
  const pool = new Pool({
    count,
    sharing,
    module: scriptPath(module),
    args: options.args ?? process.argv.slice(2),
    listen: options.listen,
    logger: options.logger ?? consoleWarnings("radkit workers"),
    startTimeout: options.startTimeout ?? 30000,
  });
  return pool.start().then((): Workers => ({
    get addresses() {
      return pool.addresses;
    },
    sockets: sharing,
    get pids() {
      return pool.pids;
    },
    stats: () => pool.stats(),
    restart: () => pool.restart(),
    close: () => pool.close(),
    [Symbol.asyncDispose]: async () => {
      await pool.close();
    },
  }));
}

/** A path for `fork()`: `file:` URLs become paths; other URLs (Deno runs `https:`) stay text. */
function scriptPath(module: string | URL): string {
  const text = module instanceof URL ? module.href : module;
  return text.startsWith("file:") ? fileURLToPath(text) : text;
}

/** `"reusePort"` where this runtime's UDP sockets can set SO_REUSEPORT and Linux spreads by it. */
function defaultSharing(): SocketSharing {
  return process.platform === "linux" && reusePortUnsupported() === undefined
    ? "reusePort"
    : "shared";
}

/** Why this runtime's `node:dgram` cannot set SO_REUSEPORT, or `undefined` if it can. */
function reusePortUnsupported(): string | undefined {
  if ("Deno" in globalThis) {
    return "on Deno: no Deno API sets SO_REUSEPORT on a UDP socket (shared is the default on Deno)";
  }
  if ("Bun" in globalThis) return undefined;
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)
    ? undefined
    : `on Node.js ${process.versions.node}: node:dgram sets SO_REUSEPORT from 22.12 and 23.1 on`;
}
