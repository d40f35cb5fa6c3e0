// Binds one UDP socket with the adapter named on the command line, then plays
// one scenario of unref_test.ts; prints "ready PORT" once bound and "received"
// for a datagram. Whether the process then ends by itself is the test.
//
//   <runtime> tests/adapters/_unref_child.ts ADAPTER SCENARIO [sized]
//
// ADAPTER: deno, bun, node or auto. SCENARIO:
//   unref           unref() and nothing else: must exit
//   ref             unref() then ref(): must stay until a datagram comes, then close
//   unref-receives  unref(), with a timer holding the process until a datagram
//                   comes, then clears it and leaves the socket open: must exit
//   close-unref     unref(), then await close(): must print "closed" and exit
// "sized" asks for a 1 MiB receive buffer (Bun: binds through node:dgram).
import process from "node:process";
import type { DatagramTransport } from "../../src/transport.ts";
import { udp as autoUdp } from "../../adapters/auto.ts";
import { udp as bunUdp } from "../../adapters/bun.ts";
import { udp as denoUdp } from "../../adapters/deno.ts";
import { udp as nodeUdp } from "../../adapters/node.ts";

const [adapter, scenario, sized] = process.argv.slice(2);
const transports: Record<string, () => DatagramTransport> = {
  deno: denoUdp,
  bun: bunUdp,
  node: nodeUdp,
  auto: autoUdp,
};
const transport = transports[adapter ?? ""];
if (transport === undefined) throw new Error(`Unknown adapter "${adapter}"`);

let hold: ReturnType<typeof setInterval> | undefined;
const socket = await transport().bind(
  {
    hostname: "127.0.0.1",
    port: 0,
    ...(sized === "sized" ? { receiveBufferSize: 1_048_576 } : {}),
  },
  () => {
    console.log("received");
    if (scenario === "ref") void socket.close();
    if (scenario === "unref-receives") clearInterval(hold);
  },
);
if (socket.unref === undefined || socket.ref === undefined) {
  throw new Error(`${adapter} sockets have no unref()/ref()`);
}
socket.unref();
switch (scenario) {
  case "unref":
    break;
  case "ref":
    socket.ref();
    break;
  case "unref-receives":
    hold = setInterval(() => {}, 60_000);
    break;
  case "close-unref":
    await socket.close();
    console.log("closed");
    break;
  default:
    throw new Error(`Unknown scenario "${scenario}"`);
}
console.log(`ready ${socket.local.port}`);
