// The Server's lifecycle and observability: `await using`, Promises that
// reject instead of throwing, listen({ signal }), the handler's AbortSignal
// when close() gives up on it, the onError hook, a logger that throws, and
// the socket buffer sizes asked of the transport.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { type HandlerErrorContext, Server, type ServerOptions } from "../../src/server.ts";
import type {
  BindOptions,
  BufferSizes,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
} from "../../src/transport.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { dictionary, gate, Peer, quiet, recordingLogger, SECRET } from "./_helpers.ts";

const CLIENTS = [{ address: "127.0.0.1", secret: SECRET, name: "lab" }];

function options(overrides: Partial<ServerOptions> = {}): ServerOptions {
  return { transport: new MemoryTransport(), dictionary, clients: CLIENTS, ...overrides };
}

function accessRequest(password = "hello"): Uint8Array {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": password,
  }).encode(SECRET);
}

test("Server closes at the end of an `await using` block", async () => {
  const network = new MemoryTransport();
  let escaped: Server | undefined;
  {
    await using server = new Server(options({ transport: network }));
    await server.listen({ hostname: "127.0.0.1", auth: 1812 });
    escaped = server;
  }
  await assert.rejects(escaped.listen({ auth: 0 }), /was closed/);
  // The port is free again.
  const socket = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => {});
  await socket.close();
});

test("Server.listen() rejects, never throws, for every mistake", async () => {
  const server = new Server(options());
  const mistakes: unknown[] = [
    undefined,
    {},
    { auth: -1 },
    { auth: 0, hostname: 7 },
    { auth: 0, receiveBufferSize: 0 },
    { auth: 0, sendBufferSize: 1.5 },
    { auth: 0, signal: "stop" },
  ];
  const calls = mistakes.map((mistake) => {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => (promise = server.listen(mistake as never)));
    return promise!;
  });
  const outcomes = await Promise.allSettled(calls);
  assert.deepEqual(
    outcomes.map((outcome) =>
      outcome.status === "rejected" ? (outcome.reason as Error).name : "fulfilled"
    ),
    ["TypeError", "TypeError", "RangeError", "TypeError", "RangeError", "RangeError", "TypeError"],
  );
  // Nothing was bound: the server can still listen.
  await server.listen({ hostname: "127.0.0.1", auth: 0 });
  await server.close();
  let closing: Promise<void> | undefined;
  assert.doesNotThrow(() => (closing = server.close()));
  await closing;
});

