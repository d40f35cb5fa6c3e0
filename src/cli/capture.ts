/**
 * The RADIUS packet in what `radkit decode` is given: hex, or the hex dump
 * of a captured frame as `tcpdump -x`/`-xx`/`-X` and `tshark -x` print it,
 * with its link-layer, IPv4 or IPv6 and UDP headers, which are checked and
 * skipped.
 *
 * @module
 */
import { formatAddress } from "../address.ts";
import { UsageError } from "./errors.ts";
import { fromHex } from "./output.ts";

/** The packet found, and what was around it. */
export interface FoundPacket {
  /** The RADIUS packet's bytes (the UDP payload, or the hex as given). */
  readonly bytes: Uint8Array;
  /** How many frames the dump holds (the first is decoded); 0 for plain hex. */
  readonly frames: number;
  /** `source -> destination` of the UDP datagram, when headers were skipped. */
  readonly udp: string | undefined;
}

// tcpdump: "\t0x0010:  7f00 0001 c6e3 …  ascii"; tshark: "0010  7f 00 00 01 …   ascii".
const DUMP_LINE = /^\s*(?:0x)?([0-9a-f]{4,8}):?[ \t]+(\S.*)$/i;

/**
 * The frames of a hex dump: runs of lines that start with an offset, the
 * first at 0, each the previous offset plus the bytes before it. Other lines
 * (tcpdump's packet summaries, blank lines) separate frames; the ASCII
 * column (after two or more spaces) is dropped.
 *
 * @returns The frames, or `undefined` when the text is not such a dump.
 */
function dumpFrames(text: string): Uint8Array[] | undefined {
  const frames: Uint8Array[][] = [];
  let current: Uint8Array[] | undefined;
  let expected = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = DUMP_LINE.exec(line);
    const offset = match === null ? -1 : parseInt(match[1]!, 16);
    if (match === null || (offset !== 0 && (current === undefined || offset !== expected))) {
      if (match !== null && current !== undefined) return undefined; // offsets out of step
      current = undefined;
      continue;
    }
    if (offset === 0) {
      current = [];
      frames.push(current);
      expected = 0;
    }
    const bytes = fromHex(match[2]!.split(/\s{2,}/)[0]!);
    if (bytes === undefined || bytes.length === 0) return undefined;
    current!.push(bytes);
    expected += bytes.length;
  }
  if (frames.length === 0) return undefined;
  return frames.map((parts) => {
    const frame = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      frame.set(part, at);
      at += part.length;
    }
    return frame;
  });
}

/** A UDP datagram found in a frame. */
interface Datagram {
  readonly payload: Uint8Array;
  readonly udp: string;
}

// Where the IP header may start: no link layer, Ethernet, Ethernet with an
// 802.1Q tag, Linux cooked (SLL, as `tcpdump -i any -xx`), SLL2, BSD loopback.
const LINK_HEADERS = [0, 14, 18, 16, 20, 4] as const;

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** The UDP datagram of an IPv4 or IPv6 packet at `start`, checked field by field. */
function ipUdp(bytes: Uint8Array, start: number): Datagram | undefined {
  const version = bytes[start]! >> 4;
  let header: number;
  let end: number;
  let from: string;
  let to: string;
  if (version === 4) {
    // RFC 791: IHL in 32-bit words; Total Length; Protocol 17 is UDP (RFC 768).
    header = (bytes[start]! & 0x0f) * 4;
    end = start + u16(bytes, start + 2);
    if (header < 20 || end > bytes.length || end < start + header + 8) return undefined;
    if (bytes[start + 9] !== 17) return undefined;
    if ((u16(bytes, start + 6) & 0x3fff) !== 0) {
      throw new UsageError(
        "The captured IPv4 packet is a fragment: decode the reassembled datagram (e.g. tshark -x shows it)",
      );
    }
    from = bytes.subarray(start + 12, start + 16).join(".");
    to = bytes.subarray(start + 16, start + 20).join(".");
  } else if (version === 6) {
    // RFC 8200: 40-byte header, Payload Length, Next Header (extension headers first).
    end = start + 40 + u16(bytes, start + 4);
    if (start + 40 > bytes.length || end > bytes.length) return undefined;
    let next = bytes[start + 6]!;
    header = 40;
    while (next === 0 || next === 43 || next === 60) {
      if (start + header + 8 > end) return undefined;
      next = bytes[start + header]!;
      header += (bytes[start + header + 1]! + 1) * 8;
    }
    if (next === 44) {
      throw new UsageError(
        "The captured IPv6 packet is a fragment: decode the reassembled datagram (e.g. tshark -x shows it)",
      );
    }
    if (next !== 17 || end < start + header + 8) return undefined;
    from = ipv6(bytes.subarray(start + 8, start + 24));
    to = ipv6(bytes.subarray(start + 24, start + 40));
  } else return undefined;
  const udp = start + header;
  // RFC 768: the UDP Length covers its 8-byte header and the data.
  if (u16(bytes, udp + 4) !== end - udp) return undefined;
  return {
    payload: bytes.slice(udp + 8, end),
    udp: `${formatAddress({ hostname: from, port: u16(bytes, udp) })} -> ${
      formatAddress({ hostname: to, port: u16(bytes, udp + 2) })
    }`,
  };
}

