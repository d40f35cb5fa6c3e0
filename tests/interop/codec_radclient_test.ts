// Proves that radkit's codec reads what FreeRADIUS's radclient writes: a
// node:dgram listener captures the datagrams radclient sends, radkit verifies
// and decodes them, and the values must be the ones radclient printed. The
// listener answers with radkit-encoded replies, which radclient must accept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs, peers } from "../_peers.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import type { Attribute } from "../../src/codec/attribute.ts";
import {
  checkRequest,
  computeAuthenticator,
  findAttribute,
  packetLength,
} from "../../src/codec/packet_codec.ts";
import { verifyChapPassword } from "../../src/chap.ts";
import { capture, type Captured, SECRET, SECRET_BYTES, toHex, utf8 } from "./codec_udp.ts";

const dictionary = Dictionary.default();

/** Runs `radclient -x -r 1 -t 1 127.0.0.1:<port> <kind> testing123` against a capturing listener. */
function radclient(
  kind: "auth" | "acct",
  input: string,
  respond?: (datagram: Uint8Array) => Uint8Array | undefined,
): Promise<Captured> {
  return capture((port) => ({
    command: peers.radclient.path,
    args: ["-x", "-r", "1", "-t", "1", `127.0.0.1:${port}`, kind, SECRET],
    input,
  }), respond);
}

/** The only datagram radclient sent, with a readable failure otherwise. */
function onlyDatagram(result: Captured): Uint8Array {
  assert.equal(
    result.datagrams.length,
    1,
    `radclient sent ${result.datagrams.length} datagrams:\n${result.stdout}${result.stderr}`,
  );
  return result.datagrams[0]!;
}

/** One `Name[:tag] = value` line radclient printed. */
interface Printed {
  name: string;
  tag: number | undefined;
  value: string;
}

/**
 * The attribute lines radclient printed under its first "Sent <code> Id <id>"
 * line, with that Identifier.
 */
function sentBlock(stdout: string, code: string): { id: number; attributes: Printed[] } {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`Sent ${code} Id `));
  assert.notEqual(start, -1, `radclient printed no "Sent ${code}":\n${stdout}`);
  const id = Number(/ Id (\d+) /.exec(lines[start]!)?.[1]);
  const attributes: Printed[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("\t")) break;
    const match = /^\t([\w.-]+)(?::(\d+))? = (.*)$/.exec(line);
    assert.ok(match, `unexpected radclient line ${JSON.stringify(line)}`);
    attributes.push({
      name: match[1]!,
      tag: match[2] === undefined ? undefined : Number(match[2]),
      value: match[3]!,
    });
  }
  return { id, attributes };
}

/** A radkit attribute printed the way FreeRADIUS prints it. */
function freeradiusText(attr: Attribute): string {
  const value = attr.value;
  if (value instanceof Uint8Array) return `0x${toHex(value)}`;
  if (attr.def?.type === "string") return `"${String(value)}"`;
  return String(value);
}

/**
 * radclient prints what it was given: Message-Authenticator as the "0x00"
 * placeholder it then computes, CHAP-Password as the clear text it then
 * hashes, and Cleartext-Password, which it never sends. Everything else must
 * match radkit's decoding, in wire order, name, tag and value.
 */
function assertSameAsPrinted(
  packet: Packet,
  printed: Printed[],
  computed: readonly string[],
): void {
  const expected = printed.filter((p) =>
    p.name !== "Cleartext-Password" && !computed.includes(p.name)
  );
  const actual = packet.attributes().filter((a) => !computed.includes(a.name));
  assert.deepEqual(
    actual.map((a) => ({ name: a.name, tag: a.tag, value: freeradiusText(a) })),
    expected,
  );
}

/** radkit's Access-Accept for a request datagram, with a Reply-Message. */
function accept(datagram: Uint8Array): Uint8Array {
  const request = Packet.decode(datagram, { dictionary, secret: SECRET });
  return request.reply(Code.AccessAccept, { "Reply-Message": "radkit accepts" }).encode(SECRET);
}

