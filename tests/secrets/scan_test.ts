// The secret scan: many bad inputs, built from a distinctive marker, for
// every secret attribute of the bundled dictionary and of Debian's FreeRADIUS
// tree, through Packet.create / set / add / reply / encode, a Server on the
// in-memory network (capturing logger, handlers that fail in every way) and
// the Client. No message, log line, JSON or inspect output may carry the
// marker, as text or as hex.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { Attribute } from "../../src/codec/attribute.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";
import { Packet } from "../../src/packet.ts";
import { isSecretAttribute } from "../../src/secrets.ts";
import { type Logger, Server } from "../../src/server.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { needs } from "../_peers.ts";
import { badValues, Capture, MARK, secretBytes, secretText } from "./_scan.ts";

const T = { timeout: 120000 };
const DEBIAN = "/usr/share/freeradius/dictionary";
/** FreeRADIUS's current v3.2.x tree (CC-BY-4.0), with `secret` flags: the test fixture. */
const CURRENT = fileURLToPath(
  new URL("../dictionary/fixtures/freeradius-3.2/dictionary", import.meta.url),
);
/** The current tree, or why it cannot be scanned here (absent, or not loadable yet). */
const current: Dictionary | string = !existsSync(CURRENT)
  ? `${CURRENT} is absent`
  : await Dictionary.load(CURRENT, (path) => readFile(path, "utf8")).catch((error: Error) =>
    `it does not load yet: ${error.message}`
  );

/** What the runtime's own inspect prints (Deno.inspect, Bun.inspect), besides node:util's. */
function runtimeInspect(value: unknown): string[] {
  const g = globalThis as {
    Deno?: { inspect(value: unknown, options?: unknown): string };
    Bun?: { inspect(value: unknown): string };
  };
  const out = [inspect(value, { depth: 8 })];
  if (g.Deno !== undefined) out.push(g.Deno.inspect(value, { depth: 8 }));
  if (g.Bun !== undefined) out.push(g.Bun.inspect(value));
  return out;
}

/** Every way a packet shows itself. */
function packetTexts(packet: Packet): string[] {
  return [
    JSON.stringify(packet),
    JSON.stringify(packet.toJSON()),
    ...runtimeInspect(packet),
    ...runtimeInspect(packet.attributes()),
    ...runtimeInspect({ nested: { packet } }),
    String(packet),
  ];
}

/** The attributes input that sets `def` to `value`: TLV children go inside their parents. */
function input(def: AttributeDef, value: unknown): Record<string, unknown> {
  let name = def.name;
  let wrapped = value;
  let at: AttributeDef = def;
  while (at.parent !== undefined && at.parent.type === "tlv") {
    wrapped = { [name]: wrapped };
    at = at.parent;
    name = at.name;
  }
  return { [name]: wrapped };
}

/** A record for `def` that skips add()'s checks, so that encode() meets the bad value. */
function unchecked(def: AttributeDef, value: unknown): Attribute {
  return { name: def.name, def, value, tag: undefined, raw: undefined, wire: undefined } as never;
}

/** The top-level definition that `input()` puts the value under. */
function topLevel(def: AttributeDef): AttributeDef {
  let at = def;
  while (at.parent !== undefined && at.parent.type === "tlv") at = at.parent;
  return at;
}