function ipv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(u16(bytes, i).toString(16));
  // RFC 5952: the longest run of zero groups (two or more) becomes "::".
  const text = groups.join(":");
  const runs = text.match(/(?:^|:)0(?::0)+(?:$|:)/g) ?? [];
  const longest = runs.reduce((best, run) => (run.length > best.length ? run : best), "");
  return longest === "" ? text : text.replace(longest, "::");
}

/** The RADIUS header's Length (RFC 2865 §3) fits the datagram. */
function isRadiusLength(bytes: Uint8Array): boolean {
  return bytes.length >= 20 && u16(bytes, 2) >= 20 && u16(bytes, 2) <= bytes.length;
}

/**
 * Finds the RADIUS packet in `radkit decode`'s input: hex as before, or a
 * tcpdump/tshark hex dump (its first frame), whose link-layer, IP and UDP
 * headers are checked (lengths, protocol) and skipped. Plain hex of an IP
 * packet works too.
 *
 * @param text The input.
 * @returns The packet's bytes, the number of frames, and the UDP endpoints.
 * @throws {UsageError} when the text is not hex, or a dump holds no RADIUS packet.
 *
 * @example Usage
 * ```ts
 * import { findPacket } from "./capture.ts";
 * import assert from "node:assert/strict";
 *
 * const dump = "IP 127.0.0.1.5000 > 127.0.0.1.1812: UDP, length 20\n" +
 *   "\t0x0000:  4500 0030 0001 0000 4011 0000 7f00 0001\n" +
 *   "\t0x0010:  7f00 0001 1388 0714 001c 0000 0c01 0014\n" +
 *   "\t0x0020:  0000 0000 0000 0000 0000 0000 0000 0000\n";
 * const found = findPacket(dump);
 * assert.equal(found.bytes.length, 20);
 * assert.equal(found.bytes[0], 12); // Status-Server
 * assert.equal(found.udp, "127.0.0.1:5000 -> 127.0.0.1:1812");
 * ```
 */
export function findPacket(text: string): FoundPacket {
  const frames = dumpFrames(text);
  if (frames === undefined) {
    const bytes = fromHex(text);
    if (bytes === undefined) {
      throw new UsageError(
        "The packet is not hex: give pairs of hex digits (spaces, colons and a 0x prefix are fine), " +
          "or tcpdump -x / tshark -x output",
      );
    }
    // Hex of a whole IP packet: skip its headers; anything else is the packet
    // itself. (No RADIUS code is 0x40-0x4f or 0x60-0x6f, IPv4's and IPv6's first bytes.)
    const datagram = bytes.length >= 28 ? ipUdp(bytes, 0) : undefined;
    if (datagram !== undefined && isRadiusLength(datagram.payload)) {
      return { bytes: datagram.payload, frames: 0, udp: datagram.udp };
    }
    return { bytes, frames: 0, udp: undefined };
  }
  const frame = frames[0]!;
  for (const start of LINK_HEADERS) {
    if (start + 28 > frame.length) continue;
    const datagram = ipUdp(frame, start);
    if (datagram === undefined) continue;
    if (!isRadiusLength(datagram.payload)) {
      throw new UsageError(
        `No RADIUS packet in the captured UDP datagram ${datagram.udp}: its ${datagram.payload.length} ` +
          "bytes of data are not a RADIUS packet (a RADIUS header is 20 bytes and gives the length)",
      );
    }
    return { bytes: datagram.payload, frames: frames.length, udp: datagram.udp };
  }
  throw new UsageError(
    "No RADIUS packet found in the hex dump: its first frame holds no IPv4 or IPv6 UDP datagram " +
      "(capture with tcpdump -x or tshark -x, over UDP)",
  );
}
