/**
 * A worker process of `./workers.ts`: builds the user's Server with the
 * worker transport, listens when the primary says so, reports its counters,
 * and stops when told (or when the primary is gone).
 *
 * @module
 */
import type { Socket } from "node:dgram";
import process from "node:process";
import type { Server, ServerAddresses } from "../src/server.ts";
import type { DatagramTransport } from "../src/transport.ts";
import { WorkerTransport } from "./_worker_transport.ts";
import {
  type FromWorker,
  isRadkitMessage,
  relayed,
  relayedBytes,
  type ToWorker,
} from "./_workers_ipc.ts";

/** What the worker gets from `serveOnAllCores()`'s options. */
export interface WorkerSetup {
  readonly server: (
    worker: { readonly index: number; readonly transport: DatagramTransport },
  ) => Server<object> | Promise<Server<object>>;
}

/** How often a worker reports its counters unasked, so that a crash loses little. */
const REPORT_INTERVAL = 1000;

/**
 * Runs this process as a worker until the primary stops it; never settles.
 *
 * @param setup The sharing mode and the user's server factory.
 * @returns A Promise that never settles: the process exits when told to stop.
 */
export function runWorker(setup: WorkerSetup): Promise<never> {
  if (typeof process.send !== "function") {
    throw new Error(
      "This process was started as a radkit worker (RADKIT_WORKER is set) but has no IPC " +
        "channel: only serveOnAllCores() starts workers; unset RADKIT_WORKER",
    );
  }
  const transport = new WorkerTransport();
  let server: Server<object> | undefined;
  let stopping: Promise<void> | undefined;
  const send = (message: FromWorker, handle?: Socket): Promise<void> =>
    new Promise((resolve) => {
      try {
        process.send!(message, handle as never, {}, () => resolve());
      } catch {
        resolve(); // The primary is gone.
      }
    });

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(reporter);
      await server?.close();
      if (server !== undefined) await send({ radkit: "stopped", stats: server.stats() });
      process.disconnect?.();
      process.exit(0);
    })();
    return stopping;
  };

  const start = async (message: Extract<ToWorker, { radkit: "start" }>): Promise<void> => {
    try {
      server = await setup.server({ index: message.index, transport });
      const wrongTransport = (cause?: unknown) =>
        new Error(
          "The worker's Server did not bind through worker.transport: build it with " +
            "new Server({ transport: worker.transport, ... }) in the serveOnAllCores() server function" +
            (cause === undefined ? "" : ` (${(cause as Error).message ?? cause})`),
        );
      let addresses: ServerAddresses;
      try {
        addresses = await server.listen(message.listen);
      } catch (error) {
        throw transport.binds === 0 ? wrongTransport(error) : error;
      }
      if (transport.binds === 0) throw wrongTransport();
      await send({ radkit: "listening", addresses });
    } catch (error) {
      await send({ radkit: "failed", message: (error as Error).message ?? String(error) });
      process.exit(1);
    }
  };

  process.on("message", (message: unknown, handle: unknown) => {
    if (!isRadkitMessage(message)) return;
    const command = message as ToWorker;
    switch (command.radkit) {
      case "socket":
        if (handle !== undefined && handle !== null) transport.hold(command.port, handle as Socket);
        return;
      case "start":
        return void start(command);
      case "stats":
        if (server !== undefined) {
          void send({ radkit: "stats", id: command.id, stats: server.stats() });
        }
        return;
      case "lend":
        return void (async () => {
          for (const [port, socket] of transport.sockets()) {
            await send({ radkit: "socket", port, id: command.id }, socket);
          }
          await send({ radkit: "lent", id: command.id });
        })();
      case "datagram":
        return transport.inject(command.port, relayedBytes(command), command.from);
      case "retire":
        transport.retire((port, data, from) => {
          void send({ radkit: "datagram", ...relayed(port, data, from) });
        });
        return void stop();
      case "stop":
        return void stop();
    }
  });
  // The primary is gone (killed, crashed): no one to serve for or report to.
  process.on("disconnect", () => {
    if (stopping === undefined) process.exit(0);
  });
  // A terminal's Ctrl-C and hang-up reach the whole process group: the
  // primary decides what they mean. SIGTERM sent to a worker stops it.
  for (const signal of ["SIGINT", "SIGHUP"] as const) {
    try {
      process.on(signal, () => {});
    } catch {
      // A system without this signal.
    }
  }
  process.on("SIGTERM", () => void stop());
  const reporter = setInterval(() => {
    if (server !== undefined && stopping === undefined) {
      void send({ radkit: "stats", id: undefined, stats: server.stats() });
    }
  }, REPORT_INTERVAL);
  void send({ radkit: "ready" });
  return new Promise<never>(() => {});
}
