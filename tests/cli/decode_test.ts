// radkit decode of packets built by FreeRADIUS's radclient (captured on a
// node:dgram listener), and of the RFC 2865 §7.1 example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs, peers } from "../_peers.ts";
import { capture, SECRET, toHex } from "../interop/codec_udp.ts";
import { Code, Dictionary, Packet } from "../../mod.ts";
import { cli, lines } from "./_cli.ts";

const T = { timeout: 60000 };
const dictionary = Dictionary.default();

/** The first datagram radclient sends for `input`; answered so that it exits at once. */
async function radclientPacket(kind: "auth" | "acct", input: string): Promise<Uint8Array> {
  const { datagrams, stdout, stderr } = await capture(
    (port) => ({
      command: peers.radclient.path,
      args: ["-r", "1", "-t", "2", `127.0.0.1:${port}`, kind, SECRET],
      input,
    }),
    (datagram) => {
      const request = Packet.decode(datagram, { dictionary, secret: SECRET });
      const code = request.code === Code.AccessRequest
        ? Code.AccessAccept
        : Code.AccountingResponse;
      return request.reply(code).encode(SECRET);
    },
  );
  assert.ok(datagrams.length > 0, `radclient sent nothing: ${stdout}${stderr}`);
  return datagrams[0]!;
}

test("decode of a radclient Access-Request matches what radclient sent", {
  ...T,
  ...needs("radclient"),
}, async () => {
  assertPeers("radclient");
  const datagram = await radclientPacket(
    "auth",
    'User-Name = "bob"\nUser-Password = "hello"\nNAS-IP-Address = 192.0.2.1\nNAS-Port = 7\n' +
      "Service-Type = Framed-User\nMessage-Authenticator = 0x00\n",
  );
  // Spaced hex, as tcpdump and Wireshark print it.
  const spaced = toHex(datagram).match(/../g)!.join(" ");
  const result = await cli(["decode", "--secret", SECRET, "--show-secrets", spaced]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const out = lines(result.stdout);
  assert.match(out[0]!, new RegExp(`^Access-Request Id ${datagram[1]} length ${datagram.length} `));
  assert.match(out[1]!, /verified: Message-Authenticator/);
  assert.deepEqual(out.slice(2).filter((l) => !l.includes("Message-Authenticator")), [
    '\tUser-Name = "bob"',
    '\tUser-Password = "hello"',
    "\tNAS-IP-Address = 192.0.2.1",
    "\tNAS-Port = 7",
    "\tService-Type = Framed-User",
  ]);

  const json = await cli(["decode", "--secret", SECRET, "--json", toHex(datagram)]);
  assert.equal(json.code, 0, json.stderr);
  const packet = JSON.parse(json.stdout);
  assert.equal(packet.code, "Access-Request");
  assert.equal(packet.id, datagram[1]);
  assert.equal(packet.verified, true);
  assert.deepEqual(
    packet.attributes.filter((a: { name: string }) => a.name !== "Message-Authenticator"),
    [
      { name: "User-Name", value: "bob" },
      { name: "User-Password", value: "<hidden, 5 bytes>" },
      { name: "NAS-IP-Address", value: "192.0.2.1" },
      { name: "NAS-Port", value: 7 },
      { name: "Service-Type", value: "Framed-User" },
    ],
  );

  const wrong = await cli(["decode", "--secret", "not-the-secret", toHex(datagram)]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /NOT verified/);
  assert.equal(lines(wrong.stderr).length, 1);
  assert.match(wrong.stderr, /wrong --secret/);
});

test("decode of a radclient Accounting-Request verifies its authenticator (stdin)", {
  ...T,
  ...needs("radclient"),
}, async () => {
  assertPeers("radclient");
  const datagram = await radclientPacket(
    "acct",
    'User-Name = "bob"\nAcct-Status-Type = Start\nAcct-Session-Id = "abc"\n',
  );
  const hex = toHex(datagram).match(/../g)!.join(":");
  const result = await cli(["decode", "--secret", SECRET, "--json", "-"], { input: `${hex}\n` });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const packet = JSON.parse(result.stdout);
  assert.equal(packet.code, "Accounting-Request");
  assert.equal(packet.verified, true);
  assert.match(packet.verification, /Request Authenticator/);
  assert.deepEqual(packet.attributes.slice(0, 3), [
    { name: "User-Name", value: "bob" },
    { name: "Acct-Status-Type", value: "Start" },
    { name: "Acct-Session-Id", value: "abc" },
  ]);
});

test(
  "decode of the RFC 2865 §7.1 example reveals the password only with --show-secrets",
  T,
  async () => {
    const hex =
      "010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003";
    const hidden = await cli(["decode", "--secret", "xyzzy5461", hex]);
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.match(hidden.stdout, /User-Password = <hidden, 10 bytes>/);
    assert.doesNotMatch(hidden.stdout, /arctangent/);
    const result = await cli(["decode", "--secret", "xyzzy5461", "--show-secrets", hex]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /User-Password = "arctangent"/);
    assert.match(result.stdout, /not verifiable/);
  },
);

test("decode verifies a reply with --request-authenticator", T, async () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  request.encode(SECRET);
  const reply = request.reply(Code.AccessAccept, { "Reply-Message": "hi" }).encode(SECRET);
  const good = await cli([
    "decode",
    "--secret",
    SECRET,
    "--request-authenticator",
    toHex(request.authenticator),
    toHex(reply),
  ]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /verified: Response Authenticator and Message-Authenticator/);
  const unverified = await cli(["decode", "--secret", SECRET, toHex(reply)]);
  assert.equal(unverified.code, 0);
  assert.match(
    unverified.stdout,
    /not verified: an Access-Accept verifies only against its request \(give --request-authenticator HEX\)/,
  );
  const malformed = await cli(["decode", "--secret", SECRET, "0c01"]);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /shorter than the 20-byte header/);
});
