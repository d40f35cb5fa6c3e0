// What half-open TLS conversations cost an EapServer: N conversations (10,000
// by default) each begun and sent a ClientHello, never continued, as a flood
// of peers that stop after their first TLS flight would leave them. Each one
// holds a server TLS session (keys generated, ServerHello flight sent) until
// it expires or the bound (`maxSessions`, 4,096 by default) drops the oldest.
// Run in-process, no network: the EapServer's handle() is called directly.
//
//   node_modules/.bin/node bench/eap_half_open.ts [--count 10000] [--max-sessions 4096]
//   (also with bun and deno run -A; on Deno every conversation stops before
//   any TLS, as node:tls there has no exporter: its figures say so)
//
// Prints one `BENCH {...}` line: RSS before and after (MiB), the RSS per
// conversation held, the CPU per half-open conversation, how many TLS
// sessions are still alive (the bound), and the conversations refused.
import { readFileSync } from "node:fs";
import process from "node:process";
import {
  Code,
  Dictionary,
  EapCode,
  EapServer,
  EapType,
  Packet,
  readEap,
  setEapMessage,
} from "../mod.ts";
import { encodeEapTlsFrame } from "../src/eap/tls/frame.ts";
import type { TlsEngine } from "../src/eap/tls/tls_engine.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const COUNT = Number(option("count", "10000"));
const MAX_SESSIONS = Number(option("max-sessions", "4096"));
const fixture = (name: string) =>
  readFileSync(new URL(`../tests/fixtures/tls/${name}`, import.meta.url), "utf8");

async function engine(): Promise<TlsEngine> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).tlsEngine();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).tlsEngine();
  return (await import("../adapters/node.ts")).tlsEngine();
}

const tls = await engine();
const dictionary = Dictionary.default();
const eap = new EapServer({
  credentials: () => ({ password: "hello" }),
  methods: ["peap"],
  tls: {
    engine: tls,
    cert: fixture("server.pem"),
    key: fixture("server.key"),
    maxSessions: MAX_SESSIONS,
  },
});

/** A peer's ClientHello, the same bytes for every conversation. */
const peer = tls.open({ role: "client", ca: fixture("ca.pem") });
const hello = (await peer.receive(new Uint8Array(0))).records;
peer.destroy();

async function halfOpen(): Promise<number> {
  const identity = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "anonymous" });
  setEapMessage(identity, {
    code: EapCode.Response,
    identifier: 1,
    type: EapType.Identity,
    data: new TextEncoder().encode("anonymous"),
  });
  const start = (await eap.handle(identity))!;
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "anonymous",
    State: start.get("State") as Uint8Array,
  });
  setEapMessage(request, {
    code: EapCode.Response,
    identifier: readEap(start)!.identifier,
    type: EapType.PEAP,
    data: encodeEapTlsFrame({ data: hello }),
  });
  return (await eap.handle(request))!.code;
}

const gc = (globalThis as { gc?: () => void }).gc;
const rss = () => {
  gc?.();
  return process.memoryUsage().rss;
};
for (let i = 0; i < 50; i++) await halfOpen(); // warm-up: code paths, the shared context
const before = rss();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let challenged = 0;
for (let i = 0; i < COUNT; i++) if (await halfOpen() === Code.AccessChallenge) challenged++;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const after = rss();
const stats = eap.stats();
const held = Math.min(COUNT, MAX_SESSIONS);
console.log(`BENCH ${
  JSON.stringify({
    bench: "eap_half_open",
    runtime: "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node",
    count: COUNT,
    maxSessions: MAX_SESSIONS,
    challenged,
    rejected: stats.rejected,
    rejectedBy: Object.fromEntries(Object.entries(stats.rejectedBy).filter(([, n]) => n > 0)),
    rssBeforeMiB: before / 2 ** 20,
    rssAfterMiB: after / 2 ** 20,
    rssPerHeldKiB: challenged === 0 ? 0 : (after - before) / 1024 / held,
    cpuMicrosPerConversation: (1e6 * ((cpu.user + cpu.system) / 1e6)) / COUNT,
    seconds,
  })
}`);
process.exit(0);
