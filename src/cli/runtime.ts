/**
 * What the CLI needs from the runtime it runs on — Deno, Bun or Node — in
 * one place: the UDP adapter, worker processes, file and stdin reading,
 * host name lookup, the number of cores and signals. Everything else in
 * `src/cli` is runtime-agnostic.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { createReadStream, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import process from "node:process";
import { udp as bunUdp } from "../../adapters/bun.ts";
import { udp as denoUdp } from "../../adapters/deno.ts";
import {
  streams as nodeStreams,
  tlsEngine as nodeTlsEngine,
  udp as nodeUdp,
} from "../../adapters/node.ts";
import type { DatagramTransport, StreamTransport, TlsEngine } from "../../mod.ts";

export { serveOnAllCores, type SocketSharing, type Workers } from "../../adapters/workers.ts";

/** The runtime running the CLI. */
export type RuntimeName = "deno" | "bun" | "node";

/**
 * Which runtime runs this code.
 *
 * @returns `"deno"`, `"bun"` or `"node"`.
 *
 * @example Usage
 * ```ts
 * import { runtimeName } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["deno", "bun", "node"].includes(runtimeName()));
 * ```
 */
export function runtimeName(): RuntimeName {
  if ("Deno" in globalThis) return "deno";
  if ("Bun" in globalThis) return "bun";
  return "node";
}

/**
 * This runtime's UDP transport: `Deno.listenDatagram` (needs
 * `--unstable-net`), `Bun.udpSocket` or `node:dgram`.
 *
 * @returns A transport from `adapters/deno.ts`, `bun.ts` or `node.ts`.
 *
 * @example Usage
 * ```ts
 * import { udp } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof udp().bind, "function");
 * ```
 */
export function udp(): DatagramTransport {
  switch (runtimeName()) {
    case "deno":
      return denoUdp();
    case "bun":
      return bunUdp();
    default:
      return nodeUdp();
  }
}

/**
 * The stream transport for TCP and TLS: `node:net` and `node:tls`, which
 * all three runtimes implement (Deno's own TLS API cannot ask for client
 * certificates).
 *
 * @returns The transport.
 *
 * @example Usage
 * ```ts
 * import { streams } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof streams().listen, "function");
 * ```
 */
export function streams(): StreamTransport {
  return nodeStreams();
}

/**
 * The TLS engine for PEAP, EAP-TTLS and EAP-TLS: `node:tls` on every runtime.
 *
 * @returns A fresh engine.
 *
 * @example Usage
 * ```ts
 * import { tlsEngine } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tlsEngine().name, "node:tls");
 * ```
 */
export function tlsEngine(): TlsEngine {
  return nodeTlsEngine();
}

/**
 * The most text the CLI reads from one file or from standard input (users
 * files, packet lists, dictionaries, certificates): far above any real one,
 * and a bound on what an endless pipe can make it buffer.
 */
export const MAX_TEXT_INPUT: number = 64 * 1024 * 1024;

/**
 * Reads a text file (UTF-8), or standard input for `"-"`, at most
 * `maxBytes` of it.
 *
 * @param path The file path, or `"-"`.
 * @param maxBytes The most bytes to read; past them reading stops (the rest
 * is never read) and a `RangeError` is thrown.
 * @returns The text.
 * @throws {RangeError} when the input holds more than `maxBytes` bytes.
 *
 * @example Usage
 * ```ts
 * import { readText } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(readText("/nonexistent/radkit-users"));
 * await assert.rejects(readText("/dev/zero", 1024), /more than 1024 bytes/);
 * ```
 */
export function readText(path: string, maxBytes: number = MAX_TEXT_INPUT): Promise<string> {
  if (path === "-") return readStdin(maxBytes);
  return readCapped(createReadStream(path), maxBytes, path);
}

/**
 * Reads all of standard input as UTF-8 text, or stops at a limit.
 *
 * @param maxBytes The most bytes to read; past them reading stops (the rest
 * is never read) and a `RangeError` is thrown.
 * @returns The text.
 * @throws {RangeError} when standard input holds more than `maxBytes` bytes.
 *
 * @example Usage
 * ```ts ignore
 * import { readStdin } from "./runtime.ts";
 *
 * const text = await readStdin(); // e.g. `echo 'User-Name = "bob"' | radkit send ... -`
 * ```
 */
export function readStdin(maxBytes: number = MAX_TEXT_INPUT): Promise<string> {
  return readCapped(process.stdin, maxBytes, "Standard input");
}

