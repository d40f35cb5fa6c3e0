// Child process of auto_test.ts.
//
//   <runtime> tests/adapters/_auto_child.ts import   the globals of the other
//     runtimes throw when read; importing every adapter must not read them
//   <runtime> tests/adapters/_auto_child.ts udp      prints udp().name, then
//     sends itself a datagram through it and prints "round trip"
import process from "node:process";

const mode = process.argv[2];
if (mode === "import") {
  for (const name of ["Deno", "Bun"]) {
    if (name in globalThis) continue; // This runtime's own.
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        throw new Error(`globalThis.${name} was read at import time`);
      },
    });
  }
  await import("../../adapters/auto.ts");
  await import("../../adapters/deno.ts");
  await import("../../adapters/bun.ts");
  await import("../../adapters/node.ts");
  console.log("imported");
} else if (mode === "udp") {
  const { udp } = await import("../../adapters/auto.ts");
  const transport = udp();
  console.log(`name ${transport.name}`);
  const { promise, resolve } = Promise.withResolvers<Uint8Array>();
  await using socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, resolve);
  await socket.send(new Uint8Array([42]), socket.local);
  if ((await promise)[0] === 42) console.log("round trip");
} else {
  throw new Error(`Unknown mode "${mode}"`);
}
