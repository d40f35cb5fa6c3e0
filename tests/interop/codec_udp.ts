// Plumbing shared by the codec interop tests (tests/interop/codec_*_test.ts):
// UDP on 127.0.0.1 through node:dgram and child processes through
// node:child_process, both of which Deno, Bun and Node provide. Every socket
// is closed and every child killed before these helpers return or throw.
import { spawn } from "node:child_process";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";

/** The shared secret used with every peer (FreeRADIUS's test client entry). */
export const SECRET = "testing123";
/** {@linkcode SECRET} as bytes, for `checkRequest` / `checkResponse`. */
export const SECRET_BYTES: Uint8Array = new TextEncoder().encode(SECRET);

/** Bytes from hex text. */
export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Hex text of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** ASCII / UTF-8 bytes of text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

function bindLoopback(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve(socket.address().port);
    });
  });
}

/**
 * Sends `datagram` from 127.0.0.1:0 to 127.0.0.1:`port` and resolves with the
 * first datagram that comes back with the same Identifier. UDP may drop
 * packets, so the same bytes are resent every `intervalMs`, `tries` times in
 * all, before giving up.
 */
export async function exchange(
  port: number,
  datagram: Uint8Array,
  tries = 3,
  intervalMs = 1000,
): Promise<Uint8Array> {
  const socket = createSocket("udp4");
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await bindLoopback(socket);
    return await new Promise<Uint8Array>((resolve, reject) => {
      let sent = 0;
      const send = () => {
        if (sent === tries) {
          reject(new Error(`No reply from 127.0.0.1:${port} after ${tries} tries`));
          return;
        }
        sent++;
        socket.send(datagram, port, "127.0.0.1");
        timer = setTimeout(send, intervalMs);
      };
      socket.on("message", (message: Uint8Array) => {
        if (message.length >= 20 && message[1] === datagram[1]) resolve(new Uint8Array(message));
      });
      socket.on("error", reject);
      send();
    });
  } finally {
    clearTimeout(timer);
    await closeSocket(socket);
  }
}

/** What a child process printed and how it ended. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command with `input` on its stdin and collects its output. The
 * child is killed (SIGKILL) if it outlives `timeoutMs`.
 */
export function run(
  command: string,
  args: readonly string[],
  input: string,
  timeoutMs = 15000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const decoder = new TextDecoder();
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Uint8Array) => (stdout += decoder.decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // a child that exits early closes its stdin
    child.stdin.end(input);
  });
}

/** A datagram a peer sent to {@linkcode capture}'s listener, and the peer's output. */
export interface Captured extends RunResult {
  /** Every datagram received, in order. */
  readonly datagrams: Uint8Array[];
}

/**
 * Listens on 127.0.0.1:0, runs `command(port)` as a child process (a client
 * that sends to that port), and records what it sends. `respond` may answer
 * a datagram (e.g. with a radkit-encoded reply) so the client need not time
 * out; it is called once per received datagram.
 */
export async function capture(
  command: (port: number) => { command: string; args: readonly string[]; input: string },
  respond: (datagram: Uint8Array) => Uint8Array | undefined = () => undefined,
): Promise<Captured> {
  const socket = createSocket("udp4");
  const datagrams: Uint8Array[] = [];
  const errors: unknown[] = [];
  socket.on("message", (message: Uint8Array, from: RemoteInfo) => {
    const datagram = new Uint8Array(message);
    datagrams.push(datagram);
    try {
      const answer = respond(datagram);
      if (answer !== undefined) socket.send(answer, from.port, from.address);
    } catch (error) {
      errors.push(error);
    }
  });
  try {
    const port = await bindLoopback(socket);
    const { command: cmd, args, input } = command(port);
    const result = await run(cmd, args, input);
    if (errors.length > 0) throw errors[0];
    return { ...result, datagrams };
  } finally {
    await closeSocket(socket);
  }
}
