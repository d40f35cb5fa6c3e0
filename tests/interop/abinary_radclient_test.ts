// Ascend binary filters against FreeRADIUS 3.2's own compiler and printer:
// radclient compiles filter texts into an Access-Request that a node:dgram
// listener records, and radkit must have compiled each text to the same
// bytes and print them as radclient printed them; the listener replies with
// radkit-compiled filters, and radclient must print them as radkit does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { assertPeers, needs } from "../_peers.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest } from "../../src/codec/packet_codec.ts";
import { compileFilter, decodeFilter } from "../../src/codec/abinary.ts";
import { anyCase, genericText, ipText } from "../codec/_abinary_texts.ts";
import { capture, SECRET, SECRET_BYTES, toHex } from "./codec_udp.ts";

const FILTERS_PER_PACKET = 40;

/** Hand-picked texts: every keyword, name and FreeRADIUS reading quirk. */
const HANDPICKED = [
  "ip in drop tcp dstport > 1023",
  "ip out forward srcip 10.1.2.3 dstip 192.168.0.0/16 17 srcport = www est",
  "IP IN FORWARD TCP SRCPORT != FTP-DATA DSTPORT < TELNET EST",
  "ip in forward",
  "ip out drop 0",
  "ip out drop icmp",
  "ip out drop ospf",
  "ip in forward udp dstport = domain srcport = ntp",
  "ip in forward tcp dstport = smtp",
  "ip in forward tcp dstport = nameserver",
  "ip in forward udp dstport = tftp",
  "ip in forward tcp dstport = gopher srcport = finger",
  "ip in forward tcp dstport = kerberos srcport = hostname",
  "ip in forward tcp dstport = nntp srcport = exec",
  "ip in forward tcp dstport = login srcport = cmd",
  "ip in forward udp dstport = talk srcport = ftp",
  "ip in forward 47",
  "ip in forward 255 est",
  "ip in forward dstip 10/8",
  "ip in forward dstip 172.16/12",
  "ip in forward dstip 1.2.3./24",
  "ip in forward dstip 10.1.2.3/0",
  "ip in forward dstip 10.1.2.3/",
  "ip in forward dstip 0.0.0.0/24",
  "ip in forward srcip 128.1.2.3 dstip 192.0.2.1 tcp",
  "ip in forward srcip 224.0.0.1 dstip 255.255.255.255/32",
  "ip in forward srcip 000010.001.2.3/008",
  "ip\tin\tforward  tcp\t dstport  >  80",
  "generic in forward 12 ffffffffffff 080000000000 != more",
  "generic out drop 0 00ff00ff00ff 0a0b0c0d0e0f",
  "GENERIC IN FORWARD 65535 FFFFFFFFFFFF 000000000000 MORE ==",
  "generic in drop 1 ffffffffffffXYZ 0102030405069",
  "generic in forward",
];

/** The attribute values printed under each "<what> <code> Id" header, per packet. */
function printedBlocks(stdout: string, header: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const line of stdout.split("\n")) {
    if (line.startsWith(header)) blocks.push(current = []);
    else if (!line.startsWith("\t")) current = undefined;
    else if (current !== undefined) current.push(line);
  }
  return blocks;
}

