// radkit decode of real tcpdump -x/-xx/-X and tshark -x output (saved from a
// radclient → radkit serve exchange, see fixtures/capture/README.md): the
// offsets, ASCII column and link-layer, IP and UDP headers are skipped, and
// what is not a RADIUS packet is a clear usage error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findPacket } from "../../src/cli/capture.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { cli, lines } from "./_cli.ts";

const T = { timeout: 60000 };
const SECRET = "testing123";
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/capture/${name}`, import.meta.url), "utf8");

const REQUEST = [
  '\tUser-Name = "bob"',
  "\tUser-Password = <hidden, 5 bytes>", // without --show-secrets
  "\tNAS-Port = 7",
];

for (
  const name of [
    "tcpdump-x-ipv4.txt",
    "tcpdump-X-ipv4.txt",
    "tcpdump-xx-ethernet.txt",
    "tcpdump-xx-linux-sll2.txt",
  ]
) {
  test(`decode reads ${name}`, () => {
    const found = findPacket(fixture(name));
    assert.equal(found.bytes.length, 67);
    assert.equal(found.bytes[0], 1);
    assert.equal(found.udp, "127.0.0.1:50915 -> 127.0.0.1:18121");
    assert.equal(found.frames, 1);
  });
}

test(
  "radkit decode - reads tcpdump -x from standard input and verifies the packet",
  T,
  async () => {
    const result = await cli(["decode", "--secret", SECRET, "-"], {
      input: fixture("tcpdump-x-ipv4.txt"),
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = lines(result.stdout);
    assert.match(out[0]!, /^Access-Request Id 101 length 67 /);
    assert.match(out[1]!, /verified: Message-Authenticator/);
    assert.deepEqual(out.slice(2).filter((l) => !l.includes("Message-Authenticator")), REQUEST);
    assert.equal(result.stderr, "");
  },
);

test("radkit decode reads tshark -x (IPv4 reply, verified against its request)", T, async () => {
  const result = await cli([
    "decode",
    "--secret",
    SECRET,
    "--request-authenticator",
    "520f1348c5d62ed6bff37d995f794a95",
    "-",
  ], { input: fixture("tshark-x-ipv4-reply.txt") });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const out = lines(result.stdout);
  assert.match(out[0]!, /^Access-Accept Id 101 length 50 /);
  assert.match(out[1]!, /verified: Response Authenticator and Message-Authenticator/);
  assert.ok(out.includes('\tReply-Message = "Hello, bob"'), result.stdout);
});

test("radkit decode reads IPv6 captures from tcpdump -x and tshark -x", T, async () => {
  for (const name of ["tcpdump-x-ipv6.txt", "tshark-x-ipv6.txt"]) {
    const found = findPacket(fixture(name));
    assert.equal(found.udp, "[::1]:45152 -> [::1]:18131", name);
    const result = await cli(["decode", "--secret", SECRET, "-"], { input: fixture(name) });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = lines(result.stdout);
    assert.match(out[0]!, /^Accounting-Request Id 253 length 35 /);
    assert.match(out[1]!, /verified: Request Authenticator/);
    assert.deepEqual(out.slice(2), [
      '\tUser-Name = "bob"',
      "\tAcct-Status-Type = Start",
      '\tAcct-Session-Id = "42"',
    ]);
  }
});

test("a dump of several frames decodes the first and says so", T, async () => {
  const result = await cli(["decode", "--secret", SECRET, "-"], {
    input: fixture("tcpdump-x-four-packets.txt"),
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^Access-Request Id 101 /);
  assert.match(result.stderr, /4 frames; decoding the first \(127\.0\.0\.1:50915 -> /);
});

test("plain hex is read as before, and hex of a whole IP packet has its headers skipped", () => {
  const dump = fixture("tcpdump-x-ipv4.txt");
  const packet = findPacket(dump).bytes;
  const hex = Array.from(packet, (byte) => byte.toString(16).padStart(2, "0")).join("");
  assert.deepEqual(findPacket(hex).bytes, packet);
  assert.deepEqual(
    findPacket(hex.match(/..../g)!.join(" ")).bytes.slice(0, 64),
    packet.slice(0, 64),
  );
  const ipHex = dump.split("\n").filter((l) => l.startsWith("\t")).map((l) => l.slice(10)).join(
    " ",
  );
  const found = findPacket(ipHex);
  assert.deepEqual(found.bytes, packet);
  assert.equal(found.frames, 0);
});

test("a dump without a RADIUS packet is a clear usage error", () => {
  // A real DNS query over UDP (not RADIUS), and a TCP segment.
  const dns = "\t0x0000:  4500 0039 0001 0000 4011 0000 7f00 0001\n" +
    "\t0x0010:  7f00 0035 c000 0035 0025 0000 1234 0100\n" +
    "\t0x0020:  0001 0000 0000 0000 0765 7861 6d70 6c65\n" +
    "\t0x0030:  0363 6f6d 0000 0100 01\n";
  assert.throws(() => findPacket(dns), (error: Error) => {
    assert.ok(error instanceof UsageError);
    assert.match(
      error.message,
      /No RADIUS packet in the captured UDP datagram 127\.0\.0\.1:49152 -> 127\.0\.0\.53:53/,
    );
    return true;
  });
  const tcp = "\t0x0000:  4500 0028 0001 0000 4006 0000 7f00 0001\n" +
    "\t0x0010:  7f00 0001 c000 0714 0000 0000 0000 0000\n" +
    "\t0x0020:  5000 0000 0000 0000\n";
  assert.throws(() => findPacket(tcp), /No RADIUS packet found in the hex dump/);
  // Truncated: the IPv4 Total Length claims more than the dump holds.
  const truncated = fixture("tcpdump-x-ipv4.txt").split("\n").slice(0, 4).join("\n");
  assert.throws(() => findPacket(truncated), /No RADIUS packet found/);
  // A fragment.
  const fragment = dns.replace("0001 0000 4011", "0001 2000 4011");
  assert.throws(() => findPacket(fragment), /fragment/);
});
