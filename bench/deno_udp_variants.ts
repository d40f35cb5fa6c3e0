// Deno only: why is radkit's Server a smaller fraction of the bare echo on
// Deno than on Bun and Node? Measures, in alternating rounds against the same
// load generator as bench/server_bench.ts (100 in flight, verified replies):
//
//   echo/adapter      bare echo on adapters/deno.ts (one receive at a time, copy)
//   echo/N-loops      bare echo on a variant with N receives pending at once
//   radkit/adapter    radkit Server on adapters/deno.ts
//   radkit/N-loops    radkit Server on the variant transport
//
//   node_modules/.bin/deno run -A --unstable-net bench/deno_udp_variants.ts [--loops 4] [--seconds 3] [--rounds 3]
//
// The variant lives here (bench/ only); it is what adapters/deno.ts could do.
import process from "node:process";
import { Code, Dictionary } from "../mod.ts";
import { udp as denoUdp } from "../adapters/deno.ts";
import { Server } from "../src/server.ts";
import type { Address, DatagramSocket, DatagramTransport } from "../src/transport.ts";
import { runLoad, startLoad } from "./_proc.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}
const LOOPS = Number(option("loops", "4"));
const SECONDS = Number(option("seconds", "3"));
const ROUNDS = Number(option("rounds", "3"));

interface DenoAddr {
  transport: "udp";
  hostname: string;
  port: number;
}
interface Conn {
  readonly addr: DenoAddr;
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoAddr]>;
  send(data: Uint8Array, to: DenoAddr): Promise<number>;
  close(): void;
}
const listen = (globalThis as unknown as {
  Deno: { listenDatagram(o: { transport: "udp"; hostname: string; port: number }): Conn };
}).Deno.listenDatagram;

/** adapters/deno.ts with `loops` receives pending at once, each on its own buffer. */
function variant(loops: number): DatagramTransport {
  return {
    name: `deno-${loops}-loops`,
    bind(options, onMessage): Promise<DatagramSocket> {
      const conn = listen({ transport: "udp", hostname: options.hostname, port: options.port });
      let closed = false;
      const toAddress = (a: DenoAddr): Address => ({
        hostname: a.hostname,
        port: a.port,
        family: a.hostname.includes(":") ? "IPv6" : "IPv4",
      });
      const loop = async () => {
        const buffer = new Uint8Array(65536);
        while (!closed) {
          let received: [Uint8Array, DenoAddr];
          try {
            received = await conn.receive(buffer);
          } catch {
            return;
          }
          try {
            onMessage(received[0].slice(), toAddress(received[1]));
          } catch {
            // as the adapter: reported, ignored
          }
        }
      };
      const all = Promise.all(Array.from({ length: loops }, loop));
      const close = async (): Promise<void> => {
        closed = true;
        conn.close();
        await all;
      };
      return Promise.resolve({
        local: toAddress(conn.addr),
        async send(data: Uint8Array, to: Address) {
          await conn.send(data, { transport: "udp", hostname: to.hostname, port: to.port });
        },
        close,
        [Symbol.asyncDispose]: close,
      });
    },
  };
}

async function echo(
  transport: DatagramTransport,
): Promise<{ port: number; close: () => Promise<void> }> {
  const box: { socket?: DatagramSocket } = {};
  const socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, (data, from) => {
    const sent = box.socket!.send(data, from);
    if (sent instanceof Promise) sent.catch(() => {});
  });
  box.socket = socket;
  return { port: socket.local.port, close: () => socket.close() };
}

async function radkit(
  transport: DatagramTransport,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new Server({
    transport,
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: "testing123" }],
    handleAccessRequest: (request) =>
      request.get("User-Name") === "bob" && request.get("User-Password") === "hello"
        ? request.reply(Code.AccessAccept, {
          "Framed-IP-Address": "192.168.0.1",
          "Reply-Message": "Hello, bob",
        })
        : request.reply(Code.AccessReject),
  });
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  return { port: auth!.port, close: () => server.close() };
}

const contenders = [
  { name: "echo/adapter", expect: "echo" as const, ...(await echo(denoUdp())) },
  { name: `echo/${LOOPS}-loops`, expect: "echo" as const, ...(await echo(variant(LOOPS))) },
  { name: "radkit/adapter", expect: "accept" as const, ...(await radkit(denoUdp())) },
  { name: `radkit/${LOOPS}-loops`, expect: "accept" as const, ...(await radkit(variant(LOOPS))) },
];
const best = new Map<string, number>();
/** Lowest CPU time of this process per verified reply, µs (only one server is loaded at a time). */
const cpu = new Map<string, number>();
const load = await startLoad(100_000);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) {
      const before = process.cpuUsage();
      const r = await runLoad(load, {
        port: c.port,
        seconds: SECONDS,
        warmup: 1,
        expect: c.expect,
      });
      const used = process.cpuUsage(before);
      // The warm-up second's replies are estimated at the measured rate.
      const perReply = (used.user + used.system) / (r.replies + r.perSecond);
      cpu.set(c.name, Math.min(cpu.get(c.name) ?? Infinity, perReply));
      best.set(c.name, Math.max(best.get(c.name) ?? 0, r.perSecond));
      console.error(
        `  round ${round + 1} ${c.name}: ${
          Math.round(r.perSecond)
        }/s (lost ${r.lost}, bad ${r.bad})`,
      );
    }
  }
} finally {
  await load.stop();
  for (const c of contenders) await c.close();
}
console.log(
  `| variant (Deno, in-process server, best of ${ROUNDS} × ${SECONDS} s) | replies/s | CPU µs/reply |`,
);
console.log("|---|---:|---:|");
for (const [name, value] of best) {
  console.log(`| ${name} | ${Math.round(value)} | ${cpu.get(name)?.toFixed(1)} |`);
}
console.log(
  `radkit/echo: adapter ${
    (best.get("radkit/adapter")! / best.get("echo/adapter")!).toFixed(2)
  }×, ` +
    `${LOOPS} loops ${
      (best.get(`radkit/${LOOPS}-loops`)! / best.get(`echo/${LOOPS}-loops`)!).toFixed(2)
    }×, ` +
    `radkit ${LOOPS} loops / echo adapter ${
      (best.get(`radkit/${LOOPS}-loops`)! / best.get("echo/adapter")!).toFixed(2)
    }×`,
);
console.log(
  `BENCH ${
    JSON.stringify({
      bench: "deno-udp-variants",
      loops: LOOPS,
      best: Object.fromEntries(best),
      cpuMicrosPerReply: Object.fromEntries(cpu),
    })
  }`,
);
process.exit(0);
