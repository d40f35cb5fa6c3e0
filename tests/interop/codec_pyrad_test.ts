// Proves that radkit's codec and pyrad 2.1 (a Python RADIUS implementation)
// agree both ways: radkit verifies and decodes packets pyrad built, and pyrad
// decodes packets radkit encoded. tests/interop/codec_pyrad.py is the Python
// side; it documents what pyrad 2.1 cannot do and is done there in plain
// Python (Message-Authenticator, Tunnel-Password, CHAP, decoding tags).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { assertPeers, needs } from "../_peers.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest } from "../../src/codec/packet_codec.ts";
import { addChapPassword, verifyChapPassword } from "../../src/chap.ts";
import { fromHex, run, SECRET, SECRET_BYTES, toHex, utf8 } from "./codec_udp.ts";

const dictionary = Dictionary.default();
const script = fileURLToPath(new URL("./codec_pyrad.py", import.meta.url));

/** Runs codec_pyrad.py with a JSON request and returns its JSON answer. */
async function pyrad(command: "build" | "decode", request: unknown): Promise<unknown> {
  const result = await run("/usr/bin/python3", [script, command], JSON.stringify(request));
  assert.equal(result.code, 0, `codec_pyrad.py ${command} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The values both sides put in their packets. */
const values = {
  id: 42,
  authenticator: "00112233445566778899aabbccddeeff",
  userName: "bob",
  password: "hello, pyrad!", // 13 bytes: padded to one block
  nasIp: "192.0.2.1",
  nasPort: 7,
  calledStationId: "00-11-22-33-44-55:radkit",
  tunnels: [
    { tag: 1, type: "VLAN", medium: "IEEE-802", group: "42" },
    { tag: 2, type: "L2TP", medium: "IPv4", group: "1001" },
  ] as const,
  tunnelPassword: { tag: 1, value: "a tunnel password longer than 16" },
  circuitId: "eth 0/1",
  rateUp: 1000,
  rasVersion: "MSRASV5.20",
  chapIdent: 9,
  acct: [
    ["User-Name", "bob"],
    ["Acct-Status-Type", "Stop"],
    ["Acct-Session-Id", "radkit-0001"],
    ["NAS-IP-Address", "192.0.2.1"],
    ["Acct-Session-Time", 3600],
    ["Acct-Input-Octets", 123456],
    ["Event-Timestamp", 1700000000],
    ["ADSL-Agent-Circuit-Id", "eth 0/1"],
  ] as [string, string | number][],
};

interface Built {
  access: string;
  chap: string;
  acct: string;
}

interface PyradAttribute {
  name: string;
  values: unknown[];
}

interface PyradDecoded {
  code: number;
  id: number;
  attributes: PyradAttribute[];
  userPassword?: string;
  tunnelPassword?: { tag: number; salt: boolean; value: string }[];
  chapValid?: boolean;
  acctValid?: boolean;
  messageAuthenticatorValid?: boolean;
}

/** Attribute name → values, as pyrad reported them. */
function byName(decoded: PyradDecoded): Record<string, unknown[]> {
  return Object.fromEntries(decoded.attributes.map((a) => [a.name, a.values]));
}

/** [name, tag, value] of radkit's decoded attributes whose name starts with `prefix`. */
function tagged(packet: Packet, prefix: string): [string, number | undefined, unknown][] {
  return packet.attributes()
    .filter((a) => a.name.startsWith(prefix))
    .map((a) => [a.name, a.tag, a.value]);
}

test(
  "radkit verifies and decodes a pyrad Access-Request: PwCrypt password, tagged Tunnel attributes, Tunnel-Password, VSAs",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const built = await pyrad("build", { secret: SECRET, values }) as Built;
    const datagram = fromHex(built.access);
    assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
    assert.equal(checkRequest(datagram, utf8("wrong-secret"), true), "bad-message-authenticator");

    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    assert.equal(packet.code, Code.AccessRequest);
    assert.equal(packet.id, values.id);
    assert.equal(toHex(packet.authenticator), values.authenticator);
    assert.equal(packet.get("User-Name"), values.userName);
    assert.equal(packet.get("User-Password"), values.password);
    assert.equal(packet.get("NAS-IP-Address"), values.nasIp);
    assert.equal(packet.get("NAS-Port"), values.nasPort);
    assert.equal(packet.get("Called-Station-Id"), values.calledStationId);
    assert.deepEqual(
      tagged(packet, "Tunnel-"),
      [
        ["Tunnel-Type", 1, "VLAN"],
        ["Tunnel-Medium-Type", 1, "IEEE-802"],
        ["Tunnel-Private-Group-Id", 1, "42"],
        ["Tunnel-Type", 2, "L2TP"],
        ["Tunnel-Medium-Type", 2, "IPv4"],
        ["Tunnel-Private-Group-Id", 2, "1001"],
        ["Tunnel-Password", 1, values.tunnelPassword.value],
      ].sort(byTunnelName),
    );
    assert.deepEqual(packet.get("ADSL-Agent-Circuit-Id"), utf8(values.circuitId));
    assert.equal(packet.get("Actual-Data-Rate-Upstream"), values.rateUp);
    assert.equal(packet.get("MS-RAS-Version"), values.rasVersion);
  },
);

/** pyrad groups values by attribute (a dict), so compare Tunnel-* by name, keeping each name's order. */
function byTunnelName(a: readonly unknown[], b: readonly unknown[]): number {
  const order = ["Tunnel-Type", "Tunnel-Medium-Type", "Tunnel-Private-Group-Id", "Tunnel-Password"];
  return order.indexOf(a[0] as string) - order.indexOf(b[0] as string);
}

test(
  "radkit verifies a CHAP-Password and Message-Authenticator built with pyrad",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const built = await pyrad("build", { secret: SECRET, values }) as Built;
    const datagram = fromHex(built.chap);
    assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    assert.equal(packet.get("User-Name"), values.userName);
    assert.equal((packet.get("CHAP-Password") as Uint8Array)[0], values.chapIdent);
    assert.equal(verifyChapPassword(packet, values.password), true);
    assert.equal(verifyChapPassword(packet, "wrong"), false);
  },
);

test(
  "radkit verifies the Request Authenticator of a pyrad Accounting-Request and decodes it",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const built = await pyrad("build", { secret: SECRET, values }) as Built;
    const datagram = fromHex(built.acct);
    assert.equal(checkRequest(datagram, SECRET_BYTES, false), undefined);
    assert.equal(checkRequest(datagram, utf8("wrong-secret"), false), "bad-authenticator");
    const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
    assert.equal(packet.code, Code.AccountingRequest);
    assert.deepEqual(Object.fromEntries(packet), {
      "User-Name": "bob",
      "Acct-Status-Type": "Stop",
      "Acct-Session-Id": "radkit-0001",
      "NAS-IP-Address": "192.0.2.1",
      "Acct-Session-Time": 3600,
      "Acct-Input-Octets": 123456,
      "Event-Timestamp": new Date(1700000000 * 1000),
      "ADSL-Agent-Circuit-Id": utf8("eth 0/1"),
    });
  },
);

/** The Access-Request radkit encodes with the same values pyrad uses. */
function radkitAccessRequest(): Packet {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": values.userName,
    "User-Password": values.password,
    "NAS-IP-Address": values.nasIp,
    "NAS-Port": values.nasPort,
    "Called-Station-Id": values.calledStationId,
    "Tunnel-Type": values.tunnels.map((t) => ({ tag: t.tag, value: t.type })),
    "Tunnel-Medium-Type": values.tunnels.map((t) => ({ tag: t.tag, value: t.medium })),
    "Tunnel-Private-Group-Id": values.tunnels.map((t) => ({ tag: t.tag, value: t.group })),
    "Tunnel-Password": values.tunnelPassword,
    "ADSL-Agent-Circuit-Id": utf8(values.circuitId),
    "Actual-Data-Rate-Upstream": values.rateUp,
    "MS-RAS-Version": values.rasVersion,
  }, { id: values.id });
}

test(
  "pyrad decodes radkit's Access-Request: password (PwDecrypt), tags, Tunnel-Password, VSAs, Message-Authenticator",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const request = radkitAccessRequest();
    const datagram = request.encode(SECRET);
    const decoded = (await pyrad("decode", {
      secret: SECRET,
      password: values.password,
      packets: { access: toHex(datagram) },
    }) as { access: PyradDecoded }).access;

    assert.equal(decoded.code, Code.AccessRequest);
    assert.equal(decoded.id, values.id);
    assert.equal(decoded.messageAuthenticatorValid, true);
    assert.equal(decoded.userPassword, values.password);
    assert.deepEqual(decoded.tunnelPassword, [{
      tag: 1,
      salt: true,
      value: values.tunnelPassword.value,
    }]);
    const attrs = byName(decoded);
    assert.deepEqual(attrs["User-Name"], [values.userName]);
    assert.deepEqual(attrs["NAS-IP-Address"], [values.nasIp]);
    assert.deepEqual(attrs["NAS-Port"], [values.nasPort]);
    assert.deepEqual(attrs["Called-Station-Id"], [values.calledStationId]);
    assert.deepEqual(
      attrs["Tunnel-Type"],
      values.tunnels.map((t) => ({ tag: t.tag, value: t.type })),
    );
    assert.deepEqual(
      attrs["Tunnel-Medium-Type"],
      values.tunnels.map((t) => ({ tag: t.tag, value: t.medium })),
    );
    assert.deepEqual(
      attrs["Tunnel-Private-Group-Id"],
      values.tunnels.map((t) => ({ tag: t.tag, value: t.group })),
    );
    assert.deepEqual(attrs["ADSL-Agent-Circuit-Id"], [`0x${toHex(utf8(values.circuitId))}`]);
    assert.deepEqual(attrs["Actual-Data-Rate-Upstream"], [values.rateUp]);
    assert.deepEqual(attrs["MS-RAS-Version"], [values.rasVersion]);
    // Nothing pyrad could not name (an unknown key would show as a tuple or number).
    assert.deepEqual(decoded.attributes.filter((a) => !/^[A-Z]/.test(a.name)), []);
  },
);

test(
  "pyrad verifies radkit's CHAP-Password (addChapPassword) with the RFC 2865 challenge",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const plain = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
    addChapPassword(plain, values.password, 200);
    const withChallenge = Packet.create(Code.AccessRequest, dictionary, {
      "User-Name": "bob",
      "CHAP-Challenge": utf8("a 19-byte challenge"),
    });
    addChapPassword(withChallenge, values.password);
    const decoded = await pyrad("decode", {
      secret: SECRET,
      password: values.password,
      packets: {
        plain: toHex(plain.encode(SECRET)),
        withChallenge: toHex(withChallenge.encode(SECRET)),
      },
    }) as Record<string, PyradDecoded>;
    assert.equal(decoded.plain?.chapValid, true);
    assert.equal(decoded.plain?.messageAuthenticatorValid, true);
    assert.equal(decoded.withChallenge?.chapValid, true);
    assert.equal(decoded.withChallenge?.messageAuthenticatorValid, true);
  },
);

test(
  "pyrad's VerifyAcctRequest accepts radkit's Accounting-Request and decodes its values",
  needs("pyrad"),
  async () => {
    assertPeers("pyrad");
    const request = Packet.create(Code.AccountingRequest, dictionary, {
      "User-Name": "bob",
      "Acct-Status-Type": "Stop",
      "Acct-Session-Id": "radkit-0001",
      "NAS-IP-Address": "192.0.2.1",
      "Acct-Session-Time": 3600,
      "Acct-Input-Octets": 123456,
      "Event-Timestamp": new Date(1700000000 * 1000),
      "ADSL-Agent-Circuit-Id": utf8("eth 0/1"),
    }, { id: 7 });
    const decoded = (await pyrad("decode", {
      secret: SECRET,
      password: "",
      packets: { acct: toHex(request.encode(SECRET)) },
    }) as { acct: PyradDecoded }).acct;
    assert.equal(decoded.code, Code.AccountingRequest);
    assert.equal(decoded.id, 7);
    assert.equal(decoded.acctValid, true);
    assert.deepEqual(byName(decoded), {
      "User-Name": ["bob"],
      "Acct-Status-Type": ["Stop"],
      "Acct-Session-Id": ["radkit-0001"],
      "NAS-IP-Address": ["192.0.2.1"],
      "Acct-Session-Time": [3600],
      "Acct-Input-Octets": [123456],
      "Event-Timestamp": [1700000000],
      "ADSL-Agent-Circuit-Id": [`0x${toHex(utf8("eth 0/1"))}`],
    });
  },
);
