// A program that serves RADIUS on two worker processes with
// serveOnAllCores(), for workers_test.ts. The primary prints one JSON line
// per event on stdout and obeys commands on stdin, one per line: "stats",
// "restart", "close". Every reply says which worker process sent it.
// Environment: SOCKETS ("reusePort" or "shared", else the default), WORKERS.
import process from "node:process";
import { createInterface } from "node:readline";
import { Code, Dictionary, Server } from "../../mod.ts";
import { serveOnAllCores, type SocketSharing } from "../../adapters/workers.ts";

const SECRET = "s3cret-workers"; // As tests/workers/_harness.ts

const sockets = process.env.SOCKETS as SocketSharing | undefined;
const workers = await serveOnAllCores({
  workers: Number(process.env.WORKERS ?? 2),
  ...(sockets === undefined ? {} : { sockets }),
  listen: { hostname: "127.0.0.1", auth: 0, acct: 0 },
  server: ({ transport, index }) =>
    new Server({
      transport,
      dictionary: Dictionary.default(),
      clients: [{ address: "127.0.0.1", secret: SECRET }],
      logger: { debug() {}, info() {}, warn: console.error, error: console.error },
      handleAccessRequest: (request) =>
        request.reply(Code.AccessAccept, { "Reply-Message": `worker ${index} pid ${process.pid}` }),
      handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
    }),
});
const print = (event: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ event, ...fields }));
print("listening", { addresses: workers.addresses, pids: workers.pids, sockets: workers.sockets });
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === "stats") print("stats", { stats: await workers.stats() });
  else if (command === "restart") {
    try {
      await workers.restart();
      print("restarted", { pids: workers.pids });
    } catch (error) {
      print("restart-failed", { message: (error as Error).message });
    }
  } else if (command === "close") {
    print("stopped", { stats: await workers.close() });
    break;
  }
}
