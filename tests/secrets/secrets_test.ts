// Regression tests for issue 13 item 4: which attributes are secret, and
// each place a secret value used to show (ValueError, toJSON, inspect, the
// Server's logger, the CLI's formatting).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { ValueError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { hiddenValue, isSecretAttribute, SecretScrubber } from "../../src/secrets.ts";
import { Server } from "../../src/server.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { attributeLines, formatAttribute, packetJson } from "../../src/cli/output.ts";
import { addAttributes, parseAttributeArg } from "../../src/cli/args.ts";
import { needs } from "../_peers.ts";
import { recordingLogger } from "../server/_helpers.ts";

const dictionary = Dictionary.default();
const PASSWORD = "S3cret!".repeat(19); // 133 bytes: over RFC 2865's 128
const DEBIAN = "/usr/share/freeradius/dictionary";

function secret(name: string, dict: Dictionary = dictionary): boolean {
  const def = dict.attribute(name);
  assert.ok(def !== undefined, name);
  return isSecretAttribute(def);
}

test("isSecretAttribute() covers hidden, secret-flagged and challenge/response attributes", () => {
  for (
    const name of [
      "User-Password", // encrypt=1
      "Tunnel-Password", // encrypt=2
      "MS-MPPE-Send-Key",
      "MS-MPPE-Recv-Key",
      "MS-CHAP-MPPE-Keys",
      "CHAP-Password",
      "CHAP-Challenge",
      "EAP-Message",
      "ARAP-Password",
      "ARAP-Security-Data",
      "ARAP-Challenge-Response",
      "Digest-Response",
      "Digest-Response-Auth",
      "Digest-HA1",
      "MS-CHAP-Challenge",
      "MS-CHAP-Response",
      "MS-CHAP2-Response",
      "MS-CHAP2-Success",
      "MS-CHAP-NT-Enc-PW",
      "MS-CHAP-LM-Enc-PW",
      "MS-CHAP-CPW-1",
      "MS-CHAP-CPW-2",
      "MS-CHAP2-CPW",
    ]
  ) {
    assert.equal(secret(name), true, name);
  }
  for (
    const name of [
      "User-Name",
      "Reply-Message",
      "Class",
      "State",
      "NAS-IP-Address",
      "MS-CHAP-Error",
    ]
  ) {
    assert.equal(secret(name), false, name);
  }
});

test("isSecretAttribute() goes by vendor and number, so aliases and other vendor names count", () => {
  const custom = Dictionary.parse(`
ATTRIBUTE Chap-Alias 3 octets
VENDOR MSFT 311
BEGIN-VENDOR MSFT
ATTRIBUTE My-Challenge 11 octets
ATTRIBUTE My-Other 99 octets
END-VENDOR MSFT
ATTRIBUTE Acme-Key 200 string secret
ATTRIBUTE Cleartext-Password 1100 string
`);
  assert.equal(secret("Chap-Alias", custom), true);
  assert.equal(secret("My-Challenge", custom), true);
  assert.equal(secret("My-Other", custom), false);
  assert.equal(secret("Acme-Key", custom), true, "the dictionary's secret flag");
  assert.equal(secret("Cleartext-Password", custom), true, "FreeRADIUS's internal 1100");
});

test("Packet.create() with a long User-Password names no password (issue 13 item 4)", () => {
  assert.throws(
    () => Packet.create(Code.AccessRequest, dictionary, { "User-Password": PASSWORD }),
    (error: unknown) => {
      assert.ok(error instanceof ValueError);
      assert.equal(
        error.message,
        "Invalid value <hidden, 133 bytes> for User-Password (string): User-Password is 133 bytes; RFC 2865 §5.2 allows at most 128",
      );
      assert.equal(error.attribute, "User-Password");
      assert.doesNotMatch(inspect(error), /S3cret/);
      return true;
    },
  );
});

test("Tunnel-Password, MS-MPPE keys and CHAP values in errors are <hidden, N bytes>", () => {
  const cases: [string, unknown, RegExp][] = [
    ["Tunnel-Password", { tag: 1, value: "é".repeat(150) }, /<hidden, 300 bytes>/],
    ["MS-MPPE-Send-Key", "0xS3cret", /<hidden, 8 bytes>/],
    ["MS-MPPE-Recv-Key", new Uint8Array(300).fill(0x53), /<hidden, 300 bytes>/],
    ["MS-CHAP-MPPE-Keys", "0x0102", /<hidden, 2 bytes>/],
    ["CHAP-Password", 12345, /<hidden, 5 bytes>/],
    ["MS-CHAP2-Response", { S3cret: 1 }, /<hidden, 12 bytes>/],
  ];
  for (const [name, value, shown] of cases) {
    assert.throws(
      () => Packet.create(Code.AccessAccept, dictionary, { [name]: value } as never),
      (error: unknown) =>
        error instanceof ValueError && shown.test(error.message) &&
        !/S3cret|é{2}|12345/.test(error.message),
      name,
    );
  }
});

