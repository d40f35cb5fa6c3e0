// A script that forgets `await client.close()`: one Access-Request to the
// server at 127.0.0.1:PORT (argv), then it prints the reply and ends
// without closing the client. It must exit by itself (tests/client/exit_test.ts).
import process from "node:process";
import { Client } from "../../src/client.ts";
import { udp } from "../_udp.ts";

const port = Number(process.argv.at(-1));
const client = new Client({
  transport: udp(),
  server: `127.0.0.1:${port}`,
  secret: "exit secret",
  timeout: 1000,
  retries: 3,
});
const reply = await client.accessRequest({ "User-Name": "bob" });
console.log(`REPLY ${reply.codeName}`);
