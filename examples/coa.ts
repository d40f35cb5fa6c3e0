// Sends a CoA-Request (change the session timeout) and a Disconnect-Request
// for a session to the CoA port (RFC 5176), as the seed guide's pyrad2
// examples/coa.py does, and prints the replies.
//
//   deno run -A --unstable-net examples/coa.ts | bun examples/coa.ts | node examples/coa.ts
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

const session = {
  "User-Name": "bob",
  "NAS-IP-Address": "192.168.1.10",
  "Acct-Session-Id": "1337",
} as const;

try {
  const coa = await client.coaRequest({ ...session, "Session-Timeout": 3600 });
  console.log(`CoA-Request: ${coa.codeName}`);
  for (const { name, value } of coa.toJSON().attributes) console.log(`  ${name}: ${value}`);
  const disconnect = await client.disconnectRequest(session);
  console.log(`Disconnect-Request: ${disconnect.codeName}`);
  for (const { name, value } of disconnect.toJSON().attributes) console.log(`  ${name}: ${value}`);
} catch (error) {
  fail(error);
} finally {
  await client.close();
}