/** Feeds every bad value of every secret attribute of `dictionary` through the packet API. */
function scanPacketApi(dictionary: Dictionary, capture: Capture): number {
  let fed = 0;
  const secrets = [...new Set(dictionary.attributes())].filter(isSecretAttribute);
  assert.ok(secrets.length > 0);
  for (const def of secrets) {
    for (const value of badValues(def)) {
      fed++;
      const where = `${def.name} (${def.oid}) = ${typeof value}`;
      const attributes = input(def, value);
      const top = topLevel(def).name;
      const attempts: [string, () => unknown][] = [
        ["create", () => Packet.create(Code.AccessRequest, dictionary, attributes as never)],
        [
          "add",
          () => Packet.create(Code.AccessRequest, dictionary).add(top, attributes[top] as never),
        ],
        [
          "set",
          () => Packet.create(Code.AccessRequest, dictionary).set(top, attributes[top] as never),
        ],
        ["update", () => Packet.create(Code.AccessRequest, dictionary).update(attributes as never)],
        ["reply", () =>
          Packet.create(Code.AccessRequest, dictionary).reply(
            Code.AccessAccept,
            attributes as never,
          )],
        ["encode", () =>
          new Packet(Code.AccessRequest, 1, new Uint8Array(16), dictionary, [
            unchecked(def, value),
          ]).encode("s3cret")],
      ];
      for (const [how, attempt] of attempts) {
        try {
          const result = attempt();
          // Accepted after all (a value that fits): it must not show either.
          if (result instanceof Packet) capture.add(`${how} ${where}`, ...packetTexts(result));
        } catch (error) {
          capture.addError(`${how} ${where}`, error);
        }
      }
    }
    // Good values, shown every way, before and after a round trip.
    const good = def.type === "octets" || def.type === "abinary"
      ? secretBytes(def.size ?? 16)
      : def.type === "string"
      ? secretText(def.flags.encrypt === 3 ? 16 : 40)
      : undefined;
    if (good === undefined) continue;
    try {
      const request = Packet.create(Code.AccessRequest, dictionary, input(def, good) as never);
      capture.add(`good ${def.name}`, ...packetTexts(request));
      const decoded = Packet.decode(request.encode("s3cret"), { dictionary, secret: "s3cret" });
      capture.add(`decoded ${def.name}`, ...packetTexts(decoded));
      capture.add(
        `decoded ${def.name} without secret`,
        ...packetTexts(
          Packet.decode(request.encode("s3cret"), { dictionary }),
        ),
      );
    } catch (error) {
      capture.addError(`good ${def.name}`, error);
    }
  }
  return fed;
}

test("no bad value of a bundled secret attribute shows in a message, JSON or inspect", T, () => {
  const capture = new Capture();
  const fed = scanPacketApi(Dictionary.default(), capture);
  assert.ok(fed > 200, `fed ${fed}`);
  assert.ok(capture.texts.length > 1000);
  assert.deepEqual(capture.leaks(), []);
});

test("no bad value of a Debian FreeRADIUS secret attribute shows anywhere", {
  ...T,
  ...needs("dictionaries"),
}, async () => {
  if (!existsSync(DEBIAN)) return;
  const dictionary = await Dictionary.load(DEBIAN, (path) => readFile(path, "utf8"));
  const secrets = [...new Set(dictionary.attributes())].filter(isSecretAttribute);
  // encrypt=1/2/3 across vendors (Ascend-Send-Secret, WiMAX, Cisco, …) and challenge material.
  for (
    const name of ["Ascend-Send-Secret", "Tunnel-Password", "MS-CHAP2-Response", "EAP-Message"]
  ) {
    assert.ok(secrets.some((def) => def.name === name), name);
  }
  const capture = new Capture();
  const fed = scanPacketApi(dictionary, capture);
  assert.ok(fed > 1000, `fed ${fed}`);
  assert.deepEqual(capture.leaks(), []);
});

test("no bad value of a secret attribute of FreeRADIUS's current 3.2 tree shows anywhere", {
  ...T,
  skip: typeof current === "string" ? current : false,
}, () => {
  const dictionary = current as Dictionary;
  // The tree flags these `secret` (and no older dictionary does).
  for (const name of ["Cleartext-Password", "NT-Password", "CHAP-Password", "MS-CHAP-Challenge"]) {
    assert.equal(isSecretAttribute(dictionary.attribute(name)!), true, name);
  }
  const capture = new Capture();
  assert.ok(scanPacketApi(dictionary, capture) > 1000);
  assert.deepEqual(capture.leaks(), []);
});

