// Requests that outlive the datagram callback must not keep the transport's
// receive memory alive, on this runtime's real UDP adapter: each datagram is
// padded to 65,000 bytes (RFC 2865 §3: octets past the Length field are
// padding), and Deno's adapter also receives into 128 KiB blocks. What a
// request retains is checked exactly (the byteLength of the buffer behind
// its bytes); the bytes held and the process's memory are printed for the
// record, not asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runtime, udp } from "../_udp.ts";
import { type RequestHandler, Server, type ServerOptions } from "../../src/server.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { collectGarbage, memory } from "../fuzz/_fuzz.ts";
import { dictionary, SECRET } from "../server/_helpers.ts";

const PADDED = 65_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const never = new Promise<never>(() => {});

/** A valid Accounting-Request in a datagram padded to PADDED bytes; and its Length. */
function padded(n: number): { datagram: Uint8Array; length: number } {
  const bytes = Packet.create(Code.AccountingRequest, dictionary, {
    "Acct-Status-Type": "Start",
    "Acct-Session-Id": `session-${n}`,
    "Class": "keep me",
  }).encode(SECRET);
  const datagram = new Uint8Array(PADDED);
  datagram.set(bytes);
  return { datagram, length: bytes.length };
}

/** The buffers behind what a request keeps: its authenticator and an octets value. */
function buffers(request: Packet): ArrayBufferLike[] {
  return [request.authenticator.buffer, (request.get("Class") as Uint8Array).buffer];
}

/** What a run measured. */
interface Held {
  /** Per request, the byteLength of each buffer behind it. */
  readonly retained: number[][];
  /** Per request, its Length field. */
  readonly lengths: number[];
  /** The distinct buffers behind the requests, in bytes. */
  readonly bytes: number;
  /** Process memory before and after (after a forced GC), where the runtime tells. */
  readonly memory:
    | [{ rss: number; external?: number }, { rss: number; external?: number }]
    | undefined;
}

/**
 * Sends `count` padded requests one at a time (each waits for the handler
 * to see it, so no receive buffer overflows) to a server with `options`
 * and the handler `makeHandler` returns, which calls `seen` with each
 * request. Returns what each request retained.
 */
async function run(
  count: number,
  options: Partial<ServerOptions>,
  makeHandler: (seen: (request: Packet) => void) => RequestHandler,
): Promise<Held> {
  const kept: number[][] = [];
  const distinct = new Set<ArrayBufferLike>();
  let wake: (() => void) | undefined;
  const server = new Server({
    transport: udp(),
    dictionary,
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    logger: silent,
    closeTimeout: 0,
    ...options,
    handleAccountingRequest: makeHandler((request) => {
      const behind = buffers(request);
      kept.push(behind.map((buffer) => buffer.byteLength));
      for (const buffer of behind) distinct.add(buffer);
      wake?.();
    }),
  });
  const nas = await udp().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  const lengths: number[] = [];
  try {
    const { acct } = await server.listen({ hostname: "127.0.0.1", acct: 0 });
    collectGarbage();
    const before = memory();
    for (let n = 0; n < count; n++) {
      const { datagram, length } = padded(n);
      lengths.push(length);
      const seen = new Promise<void>((resolve) => (wake = resolve));
      await nas.send(datagram, acct!);
      // Retransmit now and then: a datagram the kernel lost must not hang the test.
      while (await Promise.race([seen.then(() => true), sleep(500).then(() => false)]) === false) {
        await nas.send(datagram, acct!);
      }
    }
    // Twice, a turn apart: V8 frees array buffers' memory after the collection.
    collectGarbage();
    await sleep(50);
    collectGarbage();
    const after = memory();
    let bytes = 0;
    for (const buffer of distinct) bytes += buffer.byteLength;
    return {
      retained: kept,
      lengths,
      bytes,
      memory: before === undefined || after === undefined ? undefined : [before, after],
    };
  } finally {
    await nas.close();
    await server.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function report(what: string, held: Held): void {
  const count = held.retained.length;
  const mb = (n: number | undefined) => n === undefined ? "n/a" : `${(n / 1048576).toFixed(1)} MB`;
  const [before, after] = held.memory ?? [];
  console.log(
    `${what} (${runtime}): ${count} requests of ${PADDED}-byte datagrams held; the buffers ` +
      `behind them ${held.bytes} bytes (${Math.round(held.bytes / count)} each); process rss ` +
      `${mb(before?.rss)} -> ${mb(after?.rss)}, external ${mb(before?.external)} -> ${
        mb(after?.external)
      } (after GC; rss also counts freed receive buffers not returned to the system)`,
  );
}

test("an async handler's requests hold their own Length bytes, not the padded datagram or a block", async () => {
  const count = 300;
  const held = await run(count, {}, (seen) => async (request) => {
    seen(request);
    return await never;
  });
  const { retained, lengths } = held;
  assert.equal(retained.length, count);
  retained.forEach((sizes, i) => assert.deepEqual(sizes, [lengths[i], lengths[i]], `request ${i}`));
  report("async handler, never settling", held);
});

test("a handler that returns a Promise: every request after its first holds its own bytes", async () => {
  const count = 50;
  const { retained, lengths } = await run(count, {}, (seen) => (request) => {
    seen(request);
    return never;
  });
  // The first call is what shows the handler is asynchronous.
  assert.ok(retained[0]![0]! > lengths[0]!, "the first request was decoded in place");
  retained.slice(1).forEach((sizes, i) =>
    assert.deepEqual(sizes, [lengths[i + 1], lengths[i + 1]], `request ${i + 1}`)
  );
});

test("a request that waited for an async client lookup holds its own bytes", async () => {
  const count = 50;
  const { retained, lengths } = await run(count, {
    clients: async () => {
      await sleep(0);
      return SECRET;
    },
  }, (seen) => (request) => {
    seen(request);
    return request.reply(Code.AccountingResponse);
  });
  retained.forEach((sizes, i) => assert.deepEqual(sizes, [lengths[i], lengths[i]], `request ${i}`));
});

test("a synchronous handler's request is decoded in place (no copy on the fast path)", async () => {
  // The handler keeps every request, which the server cannot know: this is
  // what each would hold without the copy, for comparison with the above.
  const held = await run(300, {}, (seen) => (request) => {
    seen(request);
    return request.reply(Code.AccountingResponse);
  });
  // Views into what the transport handed over: the padded datagram (or Deno's block).
  held.retained.forEach((sizes, i) =>
    assert.ok(sizes[0]! >= PADDED && sizes[0]! > held.lengths[i]!)
  );
  report("sync handler keeping its requests, in place", held);
});