test("listen({ signal }) with an aborted signal binds nothing, closes the server and rejects with the reason", async () => {
  const network = new MemoryTransport();
  const server = new Server(options({ transport: network }));
  const reason = new Error("shutting down");
  await assert.rejects(
    server.listen({ hostname: "127.0.0.1", auth: 1812, signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  const socket = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => {});
  await socket.close();
  await assert.rejects(server.listen({ hostname: "127.0.0.1", auth: 1812 }), /was closed/);
});

test("listen({ signal }): aborting closes the server, waiting for the running handler", async () => {
  const network = new MemoryTransport();
  const hold = gate();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const server = new Server(options({
    transport: network,
    async handleAccessRequest(request) {
      started();
      await hold.promise;
      return request.reply(Code.AccessAccept);
    },
  }));
  const controller = new AbortController();
  const { auth } = await server.listen({
    hostname: "127.0.0.1",
    auth: 1812,
    signal: controller.signal,
  });
  const peer = await Peer.open(network);
  try {
    await peer.send(accessRequest(), auth);
    await running;
    controller.abort();
    await peer.send(accessRequest("again"), auth); // refused: the server is closing
    await network.idle();
    hold.open();
    await server.close(); // the same close the signal started
    await network.idle();
    assert.equal(peer.replies.length, 1);
    assert.equal(server.stats().droppedBy.closing, 1);
    const freed = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => {});
    await freed.close();
  } finally {
    await peer.close();
  }
});

test("listen({ signal }) that aborts while the ports are bound rejects with the reason and closes them", async () => {
  const network = new MemoryTransport();
  const controller = new AbortController();
  // A transport whose first bind aborts the signal, as a shutdown arriving mid-listen would.
  const transport: DatagramTransport = {
    name: "aborting",
    async bind(bindOptions, onMessage) {
      const socket = await network.bind(bindOptions, onMessage);
      controller.abort(new Error("stop"));
      return socket;
    },
  };
  const server = new Server(options({ transport }));
  await assert.rejects(
    server.listen({ hostname: "127.0.0.1", auth: 1812, acct: 1813, signal: controller.signal }),
    /stop/,
  );
  await server.close();
  for (const port of [1812, 1813]) {
    const socket = await network.bind({ hostname: "127.0.0.1", port }, () => {});
    await socket.close();
  }
});

test("RequestContext.signal aborts when close() gives up on the handler, and only then", async () => {
  const network = new MemoryTransport();
  const seen: { aborted: boolean; reason?: unknown }[] = [];
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let late: AbortSignal | undefined;
  const server = new Server(options({
    transport: network,
    closeTimeout: 20,
    logger: recordingLogger(),
    handleAccessRequest(request, { signal }) {
      if (request.get("User-Password") === "quick") {
        seen.push({ aborted: signal.aborted });
        late = signal;
        return request.reply(Code.AccessAccept);
      }
      started();
      return new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => {
          seen.push({ aborted: signal.aborted, reason: signal.reason });
          reject(signal.reason);
        });
      });
    },
  }));
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const peer = await Peer.open(network);
  try {
    await peer.send(accessRequest("quick"), auth);
    await peer.reply();
    await peer.send(accessRequest("slow"), auth);
    await running;
    await server.close();
  } finally {
    await peer.close();
  }
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], { aborted: false });
  assert.equal(late?.aborted, false, "a handled request's signal never aborts");
  assert.equal(seen[1]!.aborted, true);
  const reason = seen[1]!.reason as DOMException;
  assert.equal(reason.name, "AbortError");
  assert.match(reason.message, /closeTimeout \(20 ms\)/);
  const stats = server.stats();
  assert.equal(stats.droppedBy["close-timeout"], 1);
  assert.equal(stats.handlerErrors, 0, "its rejection after the abort is not counted again");
});

test("RequestContext.signal read only after close() gave up is already aborted", async () => {
  const network = new MemoryTransport();
  let context: { signal: AbortSignal } | undefined;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const server = new Server(options({
    transport: network,
    closeTimeout: 10,
    logger: recordingLogger(),
    handleAccessRequest(_request, handlerContext) {
      context = handlerContext;
      started();
      return new Promise(() => {});
    },
  }));
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const peer = await Peer.open(network);
  try {
    await peer.send(accessRequest(), auth);
    await running;
    await server.close();
  } finally {
    await peer.close();
  }
  assert.equal(context!.signal.aborted, true);
  assert.equal((context!.signal.reason as Error).name, "AbortError");
});