test("Ascend-Send-Secret (encrypt=3) from Debian's dictionary is hidden in errors", {
  ...needs("dictionaries"),
}, async () => {
  if (!existsSync(DEBIAN)) return;
  const debian = await Dictionary.load(DEBIAN, (path) => readFile(path, "utf8"));
  assert.equal(secret("Ascend-Send-Secret", debian), true);
  assert.throws(
    () => Packet.create(Code.AccessAccept, debian, { "Ascend-Send-Secret": PASSWORD }),
    { message: /^Invalid value <hidden, 133 bytes> for Ascend-Send-Secret .*16 bytes/ },
  );
});

test("ValueError still quotes a value that is not secret", () => {
  assert.throws(
    () => Packet.create(Code.AccessRequest, dictionary, { "NAS-IP-Address": "10.0.0.256" }),
    { message: /^Invalid value "10\.0\.0\.256" for NAS-IP-Address \(ipaddr\)/ },
  );
  assert.equal(
    new ValueError("X", "string", "abc", "r").message,
    'Invalid value "abc" for X (string): r',
  );
  assert.equal(
    new ValueError("X", "string", "abc", "r", { secret: true }).message,
    "Invalid value <hidden, 3 bytes> for X (string): r",
  );
});

test("hiddenValue() counts UTF-8 bytes of text and the length of bytes", () => {
  assert.equal(hiddenValue("héllo"), "<hidden, 6 bytes>");
  assert.equal(hiddenValue(new Uint8Array(3)), "<hidden, 3 bytes>");
  assert.equal(hiddenValue(""), "<hidden, 0 bytes>");
  assert.equal(hiddenValue(12345), "<hidden, 5 bytes>");
});

function request(): Packet {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": "hunter2-pw",
    "MS-CHAP-Challenge": new Uint8Array(16).fill(0xab),
    "Tunnel-Password": { tag: 2, value: "tunnel-pw" },
  }, { id: 9, authenticator: new Uint8Array(16) });
}

test("Packet.toJSON() hides secret values unless { reveal: true }", () => {
  const packet = request();
  assert.deepEqual(packet.toJSON().attributes, [
    { name: "User-Name", value: "bob" },
    { name: "User-Password", value: "<hidden, 10 bytes>" },
    { name: "MS-CHAP-Challenge", value: "<hidden, 16 bytes>" },
    { name: "Tunnel-Password", value: "<hidden, 9 bytes>", tag: 2 },
  ]);
  assert.deepEqual(packet.toJSON({ reveal: true }).attributes.map((a) => a.value), [
    "bob",
    "hunter2-pw",
    `0x${"ab".repeat(16)}`,
    "tunnel-pw",
  ]);
  const text = JSON.stringify(packet);
  assert.equal(text, JSON.stringify(packet.toJSON()));
  assert.doesNotMatch(text, /hunter2|tunnel-pw|abababab/);
  assert.doesNotMatch(JSON.stringify({ packet }), /hunter2/, "toJSON(key) from JSON.stringify");
  // A decoded packet too, with its secret known.
  const decoded = Packet.decode(packet.encode("s"), { dictionary, secret: "s" });
  assert.equal(decoded.get("User-Password"), "hunter2-pw");
  assert.doesNotMatch(JSON.stringify(decoded), /hunter2|tunnel-pw/);
});

test("Packet.toJSON() hides secret children inside a TLV", () => {
  const tlv = Dictionary.parse(`
ATTRIBUTE Config 192 tlv
ATTRIBUTE Config-Key 192.1 string secret
ATTRIBUTE Config-Name 192.2 string
`);
  const packet = Packet.create(Code.AccountingRequest, tlv, {
    Config: { "Config-Key": "k3y-value", "Config-Name": "n" },
  });
  assert.deepEqual(packet.toJSON().attributes[0]?.value, {
    "Config-Key": "<hidden, 9 bytes>",
    "Config-Name": "n",
  });
  assert.doesNotMatch(inspect(packet, { depth: 9 }), /k3y-value/);
  assert.match(formatAttribute(packet.attributes()[0]!, true), /Config-Key = <hidden, 9 bytes>/);
  assert.throws(
    () => packet.add("Config", { "Config-Key": "k3y-value", Bogus: 1 }),
    (error: unknown) => error instanceof ValueError && !/k3y-value/.test(error.message),
  );
});

test("inspect output of a Packet and its attributes hides secret values", () => {
  const packet = request();
  const g = globalThis as {
    Deno?: { inspect(value: unknown, options?: unknown): string };
    Bun?: { inspect(value: unknown): string };
  };
  const views = [
    inspect(packet),
    inspect(packet, { depth: 9 }),
    inspect(packet.attributes()),
    inspect(Packet.decode(packet.encode("s"), { dictionary, secret: "s" }).attributes()),
    inspect({ deep: { deeper: packet } }, { depth: 0 }),
  ];
  if (g.Deno !== undefined) views.push(g.Deno.inspect(packet), g.Deno.inspect(packet.attributes()));
  if (g.Bun !== undefined) views.push(g.Bun.inspect(packet), g.Bun.inspect(packet.attributes()));
  for (const view of views) assert.doesNotMatch(view, /hunter2|tunnel-pw|ab, ?ab|abab/, view);
  assert.match(views[0]!, /User-Password.*<hidden, 10 bytes>/);
  assert.match(views[0]!, /User-Name.*bob/);
  assert.match(views[2]!, /Tunnel-Password.*<hidden, 9 bytes>/);
});

