// Opens or accepts one stream connection with streams() of this runtime's
// adapter, unrefs it, and so plays one scenario of the unref() tests in
// streams_test.ts. Whether the process then ends by itself is the test.
//
//   <runtime> tests/adapters/_streams_child.ts client MODE PORT unref|ref
//     connects to 127.0.0.1:PORT (MODE tcp or tls), prints "ready";
//     unref: must exit; ref (unref() then ref()): must stay until a byte
//     comes, print "received" and close
//   <runtime> tests/adapters/_streams_child.ts accepted MODE
//     listens, prints "listening PORT"; on the first connection closes the
//     listener, unrefs the connection and prints "unref": must exit
import process from "node:process";
import { readFileSync } from "node:fs";
import type { StreamTransport } from "../../src/stream_transport.ts";
import { streams as bunStreams } from "../../adapters/bun.ts";
import { streams as denoStreams } from "../../adapters/deno.ts";
import { streams as nodeStreams } from "../../adapters/node.ts";
import { runtime } from "../_udp.ts";

const transport: StreamTransport = { deno: denoStreams, bun: bunStreams, node: nodeStreams }[
  runtime
]();
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), "utf8");
const [role, mode, port, scenario] = process.argv.slice(2);
const tls = mode === "tls";

if (role === "client") {
  const connection = await transport.connect({
    hostname: "127.0.0.1",
    port: Number(port),
    ...(tls
      ? {
        tls: {
          ca: fixture("ca.pem"),
          cert: fixture("nas1.pem"),
          key: fixture("nas1.key"),
          servername: "radius.test",
        },
      }
      : {}),
  });
  connection.start({
    onData() {
      console.log("received");
      connection.destroy();
    },
    onClose() {},
  });
  connection.unref!();
  if (scenario === "ref") connection.ref!();
  else if (scenario !== "unref") throw new Error(`Unknown scenario "${scenario}"`);
  console.log("ready");
} else if (role === "accepted") {
  const server = await transport.listen({
    hostname: "127.0.0.1",
    port: 0,
    ...(tls
      ? {
        tls: { cert: fixture("server.pem"), key: fixture("server.key"), ca: fixture("ca.pem") },
      }
      : {}),
  }, (connection) => {
    void server.close();
    connection.start({ onData() {}, onClose() {} });
    connection.unref!();
    console.log("unref");
  });
  console.log(`listening ${server.local.port}`);
} else {
  throw new Error(`Unknown role "${role}"`);
}