test("onError gets handler failures instead of the log, and cannot take the server down", async () => {
  const network = new MemoryTransport();
  const logger = recordingLogger();
  const reports: string[] = [];
  const server = new Server(options({
    transport: network,
    logger,
    handleAccessRequest(request) {
      switch (request.get("User-Password")) {
        case "throw":
          throw new Error("sync failure");
        case "reject":
          return Promise.reject(new Error("async failure"));
        case "garbage":
          return "Access-Accept" as never;
        default:
          return request.reply(Code.AccessAccept);
      }
    },
    onError(error: unknown, context: HandlerErrorContext) {
      const message = (error as Error).message;
      reports.push(`${context.nasName} ${context.request.get("User-Password")}: ${message}`);
      if (message === "sync failure") throw new Error("the hook itself fails");
      if (message === "async failure") return Promise.reject(new Error("so does its Promise"));
    },
  }));
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const peer = await Peer.open(network);
  try {
    for (const password of ["throw", "reject", "garbage", "hello"]) {
      await peer.send(accessRequest(password), auth);
    }
    await quiet(server, 4);
    await network.idle();
    assert.equal(peer.replies.length, 1, "the server still answers");
  } finally {
    await peer.close();
    await server.close();
  }
  assert.deepEqual(reports.sort(), [
    "lab garbage: the handler returned string, not a Packet: return request.reply(code, attributes) or undefined",
    "lab reject: async failure",
    "lab throw: sync failure",
  ]);
  const stats = server.stats();
  assert.equal(stats.droppedBy["handler-error"], 2);
  assert.equal(stats.droppedBy["reply-error"], 1);
  const errors = logger.lines.filter((line) => line.startsWith("error"));
  assert.equal(errors.length, 2, errors.join("\n"));
  assert.ok(errors.every((line) => line.startsWith("error onError failed")));
  assert.ok(errors.some((line) => /the hook itself fails/.test(line)));
  assert.ok(errors.some((line) => /so does its Promise/.test(line)));
});

test("Without onError, handler failures are logged with secret values hidden", async () => {
  const network = new MemoryTransport();
  const logger = recordingLogger();
  const server = new Server(options({
    transport: network,
    logger,
    handleAccessRequest(request) {
      throw new Error(`no user with password ${request.get("User-Password")}`);
    },
  }));
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const peer = await Peer.open(network);
  try {
    await peer.send(accessRequest("sesame-1234"), auth);
    await quiet(server, 1);
  } finally {
    await peer.close();
    await server.close();
  }
  const [line] = logger.lines.filter((entry) => entry.startsWith("error"));
  assert.match(line!, /^error handler failed .*"client":"lab"/);
  assert.doesNotMatch(line!, /sesame-1234/);
});

test("A logger that throws cannot take the server down", async () => {
  const network = new MemoryTransport();
  const boom = () => {
    throw new Error("logger down");
  };
  const server = new Server(options({
    transport: network,
    logger: { debug: boom, info: boom, warn: boom, error: boom },
    handleAccessRequest: (request) =>
      request.get("User-Password") === "fail"
        ? Promise.reject(new Error("handler down"))
        : request.reply(Code.AccessAccept),
  }));
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  const peer = await Peer.open(network);
  try {
    await peer.send(new Uint8Array(3), auth); // malformed: debug and nothing else
    await peer.send(accessRequest("fail"), auth); // logger.error from a Promise callback
    await peer.send(accessRequest(), auth);
    await quiet(server, 3);
    await network.idle();
    assert.equal(peer.replies.length, 1);
  } finally {
    await peer.close();
    await server.close();
  }
});

/** What a test transport saw and does: records bind options, may refuse sizes, may report sizes. */
interface SizedTransport extends DatagramTransport {
  readonly binds: BindOptions[];
}