async function readCapped(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  what: string,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.length;
    // Leaving the loop destroys the stream: nothing more is read or buffered.
    if (bytes > maxBytes) throw new RangeError(`${what} holds more than ${maxBytes} bytes`);
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Resolves a host name to an IP address, IPv4 preferred (the client takes
 * IP literals only); IP literals come back as they are.
 *
 * @param host A host name or IP address.
 * @returns An IP address.
 * @throws {Error} when the name does not resolve.
 *
 * @example Usage
 * ```ts
 * import { resolveHost } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await resolveHost("127.0.0.1"), "127.0.0.1");
 * assert.equal(await resolveHost("::1"), "::1");
 * ```
 */
export async function resolveHost(host: string): Promise<string> {
  if (IPV4.test(host) || host.includes(":")) return host;
  // IPv4 first, as `radkit serve` listens on 127.0.0.1 by default.
  const addresses = await lookup(host, { all: true });
  const chosen = addresses.find((entry) => entry.family === 4) ?? addresses[0];
  if (chosen === undefined) throw new Error(`no address for "${host}"`);
  return chosen.address;
}

/**
 * Calls `stop` on the first SIGINT or SIGTERM; a second one exits at once
 * (status 130). Call the returned function once stopped, so that the
 * listeners no longer keep the process alive.
 *
 * @param stop What to do on the first signal.
 * @returns A function that removes the listeners.
 *
 * @example Usage
 * ```ts
 * import { onStopSignal } from "./runtime.ts";
 *
 * const dispose = onStopSignal(() => console.log("stopping"));
 * dispose();
 * ```
 */
export function onStopSignal(stop: (signal: string) => void): () => void {
  let stopping = false;
  const listeners = new Map<string, () => void>();
  for (const signal of ["SIGINT", "SIGTERM"]) {
    const listener = () => {
      if (stopping) process.exit(130);
      stopping = true;
      stop(signal);
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    listeners.clear();
  };
}

/** Lines written by {@linkcode out} and not yet on standard output, as UTF-8. */
const outBuffer = new Uint8Array(64 * 1024);
let outUsed = 0;
const encoder = new TextEncoder();
let flushScheduled = false;
let flushOnExit = false;

/**
 * Calls `handler` on each `signal` until the returned function is called.
 * On a system without that signal (SIGHUP on Windows) it does nothing.
 *
 * @param signal The signal, such as `"SIGHUP"`.
 * @param handler What to do on each.
 * @returns A function that removes the listener.
 *
 * @example Usage
 * ```ts
 * import { onSignal } from "./runtime.ts";
 *
 * const dispose = onSignal("SIGHUP", () => console.log("reloading"));
 * dispose();
 * ```
 */
export function onSignal(signal: "SIGHUP", handler: () => void): () => void {
  try {
    process.on(signal, handler);
  } catch {
    return () => {}; // Not a signal this system has.
  }
  return () => void process.off(signal, handler);
}

/**
 * How many processes can run at once on this machine
 * (`os.availableParallelism()`: the cores this process may use).
 *
 * @returns At least 1.
 *
 * @example Usage
 * ```ts
 * import { cores } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(cores() >= 1);
 * ```
 */
export function cores(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Writes a line to standard output. Lines are encoded into one reused 64 KiB
 * buffer and written together at the end of the current event-loop turn (or
 * when the buffer is full): `radkit serve` logs a line per request, and one
 * `console.log` per line was a tenth of its CPU time, and building one long
 * string per turn instead added 60 MB of RSS on Deno. {@linkcode err} and
 * {@linkcode flushOut} write them first.
 *
 * @param line The text, without the newline.
 *
 * @example Usage
 * ```ts
 * import { flushOut, out } from "./runtime.ts";
 *
 * out("Received Access-Accept Id 7 from 127.0.0.1:1812");
 * flushOut();
 * ```
 */
export function out(line: string): void {
  const bytes = line.length * 3 + 1;
  if (outUsed + bytes > outBuffer.length) {
    flushOut();
    if (bytes > outBuffer.length) {
      writeAll(new TextEncoder().encode(`${line}\n`));
      return;
    }
  }
  outUsed += encoder.encodeInto(line, outBuffer.subarray(outUsed)).written;
  outBuffer[outUsed++] = 10;
  if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flushOut, 0);
  }
  if (!flushOnExit) {
    // A worker of `radkit serve --workers` ends with process.exit().
    flushOnExit = true;
    process.once("exit", flushOut);
  }
}

/**
 * Writes the lines {@linkcode out} is holding, now.
 *
 * @example Usage
 * ```ts
 * import { flushOut, out } from "./runtime.ts";
 *
 * out("done");
 * flushOut();
 * ```
 */
export function flushOut(): void {
  flushScheduled = false;
  if (outUsed === 0) return;
  const bytes = outBuffer.subarray(0, outUsed);
  outUsed = 0;
  writeAll(bytes);
}

/** Writes `bytes` to standard output: synchronously, else (a full non-blocking pipe) through process.stdout. */
function writeAll(bytes: Uint8Array): void {
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at, bytes.length - at);
  } catch {
    process.stdout.write(bytes.slice(at));
  }
}

/**
 * Writes a line to standard error.
 *
 * @param line The text, without the newline.
 *
 * @example Usage
 * ```ts
 * import { err } from "./runtime.ts";
 *
 * err("radkit: something went wrong");
 * ```
 */
export function err(line: string): void {
  flushOut();
  console.error(line);
}
