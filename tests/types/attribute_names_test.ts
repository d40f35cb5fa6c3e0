// Type-level checks: `deno test` type-checks this file, so every
// `@ts-expect-error` line below fails the suite if it compiles (a misspelled
// name that type-checks). Under Bun and Node the same lines run and assert
// what happens at run time.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type AnyAttributes,
  type AttributeTypes,
  Code,
  Dictionary,
  Packet,
  UnknownAttributeError,
} from "../../mod.ts";

const dictionary = Dictionary.default();

test("misspelled attribute names are compile errors for the bundled dictionary", () => {
  assert.throws(
    // @ts-expect-error "User-Nmae" is no attribute of the bundled dictionary.
    () => Packet.create(Code.AccessRequest, dictionary, { "User-Nmae": "bob" }),
    UnknownAttributeError,
  );
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  // @ts-expect-error get() of a misspelled name does not compile.
  assert.equal(request.get("User-Nmae"), undefined);
  // @ts-expect-error set() of a misspelled name does not compile.
  assert.throws(() => request.set("User-Nmae", "alice"), UnknownAttributeError);
  // @ts-expect-error add() of a misspelled name does not compile.
  assert.throws(() => request.add("Reply-Mesage", "hi"), UnknownAttributeError);
  // @ts-expect-error has() of a misspelled name does not compile.
  assert.equal(request.has("User-Nmae"), false);
  // @ts-expect-error reply attributes are checked too.
  assert.throws(() => request.reply(Code.AccessAccept, { "Sesion-Timeout": 60 }));
  // @ts-expect-error a VALUE name outside the dictionary does not compile.
  assert.throws(() => request.set("Service-Type", "Framed-Usr"));
  // @ts-expect-error an integer attribute takes no text.
  assert.throws(() => request.set("Session-Timeout", "an hour"));
  // @ts-expect-error a misspelled packet code name does not compile.
  assert.throws(() => Packet.create("Acess-Request", dictionary), TypeError);
});

test("get() returns the declared type: no cast needed to read a string", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "Service-Type": "Framed-User",
    "Session-Timeout": 3600,
  });
  const name: string | undefined = request.get("User-Name");
  const service: AttributeTypes["Service-Type"] | undefined = request.get("Service-Type");
  const timeout: number | undefined = request.get("Session-Timeout");
  // @ts-expect-error a number is not a string.
  const wrong: string | undefined = request.get("Session-Timeout");
  assert.deepEqual([name, service, timeout, wrong], ["bob", "Framed-User", 3600, 3600]);
});

test("raw Attr-<oid> names are the explicit escape, and give bytes", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "Attr-26.9.1": new TextEncoder().encode("hi"),
  });
  // @ts-expect-error an attribute named by number takes bytes, not text.
  assert.throws(() => request.add("Attr-26.9.2", "0x6869"));
  const raw: Uint8Array | undefined = request.get("Attr-26.9.1");
  assert.deepEqual(raw, new TextEncoder().encode("hi"));
  request.add("Attr-241.5", new Uint8Array([1, 2]));
  assert.equal(request.has("Attr-241.5"), true);
});

test("a loaded dictionary is open: any name compiles, FreeRADIUS's own VALUE names too", () => {
  const loaded = dictionary.extend(
    "ATTRIBUTE Site-Role 3001 string\nVALUE Acct-Status-Type Alive 3\n",
  );
  const request = Packet.create(Code.AccountingRequest, loaded, {
    "Acct-Status-Type": "Alive",
    "Site-Role": "admin",
  });
  assert.equal(request.get("Acct-Status-Type"), "Alive"); // the last VALUE read names 3
  assert.equal(request.get("Site-Role"), "admin");
  const parsed = Dictionary.parse("ATTRIBUTE Site-Flag 3002 integer\n");
  const open = Packet.create(Code.AccountingRequest, parsed, { "Site-Flag": 1 });
  assert.equal(open.get("Site-Flag"), 1);
});

/** A map as `radkit dict --types` writes it, for a site dictionary. */
interface SiteAttributes {
  "User-Name": string;
  "Site-Role": "admin" | "guest" | number;
}

test("a dictionary typed with a generated map checks its names and VALUE names", () => {
  const site = Dictionary.parse<SiteAttributes>(
    "ATTRIBUTE User-Name 1 string\nATTRIBUTE Site-Role 3001 integer\n" +
      "VALUE Site-Role admin 1\nVALUE Site-Role guest 2\n",
  );
  const request = Packet.create(Code.AccessRequest, site, { "Site-Role": "admin" });
  const role: "admin" | "guest" | number | undefined = request.get("Site-Role");
  assert.equal(role, "admin");
  // @ts-expect-error "root" is not a VALUE of Site-Role.
  assert.throws(() => Packet.create(Code.AccessRequest, site, { "Site-Role": "root" }));
  // @ts-expect-error Session-Timeout is not in this dictionary.
  assert.throws(() => request.set("Session-Timeout", 60), UnknownAttributeError);
});

test("a packet of any dictionary is a Packet (of AnyAttributes), for names known at run time", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  const anyPacket: Packet = request;
  const loose: Packet<AnyAttributes> = request;
  const fromConfig = "Reply-Message";
  loose.add(fromConfig, "configured");
  assert.equal(anyPacket.get(fromConfig), "configured");
  assert.equal(request.get("Reply-Message"), "configured");
});

test("a Server's handlers get requests typed with its dictionary's map", async () => {
  const { MemoryTransport } = await import("../../src/testing/memory_transport.ts");
  const { Server } = await import("../../mod.ts");
  const server = new Server({
    transport: new MemoryTransport(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: "s3cret" }],
    handleAccessRequest(request) {
      const name: string | undefined = request.get("User-Name");
      // @ts-expect-error a misspelled name in a handler does not compile.
      request.get("User-Nmae");
      return request.reply(name === "bob" ? Code.AccessAccept : Code.AccessReject, {
        // @ts-expect-error reply attributes are checked against the same map.
        "Sesion-Timeout": 60,
      });
    },
  });
  await server.close();
});

test("a Client checks request names and types replies with its dictionary's map", async () => {
  const { MemoryTransport } = await import("../../src/testing/memory_transport.ts");
  const { Client } = await import("../../mod.ts");
  const client = new Client({ transport: new MemoryTransport(), server: "127.0.0.1", secret: "s" });
  // A misspelled name is a compile error, and at run time a rejection, not a throw.
  // @ts-expect-error "User-Nmae" is no attribute of the bundled dictionary.
  const pending = client.accessRequest({ "User-Nmae": "bob" });
  await assert.rejects(pending, UnknownAttributeError);
  const site = Dictionary.parse<SiteAttributes>(
    "ATTRIBUTE User-Name 1 string\nATTRIBUTE Site-Role 3001 integer\nVALUE Site-Role admin 1\n",
  );
  const typed = new Client({
    transport: new MemoryTransport(),
    server: "127.0.0.1",
    secret: "s",
    dictionary: site,
  });
  // @ts-expect-error Session-Timeout is not in the site dictionary.
  await assert.rejects(typed.accessRequest({ "Session-Timeout": 1 }), UnknownAttributeError);
  const reply: Promise<Packet<SiteAttributes>> = typed.statusServer({
    signal: AbortSignal.abort(),
  });
  await assert.rejects(reply);
  await client.close();
  await typed.close();
});
