// The UDP transport of the runtime running the tests: Deno.listenDatagram,
// Bun.udpSocket or node:dgram, through radkit's own adapters.
import type { DatagramTransport } from "../src/transport.ts";
import { udp as bunUdp } from "../adapters/bun.ts";
import { udp as denoUdp } from "../adapters/deno.ts";
import { udp as nodeUdp } from "../adapters/node.ts";

/** "deno", "bun" or "node". */
export const runtime: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/** A fresh UDP transport from this runtime's adapter. */
export function udp(): DatagramTransport {
  return runtime === "deno" ? denoUdp() : runtime === "bun" ? bunUdp() : nodeUdp();
}