const AUTH_REQUEST = [
  'User-Name = "bob"',
  'User-Password = "hello"',
  "Message-Authenticator = 0x00",
  "NAS-IP-Address = 192.0.2.1",
  "NAS-Port = 7",
  'Called-Station-Id = "00-11-22-33-44-55:radkit"',
  "Tunnel-Type:1 = VLAN",
  "Tunnel-Medium-Type:1 = IEEE-802",
  'Tunnel-Private-Group-Id:1 = "42"',
  'ADSL-Agent-Circuit-Id = "eth 0/1"',
  "Actual-Data-Rate-Upstream = 1000",
  'MS-RAS-Version = "MSRASV5.20"',
].join(", ") + "\n";

test(
  "radkit verifies radclient's Message-Authenticator and decodes its Access-Request as radclient printed it",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient("auth", AUTH_REQUEST, accept);
    const datagram = onlyDatagram(result);

    assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
    assert.equal(checkRequest(datagram, utf8("wrong-secret"), true), "bad-message-authenticator");

    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    const sent = sentBlock(result.stdout, "Access-Request");
    assert.equal(packet.code, Code.AccessRequest);
    assert.equal(packet.id, sent.id);
    assertSameAsPrinted(packet, sent.attributes, ["Message-Authenticator"]);
    // The same, spelled out.
    assert.equal(packet.get("User-Name"), "bob");
    assert.equal(packet.get("User-Password"), "hello");
    assert.equal(packet.get("NAS-IP-Address"), "192.0.2.1");
    assert.equal(packet.get("NAS-Port"), 7);
    assert.equal(packet.get("Called-Station-Id"), "00-11-22-33-44-55:radkit");
    assert.deepEqual(packet.get("ADSL-Agent-Circuit-Id"), utf8("eth 0/1"));
    assert.equal(packet.get("Actual-Data-Rate-Upstream"), 1000);
    assert.equal(packet.get("MS-RAS-Version"), "MSRASV5.20");
    assert.equal((packet.get("Message-Authenticator") as Uint8Array).length, 16);
  },
);

test(
  "radkit decodes radclient's tagged Tunnel attributes with their tags",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient(
      "auth",
      'User-Name = "bob", Message-Authenticator = 0x00, Tunnel-Type:1 = VLAN, ' +
        'Tunnel-Medium-Type:1 = IEEE-802, Tunnel-Private-Group-Id:1 = "42", ' +
        'Tunnel-Type:2 = L2TP, Tunnel-Medium-Type:2 = IPv4, Tunnel-Private-Group-Id:2 = "1001"\n',
      accept,
    );
    const datagram = onlyDatagram(result);
    assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    const tunnels = packet.attributes()
      .filter((a) => a.name.startsWith("Tunnel-"))
      .map((a) => ({ name: a.name, tag: a.tag, value: a.value }));
    assert.deepEqual(tunnels, [
      { name: "Tunnel-Type", tag: 1, value: "VLAN" },
      { name: "Tunnel-Medium-Type", tag: 1, value: "IEEE-802" },
      { name: "Tunnel-Private-Group-Id", tag: 1, value: "42" },
      { name: "Tunnel-Type", tag: 2, value: "L2TP" },
      { name: "Tunnel-Medium-Type", tag: 2, value: "IPv4" },
      { name: "Tunnel-Private-Group-Id", tag: 2, value: "1001" },
    ]);
    assertSameAsPrinted(packet, sentBlock(result.stdout, "Access-Request").attributes, [
      "Message-Authenticator",
    ]);
  },
);

test(
  "radkit verifies the CHAP-Password radclient computes (verifyChapPassword)",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient(
      "auth",
      'User-Name = "bob", CHAP-Password = "hello", Message-Authenticator = 0x00\n',
      accept,
    );
    const datagram = onlyDatagram(result);
    assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    assert.equal(packet.get("User-Name"), "bob");
    const chap = packet.get("CHAP-Password");
    assert.ok(chap instanceof Uint8Array && chap.length === 17, `CHAP-Password ${String(chap)}`);
    // radclient prints the CHAP-Password it computed.
    const printed = sentBlock(result.stdout, "Access-Request").attributes;
    assert.equal(printed.find((p) => p.name === "CHAP-Password")?.value, `0x${toHex(chap)}`);
    assert.equal(verifyChapPassword(packet, "hello"), true);
    assert.equal(verifyChapPassword(packet, "hellO"), false);
  },
);

