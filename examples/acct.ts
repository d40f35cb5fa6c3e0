// Sends an accounting session: Start, Interim-Update and Stop, as the seed
// guide's pyrad2 examples/acct.py does, and prints each reply.
//
//   deno run -A --unstable-net examples/acct.ts | bun examples/acct.ts | node examples/acct.ts
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
  "NAS-Port": 0,
  "NAS-Identifier": "trillian",
  "Acct-Session-Id": `radkit-${Date.now().toString(16)}`,
  "Framed-IP-Address": "10.0.0.100",
} as const;

try {
  const steps = [
    { "Acct-Status-Type": "Start" },
    {
      "Acct-Status-Type": "Interim-Update",
      "Acct-Session-Time": 60,
      "Acct-Input-Octets": 4096,
      "Acct-Output-Octets": 8192,
    },
    {
      "Acct-Status-Type": "Stop",
      "Acct-Session-Time": 120,
      "Acct-Input-Octets": 10240,
      "Acct-Output-Octets": 20480,
      "Acct-Terminate-Cause": "User-Request",
    },
  ] as const;
  for (const step of steps) {
    const reply = await client.accountingRequest({
      ...session,
      ...step,
      "Event-Timestamp": new Date(),
    });
    console.log(`${step["Acct-Status-Type"]}: ${reply.codeName}`);
  }
} catch (error) {
  fail(error);
} finally {
  await client.close();
}
