// radkit's Client against radkit's Server over real UDP, on the runtime's own
// adapter: auth, accounting, CoA, Disconnect and Status-Server round trips,
// with both sides' BlastRADIUS defaults on (Message-Authenticator required).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addChapPassword,
  Client,
  Code,
  Dictionary,
  Packet,
  Server,
  verifyChapPassword,
} from "../../mod.ts";
import { udp } from "../_udp.ts";

const SECRET = "round-trip secret";
const dictionary = Dictionary.default();

async function withPair(
  hostname: string,
  run: (client: Client, server: Server) => Promise<void>,
): Promise<void> {
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: hostname === "::1" ? "::1" : "127.0.0.0/8", secret: SECRET }],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    handleAccessRequest(request: Packet) {
      const name = request.get("User-Name");
      const ok = request.has("CHAP-Password")
        ? verifyChapPassword(request, "hello")
        : request.get("User-Password") === "hello";
      return name === "bob" && ok
        ? request.reply(Code.AccessAccept, {
          "Reply-Message": `Hello, ${name}`,
          "Framed-IP-Address": "192.0.2.7",
        })
        : request.reply(Code.AccessReject, { "Reply-Message": "Denied" });
    },
    handleAccountingRequest: (request: Packet) =>
      request.reply(Code.AccountingResponse, {
        "Class": `seen ${request.get("Acct-Status-Type")}`,
      }),
    handleCoaRequest: (request: Packet) => request.reply(Code.CoAACK),
    handleDisconnectRequest: (request: Packet) =>
      request.get("User-Name") === "bob"
        ? request.reply(Code.DisconnectACK)
        : request.reply(Code.DisconnectNAK, {
          "Error-Cause": "Session-Context-Not-Found",
        }),
  });
  const bound = await server.listen({ hostname, auth: 0, acct: 0, coa: 0 });
  const client = new Client({
    transport: udp(),
    server: hostname,
    secret: SECRET,
    dictionary,
    ports: { auth: bound.auth!.port, acct: bound.acct!.port, coa: bound.coa!.port },
    timeout: 1000,
    retries: 3,
  });
  try {
    await run(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

for (const hostname of ["127.0.0.1", "::1"]) {
  test(`Client ↔ Server on ${hostname}: PAP and CHAP accept, wrong password rejected`, async () => {
    await withPair(hostname, async (client) => {
      const accept = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
      assert.equal(accept.code, Code.AccessAccept);
      assert.equal(accept.get("Reply-Message"), "Hello, bob");
      assert.equal(accept.get("Framed-IP-Address"), "192.0.2.7");
      const reject = await client.accessRequest({ "User-Name": "bob", "User-Password": "nope" });
      assert.equal(reject.code, Code.AccessReject);
      assert.equal(reject.get("Reply-Message"), "Denied");
      const chap = addChapPassword(
        Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }),
        "hello",
      );
      const chapReply = await client.send(chap);
      assert.equal(chapReply.code, Code.AccessAccept);
    });
  });

  test(`Client ↔ Server on ${hostname}: accounting Start, Interim-Update and Stop`, async () => {
    await withPair(hostname, async (client) => {
      for (const status of ["Start", "Interim-Update", "Stop"] as const) {
        const reply = await client.accountingRequest({
          "User-Name": "bob",
          "Acct-Status-Type": status,
          "Acct-Session-Id": "s-1",
        });
        assert.equal(reply.code, Code.AccountingResponse);
        assert.deepEqual(reply.get("Class"), new TextEncoder().encode(`seen ${status}`));
      }
    });
  });

  test(`Client ↔ Server on ${hostname}: CoA, Disconnect ACK and NAK, Status-Server`, async () => {
    await withPair(hostname, async (client, server) => {
      assert.equal(
        (await client.coaRequest({ "User-Name": "bob", "Session-Timeout": 60 })).code,
        Code.CoAACK,
      );
      assert.equal(
        (await client.disconnectRequest({ "User-Name": "bob" })).code,
        Code.DisconnectACK,
      );
      const nak = await client.disconnectRequest({ "User-Name": "eve" });
      assert.equal(nak.code, Code.DisconnectNAK);
      assert.equal(nak.get("Error-Cause"), "Session-Context-Not-Found");
      assert.equal((await client.statusServer()).code, Code.AccessAccept);
      assert.equal((await client.statusServer({ port: "acct" })).code, Code.AccountingResponse);
      assert.equal(server.stats().dropped, 0);
    });
  });
}

test("Client ↔ Server: 600 concurrent requests (more than 256 ids) all get their own reply", async () => {
  await withPair("127.0.0.1", async (client, server) => {
    const replies = await Promise.all(
      Array.from(
        { length: 600 },
        (_, i) =>
          client.accountingRequest({
            "User-Name": "bob",
            "Acct-Status-Type": "Start",
            "Acct-Session-Id": `s-${i}`,
          }),
      ),
    );
    assert.equal(replies.length, 600);
    for (const reply of replies) assert.equal(reply.code, Code.AccountingResponse);
    // Each reply answers its own request: the Response Authenticator binds them.
    const ids = new Set(replies.map((reply) => reply.request?.get("Acct-Session-Id")));
    assert.equal(ids.size, 600);
    assert.equal(server.stats().requests["Accounting-Request"] !== undefined, true);
  });
});
