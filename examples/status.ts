// Asks the server whether it is alive with Status-Server (RFC 5997), on its
// auth and acct ports, and prints the replies.
//
//   deno run -A --unstable-net examples/status.ts | bun examples/status.ts | node examples/status.ts
import { Client } from "../mod.ts";
import { fail, server, udp } from "./_transport.ts";

const client = new Client({
  transport: udp(),
  server: server.host,
  ports: server.ports,
  secret: server.secret,
  timeout: 2000,
  retries: 3,
});

try {
  for (const port of ["auth", "acct"] as const) {
    const reply = await client.statusServer({ port });
    console.log(`Status-Server to ${port} port ${server.ports[port]}: ${reply.codeName}`);
    for (const { name, value } of reply.toJSON().attributes) console.log(`  ${name}: ${value}`);
  }
} catch (error) {
  fail(error);
} finally {
  await client.close();
}
