// A script that forgets `await client.close()` over TCP or TLS: one
// Access-Request to 127.0.0.1:PORT (argv: "tcp"|"tls" PORT), then it prints
// the reply and ends with its connection open and idle. It must exit by
// itself (tests/client/stream_exit_test.ts).
import process from "node:process";
import { Client } from "../../src/client.ts";
import { nasTls, streams } from "./_stream_setup.ts";

const [protocol, port] = process.argv.slice(-2);
const client = new Client({
  streams: streams(),
  ...(protocol === "tls" ? { tls: nasTls() } : { secret: "exit secret" }),
  server: `127.0.0.1:${port}`,
});
const reply = await client.accessRequest({ "User-Name": "bob" });
console.log(`REPLY ${reply.codeName} OPEN ${client.stats().connections.open}`);