test("the CLI's formatting hides secrets, and packetJson() shows them only when asked", () => {
  const packet = request();
  assert.deepEqual(attributeLines(packet, true), [
    '\tUser-Name = "bob"',
    "\tUser-Password = <hidden, 10 bytes>",
    "\tMS-CHAP-Challenge = <hidden, 16 bytes>",
    "\tTunnel-Password:2 = <hidden, 9 bytes>",
  ]);
  assert.equal(formatAttribute(packet.attributes()[1]!), 'User-Password = "hunter2-pw"');
  assert.equal(packetJson(packet).attributes[1]?.value, "<hidden, 10 bytes>");
  assert.equal(packetJson(packet, false).attributes[1]?.value, "hunter2-pw");
  // An attribute the dictionary lacks is secret by its number.
  const datagram = Packet.create(Code.AccessRequest, dictionary, {
    "MS-CHAP-Challenge": new Uint8Array(16).fill(0xab),
  }).encode("s");
  const vsa = "ATTRIBUTE Vendor-Specific 26 vsa\n";
  const microsoft =
    "VENDOR Microsoft 311\nBEGIN-VENDOR Microsoft\nATTRIBUTE MS-Other 99 octets\nEND-VENDOR Microsoft\n";
  const cases: [string, string][] = [
    ["ATTRIBUTE User-Name 1 string\n", "\tAttr-26 = <hidden, 22 bytes>"],
    [vsa, "\tAttr-26.311.11 = <hidden, 16 bytes>"],
    [vsa + microsoft, "\tAttr-26.311.11 = <hidden, 16 bytes>"],
  ];
  for (const [text, expected] of cases) {
    const decoded = Packet.decode(datagram, { dictionary: Dictionary.parse(text) });
    assert.equal(attributeLines(decoded, true).at(-1), expected);
    assert.doesNotMatch(JSON.stringify(decoded) + inspect(decoded, { depth: 9 }), /abab|171, 171/);
  }
});

test("addAttributes() does not echo a secret value given a tag it takes none of", () => {
  const packet = Packet.create(Code.AccessRequest, dictionary);
  assert.throws(
    () => addAttributes(packet, [parseAttributeArg("User-Password:1=hunter2-pw")]),
    { message: "User-Password takes no tag: write User-Password=<hidden, 10 bytes>" },
  );
  assert.throws(
    () => addAttributes(packet, [parseAttributeArg("User-Name:1=bob")]),
    { message: "User-Name takes no tag: write User-Name=bob" },
  );
});

test("SecretScrubber replaces every form of a secret value in an error", () => {
  const packet = request();
  const scrubber = new SecretScrubber(packet.attributes());
  const cause = new Error(`inner ${"ab".repeat(16)}`);
  const error = Object.assign(new RangeError("bad hunter2-pw", { cause }), {
    code: "E_X",
    detail: JSON.stringify({ p: "tunnel-pw" }),
  });
  const scrubbed = scrubber.scrubError(error) as RangeError & { code: string; detail: string };
  assert.ok(scrubbed instanceof RangeError);
  assert.equal(scrubbed.message, "bad <hidden, 10 bytes>");
  assert.equal(scrubbed.code, "E_X");
  assert.equal(scrubbed.detail, '{"p":"<hidden, 9 bytes>"}');
  assert.equal((scrubbed.cause as Error).message, "inner <hidden, 32 bytes>");
  assert.doesNotMatch(scrubbed.stack ?? "", /hunter2/);
  assert.equal(error.message, "bad hunter2-pw", "the original is left alone");
  const clean = new Error("nothing secret");
  assert.equal(scrubber.scrubError(clean), clean);
  assert.equal(scrubber.scrub("x hunter2-pw y"), "x <hidden, 10 bytes> y");
});

test("the Server logs a failing handler's error without the request's secrets", async () => {
  const logger = recordingLogger();
  const network = new MemoryTransport();
  const server = new Server({
    transport: network,
    dictionary,
    clients: [{ address: "127.0.0.1", secret: "s" }],
    logger,
    handleAccessRequest(request) {
      throw new Error(`no user with password ${request.get("User-Password")}`);
    },
  });
  const bound = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  try {
    await socket.send(request().encode("s"), bound.auth!);
    for (let i = 0; i < 500 && server.stats().handlerErrors === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await socket.close();
    await server.close();
  }
  const line = logger.lines.find((l) => l.startsWith("error handler failed"));
  assert.ok(line !== undefined, logger.lines.join("\n"));
  assert.match(line, /no user with password <hidden, 10 bytes>/);
  assert.doesNotMatch(logger.lines.join("\n"), /hunter2/);
});
