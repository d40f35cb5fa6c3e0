/**
 * `SO_RCVBUF` and `SO_SNDBUF` on a `Deno.listenDatagram` socket. Deno 2.9
 * has no option for them and exposes no file descriptor, so on Linux they
 * are set through libc's `setsockopt(2)` over Deno's FFI, on the descriptor
 * found by the socket's inode: `/proc/net/udp` (or `udp6`) names the inode
 * of the socket bound to the address, `/proc/self/fd` the descriptor that
 * holds it. That needs `--allow-all` (Deno reads `/proc` only then); without
 * it, or off Linux, or without glibc, {@linkcode socketBuffers} says why.
 *
 * Linux caps each size at `net.core.rmem_max` / `wmem_max` (socket(7)) and
 * reports twice the size set (the kernel's bookkeeping), as it does for
 * Node.js and Bun.
 *
 * @module
 */
import type { Address, BufferSizes } from "../src/transport.ts";
import { parseIPv4, parseIPv6 } from "../src/codec/ip.ts";
import type { RequestedBufferSizes } from "./_buffer_sizes.ts";

/** socket(7), asm-generic/socket.h: the values on every Linux architecture Deno runs on. */
const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;

/** The part of the Deno namespace used here. */
export interface DenoFfi {
  build: { os: string };
  permissions: { querySync(descriptor: { name: string }): { state: string } };
  dlopen(path: string, symbols: typeof SYMBOLS): { symbols: object };
  readTextFileSync(path: string): string;
  readDirSync(path: string): Iterable<{ name: string }>;
  readLinkSync(path: string): string;
}

const SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
} as const;

interface LibcSockets {
  setsockopt(fd: number, level: number, name: number, value: Int32Array, size: number): number;
  getsockopt(fd: number, level: number, name: number, value: Int32Array, size: Uint32Array): number;
}

/** The buffer sizes of one bound socket, read and set through its descriptor. */
export interface SocketBuffers {
  /** Sets the sizes asked for; throws an Error with the `errno`-less reason if libc refuses. */
  set(sizes: RequestedBufferSizes): void;
  /** What the kernel holds now. */
  get(): BufferSizes;
}

let libc: LibcSockets | undefined;

const NEEDS_ALL = "Deno sets them through libc (FFI) on the socket it finds in /proc, " +
  "which takes --allow-all (-A)";

/**
 * Access to the buffer sizes of the socket bound to `local`, or why there is none.
 *
 * @param deno The Deno namespace.
 * @param local The socket's bound address (`conn.addr`).
 * @returns The access, or a sentence saying why Deno cannot give it here.
 */
export function socketBuffers(deno: DenoFfi, local: Address): SocketBuffers | string {
  if (deno.build.os !== "linux") return `Deno on ${deno.build.os} cannot set them`;
  if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") return NEEDS_ALL;
  try {
    libc ??= deno.dlopen("libc.so.6", SYMBOLS).symbols as LibcSockets;
  } catch (error) {
    return `Deno sets them through glibc, which did not load (${(error as Error).message})`;
  }
  let fd: number | undefined;
  try {
    fd = descriptorOf(deno, local);
  } catch {
    return NEEDS_ALL; // Deno reads /proc only with --allow-all.
  }
  if (fd === undefined) return `no socket bound to ${local.hostname}:${local.port} in /proc`;
  const symbols = libc;
  return {
    set(sizes) {
      for (const [name, size] of [[SO_RCVBUF, sizes.receive], [SO_SNDBUF, sizes.send]] as const) {
        if (size === undefined) continue;
        if (symbols.setsockopt(fd, SOL_SOCKET, name, new Int32Array([size]), 4) !== 0) {
          throw new Error(`setsockopt(${name === SO_RCVBUF ? "SO_RCVBUF" : "SO_SNDBUF"}) failed`);
        }
      }
    },
    get() {
      const read = (name: number): number => {
        const value = new Int32Array(1);
        symbols.getsockopt(fd, SOL_SOCKET, name, value, new Uint32Array([4]));
        return value[0]!;
      };
      return { receive: read(SO_RCVBUF), send: read(SO_SNDBUF) };
    },
  };
}

/** The descriptor of this process that holds the UDP socket bound to `local`. */
function descriptorOf(deno: DenoFfi, local: Address): number | undefined {
  const ipv6 = local.hostname.includes(":");
  const wanted = `${procAddress(local.hostname)}:${
    local.port.toString(16).toUpperCase().padStart(4, "0")
  }`;
  const inodes = new Set<string>();
  // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
  for (const line of deno.readTextFileSync(ipv6 ? "/proc/net/udp6" : "/proc/net/udp").split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === wanted && fields[9] !== undefined) inodes.add(`socket:[${fields[9]}]`);
  }
  if (inodes.size === 0) return undefined;
  for (const entry of deno.readDirSync("/proc/self/fd")) {
    try {
      if (inodes.has(deno.readLinkSync(`/proc/self/fd/${entry.name}`))) return Number(entry.name);
    } catch {
      // Closed since the listing: not ours.
    }
  }
  return undefined;
}

/**
 * An IP address as /proc/net/udp{,6} prints it: the bytes of each 32-bit
 * word in host order (little-endian on x86-64 and arm64), in hex.
 */
function procAddress(hostname: string): string {
  const ipv6 = hostname.includes(":");
  const bytes = new Uint8Array(ipv6 ? 16 : 4);
  if (!(ipv6 ? parseIPv6(hostname, bytes, 0) : parseIPv4(hostname, bytes, 0))) return "";
  let text = "";
  for (let word = 0; word < bytes.length; word += 4) {
    for (let i = 3; i >= 0; i--) {
      text += bytes[word + i]!.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return text;
}
