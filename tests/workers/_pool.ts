// A program that serves RADIUS on two worker processes with
// serveOnAllCores(), for workers_test.ts. The primary prints one JSON line
// per event on stdout and obeys commands on stdin, one per line: "stats",
// "restart", "close". Every reply says which worker process sent it.
// Environment: SOCKETS ("reusePort" or "shared", else the default), WORKERS,
// AUTH_PORT (default 0), FAIL_FILE (a worker fails to start while that file
// exists), WRONG_TRANSPORT=1 (the Server binds with udp(), not worker.transport).
import { existsSync } from "node:fs";
import process from "node:process";
import { createInterface } from "node:readline";
import { Code, Dictionary, Server } from "../../mod.ts";
import { udp } from "../../adapters/auto.ts";
import { serveOnAllCores, type SocketSharing, type Workers } from "../../adapters/workers.ts";

const SECRET = "s3cret-workers"; // As tests/workers/_harness.ts

const print = (event: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ event, ...fields }));
const sockets = process.env.SOCKETS as SocketSharing | undefined;
let workers: Workers;
try {
  workers = await serveOnAllCores({
    workers: Number(process.env.WORKERS ?? 2),
    ...(sockets === undefined ? {} : { sockets }),
    listen: { hostname: "127.0.0.1", auth: Number(process.env.AUTH_PORT ?? 0), acct: 0 },
    server: ({ transport, index }) => {
      const fail = process.env.FAIL_FILE;
      if (fail !== undefined && existsSync(fail)) throw new Error(`${fail} says no`);
      return new Server({
        transport: process.env.WRONG_TRANSPORT === "1" ? udp() : transport,
        dictionary: Dictionary.default(),
        clients: [{ address: "127.0.0.1", secret: SECRET }],
        logger: { debug() {}, info() {}, warn: console.error, error: console.error },
        handleAccessRequest: (request) =>
          request.reply(Code.AccessAccept, {
            "Reply-Message": `worker ${index} pid ${process.pid}`,
          }),
        handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
      });
    },
    logger: { debug() {}, info() {}, warn: console.error, error: console.error },
  });
} catch (error) {
  print("failed", { message: (error as Error).message });
  process.exit(1);
}
print("listening", { addresses: workers.addresses, pids: workers.pids, sockets: workers.sockets });
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === "stats") print("stats", { stats: await workers.stats(), pids: workers.pids });
  else if (command === "restart") {
    try {
      await workers.restart();
      print("restarted", { pids: workers.pids });
    } catch (error) {
      print("restart-failed", { message: (error as Error).message, pids: workers.pids });
    }
  } else if (command === "close") {
    print("stopped", { stats: await workers.close() });
    break;
  }
}