test(
  "radkit verifies radclient's Accounting-Request authenticator and decodes its attributes",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient(
      "acct",
      [
        'User-Name = "bob"',
        "Acct-Status-Type = Start",
        'Acct-Session-Id = "radkit-0001"',
        "NAS-IP-Address = 192.0.2.1",
        "NAS-Port = 7",
        "Framed-IP-Address = 10.1.2.3",
        "Acct-Delay-Time = 0",
        "Acct-Input-Octets = 4294967295",
        "Event-Timestamp = 1700000000",
        'ADSL-Agent-Circuit-Id = "eth 0/1"',
      ].join(", ") + "\n",
      (datagram) => {
        const request = Packet.decode(datagram, { dictionary, secret: SECRET });
        return request.reply(Code.AccountingResponse).encode(SECRET);
      },
    );
    const datagram = onlyDatagram(result);
    assert.equal(checkRequest(datagram, SECRET_BYTES, false), undefined);
    assert.equal(checkRequest(datagram, utf8("wrong-secret"), false), "bad-authenticator");

    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    const sent = sentBlock(result.stdout, "Accounting-Request");
    assert.equal(packet.code, Code.AccountingRequest);
    assert.equal(packet.id, sent.id);
    assert.deepEqual(Object.fromEntries(packet), {
      "User-Name": "bob",
      "Acct-Status-Type": "Start",
      "Acct-Session-Id": "radkit-0001",
      "NAS-IP-Address": "192.0.2.1",
      "NAS-Port": 7,
      "Framed-IP-Address": "10.1.2.3",
      "Acct-Delay-Time": 0,
      "Acct-Input-Octets": 4294967295,
      "Event-Timestamp": new Date(1700000000 * 1000),
      "ADSL-Agent-Circuit-Id": utf8("eth 0/1"),
    });
    // radclient prints dates in its own format; compare everything else.
    assertSameAsPrinted(
      packet,
      sent.attributes.filter((p) => p.name !== "Event-Timestamp"),
      ["Event-Timestamp"],
    );
    assert.match(
      result.stdout,
      /Received Accounting-Response Id \d+ from 127\.0\.0\.1/,
      result.stdout + result.stderr,
    );
  },
);

test(
  "radclient accepts radkit's Access-Accept (Response Authenticator and Message-Authenticator)",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient(
      "auth",
      'User-Name = "bob", User-Password = "hello", Message-Authenticator = 0x00\n',
      accept,
    );
    assert.match(
      result.stdout,
      /Received Access-Accept Id \d+ from 127\.0\.0\.1/,
      result.stdout + result.stderr,
    );
    assert.match(result.stdout, /Reply-Message = "radkit accepts"/);
    assert.match(result.stdout, /Message-Authenticator = 0x[0-9a-f]{32}/);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  },
);

test(
  "radclient rejects a radkit Access-Accept whose Message-Authenticator was altered (so the test above is not vacuous)",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await radclient(
      "auth",
      'User-Name = "bob", User-Password = "hello", Message-Authenticator = 0x00\n',
      (datagram) => {
        const reply = accept(datagram);
        const length = packetLength(reply);
        const offset = findAttribute(reply, length, 80);
        assert.equal(offset, 22, "radkit puts Message-Authenticator first");
        reply[offset]! ^= 0xff;
        // Keep the Response Authenticator right, so only the MA is wrong.
        computeAuthenticator(reply, length, datagram.subarray(4, 20), SECRET_BYTES, reply, 4);
        return reply;
      },
    );
    assert.doesNotMatch(result.stdout, /Received Access-Accept/, result.stdout + result.stderr);
    assert.match(result.stderr, /invalid Message-Authenticator/, result.stdout + result.stderr);
    assert.notEqual(result.code, 0);
  },
);