/** A Logger that keeps what each call shows: the message and the fields, as loggers print them. */
function capturingLogger(capture: Capture): Logger {
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    capture.add(`log ${level}`, message, ...runtimeInspect(fields));
    const error = fields?.error;
    if (error !== undefined) capture.addError(`log ${level} error`, error);
    try {
      capture.add(`log ${level} JSON`, JSON.stringify(fields) ?? "");
    } catch {
      // fields a structured logger could not serialize either
    }
  };
  return {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

test("a Server logs no secret of a request when its handler fails in any way", T, async () => {
  const dictionary: Dictionary = Dictionary.default();
  const capture = new Capture();
  const network = new MemoryTransport();
  const password = secretText(40);
  const failures: ((request: Packet) => unknown)[] = [
    // Replies with bad values: the ValueError thrown hides them.
    (request) =>
      request.reply(Code.AccessAccept, { "Tunnel-Password": { tag: 1, value: secretText(300) } }),
    (request) =>
      request.reply(Code.AccessAccept, { "MS-MPPE-Send-Key": `0x${"zz"}${secretText(10)}` }),
    (request) => request.reply(Code.AccessAccept, { "User-Password": secretText(133) }),
    // Errors that quote the request, every way a handler might.
    (request) => {
      throw new Error(`bad password ${request.get("User-Password")}`);
    },
    (request) => {
      throw new Error(`rejecting ${JSON.stringify(request)} / ${inspect(request)}`);
    },
    (request) => {
      const challenge = request.get("MS-CHAP-Challenge") as Uint8Array;
      throw new Error(
        `challenge ${Array.from(challenge, (b) => b.toString(16).padStart(2, "0")).join("")}`,
      );
    },
    (request) => {
      throw new TypeError("outer", { cause: new Error(`inner ${request.get("User-Password")}`) });
    },
    (request) => Promise.reject(new Error(`async ${request.get("User-Password")}`)),
    (request) => {
      throw `a string ${request.get("User-Password")}`;
    },
    (request) => {
      throw Object.assign(new Error("with fields"), { password: request.get("User-Password") });
    },
    (request) => {
      throw { reason: "a plain object", detail: { password: request.get("User-Password") } };
    },
    // A reply whose value skipped the checks: "could not encode the reply".
    (request) =>
      new Packet(Code.AccessAccept, request.id, new Uint8Array(16), dictionary, [
        unchecked(dictionary.attribute("Tunnel-Password")!, secretText(300)),
      ], request),
  ];
  let which = 0;
  const server = new Server({
    transport: network,
    dictionary,
    clients: [{ address: "127.0.0.1", secret: "s3cret" }],
    logger: capturingLogger(capture),
    handleAccessRequest: (request) => failures[which]!(request) as Packet,
  });
  const bound = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const client = new Client({
    transport: network,
    server: "127.0.0.1",
    secret: "s3cret",
    dictionary,
    ports: { auth: bound.auth!.port },
    timeout: 50,
    retries: 0,
  });
  try {
    for (which = 0; which < failures.length; which++) {
      const request = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": password,
        "MS-CHAP-Challenge": secretBytes(16),
        "MS-CHAP2-Response": secretBytes(50),
        "EAP-Message": secretBytes(300),
        "CHAP-Challenge": secretBytes(16),
      });
      try {
        await client.send(request);
        assert.fail(`failure ${which} got a reply`);
      } catch (error) {
        capture.addError(`client ${which}`, error);
      }
    }
  } finally {
    await client.close();
    await server.close();
  }
  assert.ok(server.stats().handlerErrors >= failures.length - 1, inspect(server.stats()));
  assert.ok(capture.texts.some(({ where }) => where === "log error error"));
  assert.ok(capture.texts.some(({ text }) => /<hidden, 40 bytes>/.test(text)), "scrubbed");
  assert.deepEqual(capture.leaks(), []);
});

test("Client.send() with a bad secret value rejects without it", T, async () => {
  const dictionary = Dictionary.default();
  const capture = new Capture();
  const network = new MemoryTransport();
  const client = new Client({
    transport: network,
    server: "127.0.0.1",
    secret: "s",
    timeout: 20,
    retries: 0,
  });
  try {
    for (const def of [...new Set(dictionary.attributes())].filter(isSecretAttribute)) {
      for (const value of badValues(def).slice(0, 12)) {
        const packet = new Packet(Code.AccessRequest, 1, new Uint8Array(16), dictionary, [
          unchecked(def, value),
        ]);
        try {
          await client.send(packet);
        } catch (error) {
          capture.addError(`client ${def.name}`, error);
        }
      }
    }
  } finally {
    await client.close();
  }
  assert.ok(capture.texts.length > 100);
  assert.deepEqual(capture.leaks(), []);
  // The probe works: a marker in a message is found.
  const probe = new Capture();
  probe.add("probe", `x ${MARK} y`);
  assert.equal(probe.leaks().length, 1);
});
