// Live-server storm: a radkit Server on 127.0.0.1 (this runtime's UDP
// adapter) takes a mixed stream from another process (storm_generator.ts on
// the same runtime): valid Access and Accounting requests, and more garbage
// than valid traffic. Every valid request must be answered correctly, and the
// server's counters must account for every datagram by reason, exactly as
// the generator predicted. STORM_VALID=<n> sets the number of valid requests
// (default 2,000) for a bigger run; the test prints the numbers and memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime, udp } from "../_udp.ts";
import { Server, type ServerStats } from "../../src/server.ts";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { DROP_REASONS } from "../../src/server/stats.ts";
import type { Packet } from "../../src/packet.ts";
import type { StormConfig, StormReport } from "./storm_generator.ts";
import { collectGarbage, memory } from "../fuzz/_fuzz.ts";

const SECRET = "storm-secret";
const VALID = Number(process.env["STORM_VALID"] ?? 2000);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function canBind(hostname: string): Promise<boolean> {
  try {
    const socket = await udp().bind({ hostname, port: 0 }, () => {});
    await socket.close();
    return true;
  } catch {
    return false;
  }
}

/** Runs the generator on this runtime; resolves with its report. */
function generate(config: StormConfig): { report: Promise<StormReport>; kill: () => void } {
  const script = fileURLToPath(new URL("./storm_generator.ts", import.meta.url));
  const args = runtime === "deno"
    ? ["run", "-A", "--unstable-net", script, JSON.stringify(config)]
    : [script, JSON.stringify(config)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const report = new Promise<StormReport>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith("STORM "));
      if (code !== 0 || line === undefined) {
        reject(new Error(`storm generator exited with ${code}:\n${stdout}\n${stderr}`));
      } else {
        resolve(JSON.parse(line.slice("STORM ".length)) as StormReport);
      }
    });
  });
  return {
    report,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** Waits (polling) for the counters to settle; fails instead of hanging. */
async function settled(server: Server, received: number): Promise<ServerStats> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const stats = server.stats();
    if (stats.received >= received && stats.inFlight === 0) return stats;
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${received} datagrams: ${JSON.stringify(stats)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const unknownHost = await canBind("127.0.0.2") ? "127.0.0.2" : undefined;

test(`storm: ${VALID} valid requests among more garbage, all answered, counters exact`, {
  skip: unknownHost === undefined ? "127.0.0.2 is not usable on this host's loopback" : false,
  timeout: Math.max(120_000, VALID * 30),
}, async () => {
  const dictionary = Dictionary.default();
  const echo = (request: Packet, code: Code) =>
    request.reply(code, { "Reply-Message": `echo ${request.get("User-Name")}` });
  const server = new Server({
    transport: udp(),
    dictionary,
    // Only 127.0.0.1 is a client: the generator's 127.0.0.2 socket is unknown.
    clients: [{ address: "127.0.0.1/32", secret: SECRET }],
    handleAccessRequest: (request) => echo(request, Code.AccessAccept),
    handleAccountingRequest: (request) => echo(request, Code.AccountingResponse),
    logger: silent,
  });
  let generator: ReturnType<typeof generate> | undefined;
  let client: Client | undefined;
  // Memory of the server's process during the storm, once a second: RSS, and
  // the live heap (heapUsed right after a forced GC).
  const rss: number[] = [];
  const heap: number[] = [];
  const sampler = setInterval(() => {
    collectGarbage();
    const now = memory();
    if (now !== undefined) {
      rss.push(now.rss);
      heap.push(now.heapUsed);
    }
  }, 1000);
  try {
    const { auth, acct } = await server.listen({ hostname: "127.0.0.1", auth: 0, acct: 0 });
    collectGarbage();
    const before = memory();
    generator = generate({
      host: "127.0.0.1",
      auth: auth!.port,
      acct: acct!.port,
      secret: SECRET,
      valid: VALID,
      seed: 8,
      window: 16,
      retransmitMs: 1000,
      unknownHost: unknownHost!,
    });
    const report = await generator.report;
    const stats = await settled(server, report.total);
    collectGarbage();
    const after = memory();

    // Every valid request answered, verified and matched by id and echo.
    assert.equal(report.unanswered, 0, JSON.stringify(report));
    assert.equal(report.replies.matched, VALID);
    assert.equal(report.replies.wrong, 0);
    assert.equal(report.replies.replaysUnanswered, 0, "every replay got the cached reply");
    assert.ok(report.garbage >= report.total / 2, `${report.garbage} of ${report.total} garbage`);

    // Every datagram accounted for, by reason, as the generator predicted.
    assert.equal(stats.received, report.total);
    assert.equal(
      stats.received,
      stats.replied + stats.resent + stats.dropped + stats.inFlight,
    );
    assert.equal(stats.inFlight, 0);
    assert.equal(stats.replied, report.expected.replied);
    assert.equal(stats.resent, report.expected.resent);
    const expectedDrops = Object.fromEntries(
      DROP_REASONS.map((reason) => [reason, report.expected.droppedBy[reason] ?? 0]),
    );
    assert.deepEqual(stats.droppedBy, expectedDrops);
    assert.equal(report.replies.received, stats.replied + stats.resent);
    assert.equal(stats.requests["Access-Request"], VALID / 2);
    assert.equal(stats.requests["Accounting-Request"], VALID / 2);

    // The server is still up and answers a normal client.
    client = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: { auth: auth!.port },
      secret: SECRET,
      localAddress: { ipv4: "127.0.0.1" },
      timeout: 500,
      retries: 3,
    });
    const reply = await client.accessRequest({ "User-Name": "after-storm", "User-Password": "x" });
    assert.equal(reply.get("Reply-Message"), "echo after-storm");

    const mb = (n: number | undefined) => n === undefined ? "n/a" : `${Math.round(n / 1048576)} MB`;
    console.log(
      `storm (${runtime}): ${report.total} datagrams in ${report.milliseconds} ms, sent ${
        JSON.stringify(report.sent)
      }; server ${
        JSON.stringify({
          received: stats.received,
          replied: stats.replied,
          resent: stats.resent,
          dropped: stats.dropped,
          droppedBy: Object.fromEntries(
            Object.entries(stats.droppedBy).filter(([, count]) => count > 0),
          ),
        })
      }; server process rss ${mb(before?.rss)} -> max ${mb(Math.max(...rss))} -> ${
        mb(after?.rss)
      }, live heap after GC ${mb(before?.heapUsed)} -> [${heap.map(mb).join(", ")}] -> ${
        mb(after?.heapUsed)
      }`,
    );
  } finally {
    clearInterval(sampler);
    generator?.kill();
    await client?.close();
    await server.close();
  }
});