function sizedTransport(
  behaviour: { refuseSizes?: string; granted?: (options: BindOptions) => BufferSizes | undefined },
): SizedTransport {
  const network = new MemoryTransport();
  const binds: BindOptions[] = [];
  return {
    name: "sized",
    binds,
    async bind(bindOptions: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket> {
      binds.push(bindOptions);
      const sized = bindOptions.receiveBufferSize !== undefined ||
        bindOptions.sendBufferSize !== undefined;
      if (sized && behaviour.refuseSizes !== undefined) {
        throw Object.assign(new Error("cannot set socket buffer sizes here"), {
          code: behaviour.refuseSizes,
        });
      }
      const socket = await network.bind(bindOptions, onMessage);
      const granted = behaviour.granted?.(bindOptions);
      // Only what this test says is granted: the in-memory socket's own report is left out.
      return {
        local: socket.local,
        send: (data, to) => socket.send(data, to),
        close: () => socket.close(),
        [Symbol.asyncDispose]: () => socket.close(),
        ...(granted === undefined ? {} : { bufferSizes: () => granted }),
      };
    },
  };
}

const sizes = (binds: readonly BindOptions[]) =>
  binds.map(({ receiveBufferSize, sendBufferSize }) => ({ receiveBufferSize, sendBufferSize }));

test("listen() asks for a 4 MiB receive buffer by default, and reports what was granted", async () => {
  const transport = sizedTransport({
    granted: (o) => ({ receive: 2 * (o.receiveBufferSize ?? 106496), send: 425984 }),
  });
  const logger = recordingLogger();
  const server = new Server(options({ transport, logger }));
  await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
  await server.close();
  assert.deepEqual(sizes(transport.binds), [
    { receiveBufferSize: 4194304, sendBufferSize: undefined },
    { receiveBufferSize: 4194304, sendBufferSize: undefined },
  ]);
  assert.deepEqual(server.stats().bufferSizes, {
    auth: { receive: 8388608, send: 425984 },
    acct: { receive: 8388608, send: 425984 },
  });
  assert.match(
    logger.lines.find((line) => line.startsWith("info listening"))!,
    /"receive":8388608/,
  );
  assert.ok(!logger.lines.some((line) => line.startsWith("warn")));
});

test("listen() passes explicit sizes, and warns when the system granted less", async () => {
  const transport = sizedTransport({ granted: () => ({ receive: 425984, send: 425984 }) });
  const logger = recordingLogger();
  const server = new Server(options({ transport, logger }));
  await server.listen({
    hostname: "127.0.0.1",
    auth: 0,
    receiveBufferSize: 16777216,
    sendBufferSize: 65536,
  });
  await server.close();
  assert.deepEqual(sizes(transport.binds), [{
    receiveBufferSize: 16777216,
    sendBufferSize: 65536,
  }]);
  const warnings = logger.lines.filter((line) => line.startsWith("warn"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /net\.core\.rmem_max.*"asked":16777216,"granted":425984/);
});

test("listen(): a transport that cannot set sizes binds without the default, once, with a debug line", async () => {
  const transport = sizedTransport({ refuseSizes: "ENOTSUP" });
  const logger = recordingLogger();
  const server = new Server(options({ transport, logger }));
  const bound = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0, coa: 0 });
  await server.close();
  assert.ok(bound.auth && bound.acct && bound.coa);
  assert.deepEqual(sizes(transport.binds), [
    { receiveBufferSize: 4194304, sendBufferSize: undefined },
    { receiveBufferSize: undefined, sendBufferSize: undefined },
    { receiveBufferSize: undefined, sendBufferSize: undefined },
    { receiveBufferSize: undefined, sendBufferSize: undefined },
  ]);
  const debug = logger.lines.filter((line) => /cannot set socket buffer sizes/.test(line));
  assert.equal(debug.length, 1);
  assert.match(debug[0]!, /^debug /);
  assert.deepEqual(server.stats().bufferSizes, {});
});

test("listen(): an explicit size the transport cannot set, or another bind error, rejects", async () => {
  for (
    const [behaviour, listen] of [
      [{ refuseSizes: "ENOTSUP" }, { receiveBufferSize: 1048576 }],
      [{ refuseSizes: "ENOTSUP" }, { sendBufferSize: 1048576 }],
      [{ refuseSizes: "EPERM" }, {}],
    ] as const
  ) {
    const transport = sizedTransport(behaviour);
    const server = new Server(options({ transport, logger: recordingLogger() }));
    await assert.rejects(
      server.listen({ hostname: "127.0.0.1", auth: 1812, acct: 1813, ...listen }),
      { code: behaviour.refuseSizes },
    );
    assert.equal(transport.binds.length, 1, "nothing bound, nothing retried");
    // The server may try again, e.g. without the size.
    await server.listen({ hostname: "127.0.0.1", auth: 1812 }).catch(() => {});
    await server.close();
  }
});
