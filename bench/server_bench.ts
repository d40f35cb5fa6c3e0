// Server throughput: PAP Access-Requests per second answered over loopback
// at a fixed concurrency (100 in flight), for
//   (a) radkit's Server (verifies the Message-Authenticator, reveals the
//       password, runs a handler, encodes an Access-Accept with
//       Message-Authenticator, caches the reply for RFC 5080), and
//   (b) a bare UDP echo server on the same adapter (the ceiling),
// both on the runtime running this file, against one load generator in a
// separate Node.js process (bench/server_load.ts).
//
//   deno run -A --unstable-net bench/server_bench.ts
//   bun bench/server_bench.ts
//   node bench/server_bench.ts
//
// NOT measured here: FreeRADIUS and pyrad servers, RSS after 1M requests,
// several server processes with reusePort. The generator shares the
// machine's cores with the server, so on a small machine both numbers are
// bounded by it too; compare the ratio, not the absolute values.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Code, Dictionary } from "../mod.ts";
import { Server } from "../src/server.ts";
import { runtimeName } from "./_measure.ts";
import type { DatagramTransport } from "../src/transport.ts";

const SECONDS = 5;
const CONCURRENCY = 100;
const POOL = 200_000;

async function udp(): Promise<DatagramTransport> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).udp();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).udp();
  return (await import("../adapters/node.ts")).udp();
}

interface Load {
  replies: number;
  lost: number;
  seconds: number;
  perSecond: number;
}

function load(port: number): Promise<Load> {
  const node = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));
  const script = fileURLToPath(new URL("./server_load.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(node, [
      script,
      String(port),
      String(SECONDS),
      String(CONCURRENCY),
      String(POOL),
    ], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0) reject(new Error(`server_load.ts exited with ${code}`));
      else resolve(JSON.parse(out) as Load);
    });
  });
}

async function echo(): Promise<Load> {
  const transport = await udp();
  const box: { send?: (data: Uint8Array, to: { hostname: string; port: number }) => unknown } = {};
  const socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, (data, from) => {
    try {
      const sent = box.send!(data, from);
      if (sent instanceof Promise) sent.catch(() => {});
    } catch {
      // A full buffer: the generator resends after 1 s.
    }
  });
  box.send = (data, to) => socket.send(data, to);
  try {
    return await load(socket.local.port);
  } finally {
    await socket.close();
  }
}

async function radkit(): Promise<Load & { resent: number; dropped: number }> {
  const server = new Server({
    transport: await udp(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: "testing123" }],
    handleAccessRequest(request) {
      return request.get("User-Name") === "bob" && request.get("User-Password") === "hello"
        ? request.reply(Code.AccessAccept, { "Framed-IP-Address": "192.168.0.1" })
        : request.reply(Code.AccessReject);
    },
  });
  try {
    const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
    const result = await load(auth!.port);
    const stats = server.stats();
    return { ...result, resent: stats.resent, dropped: stats.dropped };
  } finally {
    await server.close();
  }
}

const ceiling = await echo();
const ours = await radkit();
console.log(`${runtimeName()}, ${CONCURRENCY} in flight, ${SECONDS} s each`);
console.log(
  `  bare UDP echo   ${
    Math.round(ceiling.perSecond).toLocaleString("en")
  } replies/s (lost ${ceiling.lost})`,
);
console.log(
  `  radkit Server   ${
    Math.round(ours.perSecond).toLocaleString("en")
  } replies/s (lost ${ours.lost}, resent ${ours.resent}, dropped ${ours.dropped})`,
);
console.log(`  ratio           ${(ours.perSecond / ceiling.perSecond).toFixed(2)}× the echo`);
