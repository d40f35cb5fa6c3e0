// Sends one Access-Request and prints the reply's attributes: the seed
// guide's auth example (pyrad2 examples/auth_async.py) with radkit.
//
//   deno run -A --unstable-net examples/auth.ts | bun examples/auth.ts | node examples/auth.ts
//
// against examples/server.ts (or any server: see examples/_transport.ts).
import { Code } from "../mod.ts";
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
  const reply = await client.accessRequest({
    "User-Name": "bob",
    "User-Password": "hello",
    "NAS-IP-Address": "192.168.1.10",
    "NAS-Port": 0,
    "Service-Type": "Login-User",
    "NAS-Identifier": "trillian",
    "Called-Station-Id": "00-04-5F-00-0F-D1",
    "Calling-Station-Id": "00-01-24-80-B3-9C",
    "Framed-IP-Address": "10.0.0.100",
  });
  console.log(reply.code === Code.AccessAccept ? "Access accepted" : `${reply.codeName}`);
  console.log("Attributes returned by server:");
  for (const { name, value } of reply.toJSON().attributes) {
    if (name !== "Message-Authenticator") console.log(`${name}: ${value}`);
  }
} catch (error) {
  fail(error);
} finally {
  await client.close();
}