/** The value radclient printed on a `\tAscend-Data-Filter = value` line. */
function filterValue(line: string): string {
  const match = /^\tAscend-Data-Filter = (.*)$/.exec(line);
  assert.ok(match, `unexpected radclient line ${JSON.stringify(line)}`);
  return match[1]!;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

test(
  "radkit compiles Ascend filter text to the bytes radclient sends and prints them as radclient does, both ways",
  needs("radclient", "dictionaries"),
  async () => {
    assertPeers("radclient", "dictionaries");
    const dictionary = await Dictionary.load(
      "/usr/share/freeradius/dictionary",
      (path) => readFile(path, "utf8"),
    );
    const generated = fc.sample(
      fc.tuple(fc.oneof(ipText(false), genericText), fc.nat()).map(([text, seed]) =>
        anyCase(text, seed)
      ),
      { numRuns: 200, seed: 20261202 },
    );
    const texts = [...HANDPICKED, ...generated];
    const packets = chunks(texts, FILTERS_PER_PACKET);
    /** Which group of texts a request carries (radclient numbers its packets itself). */
    const packetOf = (request: Packet): number => {
      const first = request.attributes().find((a) => a.name === "Ascend-Data-Filter");
      return packets.findIndex((group) => toHex(first!.raw!) === toHex(compileFilter(group[0]!)));
    };
    // The reply to each request carries the same filters, compiled by radkit.
    const result = await capture(
      (port) => ({
        command: "radclient",
        args: ["-x", "-r", "1", "-t", "2", "-p", "1", `127.0.0.1:${port}`, "auth", SECRET],
        input: packets.map((group) =>
          [
            'User-Name = "abinary"',
            "Message-Authenticator = 0x00",
            ...group.map((text) => `Ascend-Data-Filter = "${text}"`),
          ].join("\n")
        ).join("\n\n") + "\n",
      }),
      (datagram) => {
        const request = Packet.decode(datagram, { dictionary, secret: SECRET });
        const index = packetOf(request);
        const group = packets[index]!;
        return request.reply(Code.AccessAccept, {
          "Ascend-Data-Filter": group.map((text) => compileFilter(text)),
        }).encode(SECRET);
      },
    );
    const output = result.stdout + result.stderr;
    assert.equal(result.datagrams.length, packets.length, output);
    const sent = printedBlocks(result.stdout, "Sent Access-Request Id ");
    const received = printedBlocks(result.stdout, "Received Access-Accept Id ");
    assert.equal(received.length, packets.length, output);

    let compared = 0;
    for (const datagram of result.datagrams) {
      assert.equal(checkRequest(datagram, SECRET_BYTES, true), undefined);
      const request = Packet.decode(datagram, { dictionary, secret: SECRET });
      const values = request.attributes().filter((a) => a.name === "Ascend-Data-Filter");
      const p = packetOf(request);
      assert.notEqual(p, -1, "a datagram that matches no packet of filters");
      const group = packets[p]!;
      const radclientSent = sent[p]!.filter((line) => line.startsWith("\tAscend-Data-Filter"));
      const radclientReceived = received[p]!.filter((line) =>
        line.startsWith("\tAscend-Data-Filter")
      );
      assert.equal(radclientSent.length, group.length);
      assert.equal(radclientReceived.length, group.length);
      for (let i = 0; i < group.length; i++) {
        const text = group[i]!;
        const bytes = compileFilter(text);
        // 1. radkit compiles the text to the bytes radclient sent.
        assert.equal(toHex(values[i]!.raw!), toHex(bytes), text);
        const printed = decodeFilter(bytes);
        for (const line of [radclientSent[i]!, radclientReceived[i]!]) {
          const freeradius = filterValue(line);
          if (bytes[0] === 0) {
            // 3.2's print_abinary stops after "generic in forward" (and its
            // closing quote) for a 6-octet mask, which is every compiled one:
            // radkit prints the whole filter. "generic in forward" alone
            // (length 0) prints as text that does not compile: radkit keeps bytes.
            const head = `"generic ${bytes[2] ? "in" : "out"} ${bytes[1] ? "forward" : "drop"}`;
            if (bytes[7] === 0) {
              assert.equal(freeradius, `${head} 0   =="`, text);
              assert.deepEqual(values[i]!.value, bytes);
            } else {
              assert.equal(freeradius, head, text);
              assert.equal(printed?.split(" ").slice(0, 3).join(" "), head.slice(1), text);
              assert.equal(values[i]!.value, printed);
            }
          } else if (typeof printed === "string") {
            // 2. radkit prints what FreeRADIUS prints, both for the filter
            // radclient compiled and for the one radkit compiled.
            assert.equal(freeradius, `"${printed}"`, text);
            assert.equal(values[i]!.value, printed);
          } else {
            // Not canonical (a protocol printed "??", an address of 0 with a
            // mask): radkit keeps the bytes, FreeRADIUS prints lossy text.
            assert.match(freeradius, /^"ip (in|out) (forward|drop)/, text);
            assert.deepEqual(values[i]!.value, bytes);
          }
          compared++;
        }
      }
    }
    assert.equal(compared, 2 * texts.length);
  },
);

test(
  "radclient refuses the filter texts radkit refuses",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    // One text per run: radclient stops at the first value it cannot parse.
    for (
      const text of [
        "ip in",
        "tcp in drop",
        "ip sideways drop",
        "ip in allow",
        "ip in drop gre",
        "ip in drop tcp udp",
        "ip in drop tcp dstport >= 1023",
        "ip in drop tcp dstport > 65536",
        "ip in drop srcip 1.2.3.4 srcip 1.2.3.4",
        "ip in drop srcip 1.2.3.256",
        "ip in drop srcip 1.2.3.4/33",
        "generic in drop 1 ffff 0000",
        "generic in drop 65536 ffffffffffff 000000000000",
        "generic in drop 1 ffffffffffff 000000000000 == !=",
      ]
    ) {
      assert.throws(() => compileFilter(text), text);
      const result = await capture((port) => ({
        command: "radclient",
        args: ["-x", "-r", "1", "-t", "1", `127.0.0.1:${port}`, "auth", SECRET],
        input: `User-Name = "x", Ascend-Data-Filter = "${text}"\n`,
      }));
      assert.equal(result.datagrams.length, 0, `radclient sent "${text}"`);
      assert.notEqual(result.code, 0, text);
    }
  },
);

test(
  "radkit refuses the filter texts FreeRADIUS misreads (documented in dictionaries/DIFFERENCES.md)",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const result = await capture((port) => ({
      command: "radclient",
      args: ["-x", "-r", "1", "-t", "1", `127.0.0.1:${port}`, "auth", SECRET],
      input: 'User-Name = "x", Ascend-Data-Filter = "ip in drop srcip 10.1.2 300"\n',
    }));
    assert.equal(result.datagrams.length, 1, result.stdout + result.stderr);
    const datagram = result.datagrams[0]!;
    // FreeRADIUS drops the last part of a short address and keeps the low
    // byte of the protocol: 10.1.0.0/8 and 300 & 0xff = 44.
    // The filter follows the Ascend vendor id 00000211, its type f2 and length 22.
    const vsa = toHex(datagram).indexOf("00000211f222", 40);
    assert.ok(vsa > 0 && vsa % 2 === 0, toHex(datagram));
    const at = vsa / 2 + 6;
    assert.equal(toHex(datagram.subarray(at + 4, at + 8)), "0a010000");
    assert.equal(datagram[at + 12], 8);
    assert.equal(datagram[at + 14], 44);
    assert.match(result.stdout, /Ascend-Data-Filter = "ip in drop srcip 10\.1\.0\.0\/8 \?\?"/);
    assert.throws(() => compileFilter("ip in drop srcip 10.1.2"), /fewer than four parts/);
    assert.throws(() => compileFilter("ip in drop 300"), /unknown protocol "300"/);
  },
);
