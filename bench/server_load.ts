// Load generator for bench/server_bench.ts, run as its own process on
// Node.js 24 (node_modules/.bin/node, type stripping) whatever runtime the
// bench runs on, so every server faces the same client.
//
//   node bench/server_load.ts PORT SECONDS CONCURRENCY POOL
//
// CONCURRENCY sockets on 127.0.0.1 each keep one PAP Access-Request (with
// Message-Authenticator) in flight: a reply sends the next one. Requests
// come from a pre-encoded pool of POOL distinct packets, so encoding costs
// the generator nothing while measuring; a socket reuses a packet only after
// the whole pool went by. A request unanswered for 1 s is sent again (lost).
// Prints one JSON line: { replies, lost, seconds, perSecond }.
import { createSocket, type Socket } from "node:dgram";
import process from "node:process";
import { Code, Dictionary, Packet } from "../mod.ts";

const [port, seconds, concurrency, poolSize] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
];
const dictionary = Dictionary.default();
const pool: Uint8Array[] = [];
for (let i = 0; i < poolSize; i++) {
  pool.push(
    Packet.create(Code.AccessRequest, dictionary, {
      "User-Name": "bob",
      "User-Password": "hello",
      "NAS-IP-Address": "192.0.2.1",
    }).encode("testing123"),
  );
}

let next = 0;
let counting = false;
let replies = 0;
let lost = 0;
const sockets: Socket[] = [];
const timers: ReturnType<typeof setTimeout>[] = [];

function send(index: number): void {
  const packet = pool[next++ % pool.length]!;
  sockets[index]!.send(packet, port, "127.0.0.1");
  clearTimeout(timers[index]);
  timers[index] = setTimeout(() => {
    lost++;
    send(index);
  }, 1000);
}

for (let i = 0; i < concurrency; i++) {
  const socket = createSocket("udp4");
  socket.on("message", () => {
    if (counting) replies++;
    send(i);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  sockets.push(socket);
}
for (let i = 0; i < concurrency; i++) send(i);
await new Promise((resolve) => setTimeout(resolve, 1000)); // warm-up
counting = true;
const start = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
counting = false;
const elapsed = (performance.now() - start) / 1000;
for (const timer of timers) clearTimeout(timer);
for (const socket of sockets) socket.close();
console.log(JSON.stringify({ replies, lost, seconds: elapsed, perSecond: replies / elapsed }));
