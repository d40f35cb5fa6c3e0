// ClientOptions.logger: retransmissions, failovers, servers down and up,
// dropped replies; never a secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { Logger } from "../../src/logger.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { responder, SECRET, until } from "./_responder.ts";

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function recorder(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

test("the logger hears of retransmissions, a server down, the failover and the server back up", async () => {
  const network = new MemoryTransport();
  let primaryUp = false;
  const primary = await responder(
    network,
    "127.0.0.1",
    1812,
    (request) => primaryUp ? request.reply(Code.AccessAccept) : undefined,
  );
  const secondary = await responder(
    network,
    "::1",
    1812,
    (request) => request.reply(Code.AccessAccept),
  );
  const { logger, lines } = recorder();
  const client = new Client({
    transport: network,
    servers: ["127.0.0.1", "::1"],
    secret: SECRET,
    timeout: 10,
    retries: 1,
    deadTime: 3_600_000,
    probeInterval: 10,
    logger,
  });
  try {
    await client.accessRequest({ "User-Name": "bob", "User-Password": "hunter2" });
    const seen = lines.map(({ level, message }) => `${level}: ${message}`);
    assert.deepEqual(seen.slice(0, 3), [
      "debug: retransmitting",
      "warn: server down: no reply",
      "debug: failover",
    ]);
    assert.deepEqual(lines[0]!.fields, {
      request: "Access-Request",
      id: primary.seen[0]!.packet.id,
      server: "127.0.0.1:1812",
      transmission: 2,
    });
    assert.deepEqual(lines[1]!.fields, { server: "127.0.0.1", request: "Access-Request" });
    assert.deepEqual(lines[2]!.fields, { from: "127.0.0.1", to: "::1" });
    primaryUp = true;
    await until(() => lines.some((line) => line.message === "server up"), "the probe's answer");
    assert.deepEqual(lines.find((line) => line.message === "server up")!.fields, {
      server: "127.0.0.1",
    });
    const text = JSON.stringify(lines);
    assert.doesNotMatch(text, new RegExp(SECRET));
    assert.doesNotMatch(text, /hunter2/);
  } finally {
    await client.close();
    await primary.close();
    await secondary.close();
  }
});

test("a wrong-secret reply is a warning once per server, then debug, as every drop", async () => {
  const network = new MemoryTransport();
  const server = await responder(network, "127.0.0.1", 1812, (request) => [
    request.reply(Code.AccessAccept).encode("not the secret"),
    request.reply(Code.AccessAccept).encode("not the secret"),
    request.reply(Code.AccessReject),
    request.reply(Code.AccessReject), // a duplicate, once the request has ended
  ]);
  const { logger, lines } = recorder();
  const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET, logger });
  try {
    assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessReject);
    await network.idle();
    const drops = lines.filter((line) => line.message.startsWith("reply dropped"));
    assert.deepEqual(drops.map((line) => `${line.level}: ${line.message}`), [
      "warn: reply dropped: wrong shared secret, or forged",
      "debug: reply dropped",
      "debug: reply dropped",
    ]);
    const id = server.seen[0]!.packet.id;
    assert.deepEqual(drops[0]!.fields, {
      reason: "bad-authenticator",
      server: "127.0.0.1:1812",
      id,
    });
    assert.deepEqual(drops[2]!.fields, { reason: "unexpected", from: "127.0.0.1:1812", id });
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(SECRET));
  } finally {
    await client.close();
    await server.close();
  }
});
