// The storm's traffic generator, run as its own process (same runtime as the
// test, through tests/_udp.ts) by storm_test.ts:
//
//   storm_generator.ts '<json config>'
//
// It sends valid Access-Requests (with Message-Authenticator) and
// Accounting-Requests to a radkit Server, keeping a window of them
// outstanding and retransmitting those not answered in time, and between
// them at least as many garbage datagrams: random bytes, mutated packets,
// wrong-secret packets, Access-Requests without Message-Authenticator,
// requests to the wrong port, valid packets from an address that is not a
// client (127.0.0.2), and replays of answered requests. For each datagram it
// works out what the server must do with it by running the server's own
// checks in the same order (header, port, attribute headers, client,
// duplicate cache, verification, decoding), and at the end prints one line
// "STORM {json}" with what it sent by class, the counters the server must
// show, and how the replies matched.
import process from "node:process";
import { udp } from "../_udp.ts";
import { seededRandom } from "../_random.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse, packetLength } from "../../src/codec/packet_codec.ts";
import { countAttributes } from "../../src/codec/count_attributes.ts";
import type { DatagramSocket } from "../../src/transport.ts";

/** What storm_test.ts passes in. */
export interface StormConfig {
  readonly host: string;
  readonly auth: number;
  readonly acct: number;
  readonly secret: string;
  /** Valid requests to send (half Access, half Accounting). */
  readonly valid: number;
  readonly seed: number;
  /** Valid requests outstanding at once. */
  readonly window: number;
  /** Milliseconds before an unanswered valid request is sent again. */
  readonly retransmitMs: number;
  /** The source address that is not a client. */
  readonly unknownHost: string;
}

/** What the generator reports. */
export interface StormReport {
  readonly sent: Record<string, number>;
  readonly total: number;
  /** Datagrams that are neither valid requests nor their retransmissions. */
  readonly garbage: number;
  readonly expected: {
    readonly replied: number;
    readonly resent: number;
    readonly droppedBy: Record<string, number>;
  };
  readonly replies: {
    readonly received: number;
    readonly matched: number;
    readonly wrong: number;
    readonly extra: number;
    /** Replays whose byte-identical cached reply never came back. */
    readonly replaysUnanswered: number;
  };
  readonly unanswered: number;
  readonly milliseconds: number;
}

type Port = "auth" | "acct";

interface Outstanding {
  readonly n: number;
  readonly port: Port;
  readonly bytes: Uint8Array;
  readonly authenticator: Uint8Array;
  readonly echo: string;
  sentAt: number;
  tries: number;
}

interface Answered {
  readonly port: Port;
  readonly bytes: Uint8Array;
  readonly reply: Uint8Array;
  readonly at: number;
}

function keyOf(port: Port, data: Uint8Array): string {
  let key = `${port}|${data[0]}|${data[1]}|`;
  for (let i = 4; i < 20; i++) key += data[i]!.toString(16).padStart(2, "0");
  return key;
}

function accepts(port: Port, code: number): boolean {
  return port === "auth"
    ? code === Code.AccessRequest || code === Code.StatusServer
    : code === Code.AccountingRequest || code === Code.StatusServer;
}

/** Runs the storm; resolves with the report. */
export async function storm(config: StormConfig): Promise<StormReport> {
  const rand = seededRandom(config.seed);
  const int = (n: number) => Math.floor(rand() * n);
  const dictionary = Dictionary.default();
  const secretBytes = new TextEncoder().encode(config.secret);
  const ports: Record<Port, { hostname: string; port: number }> = {
    auth: { hostname: config.host, port: config.auth },
    acct: { hostname: config.host, port: config.acct },
  };
  const sent: Record<string, number> = {};
  const droppedBy: Record<string, number> = {};
  let replied = 0;
  let resent = 0;
  let total = 0;
  let received = 0;
  let matched = 0;
  let wrong = 0;
  let extra = 0;
  const outstanding = new Map<number, Outstanding>();
  const sentKeys = new Set<string>();
  const answeredKeys = new Map<string, Answered>();
  const recent: Answered[] = [];
  const pendingReplays: Answered[] = [];
  let wake: (() => void) | undefined;

  const known: DatagramSocket = await udp().bind({ hostname: "127.0.0.1", port: 0 }, (data) => {
    received++;
    const request = outstanding.get(data[1]!);
    const failure = request === undefined ? "none" : (() => {
      try {
        return checkResponse(data, secretBytes, request.authenticator, request.port === "auth");
      } catch {
        return "malformed";
      }
    })();
    if (request === undefined || failure !== undefined) {
      // A reply from the duplicate cache (retransmission, replay, mutated
      // copy of an answered request); its Identifier may be in use again.
      extra++;
      // A replay must get the very bytes of the first reply.
      const replay = pendingReplays.findIndex((r) => equalBytes(r.reply, data));
      if (replay !== -1) pendingReplays.splice(replay, 1);
      return;
    }
    const expectedCode = request.port === "auth" ? Code.AccessAccept : Code.AccountingResponse;
    const reply = Packet.decode(data, { dictionary, secret: config.secret });
    if (data[0] !== expectedCode || reply.get("Reply-Message") !== request.echo) {
      wrong++;
      return;
    }
    matched++;
    outstanding.delete(data[1]!);
    const answered = { port: request.port, bytes: request.bytes, reply: data, at: Date.now() };
    answeredKeys.set(keyOf(request.port, request.bytes), answered);
    recent.push(answered);
    if (recent.length > 64) recent.shift();
    wake?.();
  });
  let unknown: DatagramSocket | undefined;
  try {
    unknown = await udp().bind({ hostname: config.unknownHost, port: 0 }, () => {});
    const send = async (
      socket: DatagramSocket,
      data: Uint8Array,
      port: Port,
      kind: string,
    ): Promise<void> => {
      sent[kind] = (sent[kind] ?? 0) + 1;
      total++;
      await socket.send(data, ports[port]);
    };

    /** What the server will do with `data` from the known client on `port`. */
    const outcome = (data: Uint8Array, port: Port): string => {
      let length: number;
      try {
        length = packetLength(data);
      } catch {
        return "malformed";
      }
      const code = data[0]!;
      if (!accepts(port, code)) return "wrong-port";
      try {
        // The server's default maxAttributes, 200, is more than any packet here has.
        if (countAttributes(data, length, 200) > 200) return "too-many-attributes";
      } catch {
        return "malformed";
      }
      if (code !== Code.StatusServer) {
        const key = keyOf(port, data);
        const answered = answeredKeys.get(key);
        // Within the server's duplicate-cache time (5 s) with a wide margin.
        if (answered !== undefined && Date.now() - answered.at < 2000) return "resent";
        if (sentKeys.has(key)) return "ambiguous";
      }
      try {
        const failure = checkRequest(
          data,
          secretBytes,
          code === Code.AccessRequest || code === Code.StatusServer,
        );
        if (failure !== undefined) return failure;
        Packet.decode(data, { dictionary, secret: config.secret });
      } catch {
        return "malformed";
      }
      return "handled";
    };

    const expect = (what: string) => {
      if (what === "resent") resent++;
      else droppedBy[what] = (droppedBy[what] ?? 0) + 1;
    };

    let nextId = 0;
    const freeId = (): number => {
      for (;;) {
        const id = nextId;
        nextId = (nextId + 1) & 0xff;
        if (!outstanding.has(id)) return id;
      }
    };

    const validPacket = (n: number, port: Port, id: number, secret = config.secret): Packet => {
      const packet = port === "auth"
        ? Packet.create(Code.AccessRequest, dictionary, {
          "User-Name": `user-${n}`,
          "User-Password": `pw-${n}`,
          "NAS-Port": n,
        }, { id })
        : Packet.create(Code.AccountingRequest, dictionary, {
          "User-Name": `user-${n}`,
          "Acct-Status-Type": "Start",
          "Acct-Session-Id": `session-${n}`,
        }, { id });
      packet.encode(secret);
      return packet;
    };

    const mutate = (data: Uint8Array): Uint8Array => {
      let out = data.slice();
      switch (int(5)) {
        case 0:
          for (let i = 1 + int(4); i > 0; i--) out[int(out.length)]! ^= 1 << int(8);
          break;
        case 1:
          out = out.slice(0, int(out.length));
          break;
        case 2:
          out[20 + int(out.length - 21) + 1] = [0, 1, 2, 255][int(4)]!;
          break;
        case 3:
          out[2 + int(2)] = int(256);
          break;
        default:
          // Only past the header: keeps the duplicate-cache key.
          out[20 + int(out.length - 20)]! ^= 0xff;
      }
      return out;
    };

    let n = 0;
    let garbageCount = 0;
    /** One garbage datagram of a random class; classes that would be answered are skipped. */
    const garbage = async (): Promise<void> => {
      for (;;) {
        const port: Port = rand() < 0.5 ? "auth" : "acct";
        const kind = int(8);
        if (kind === 0) {
          // Random bytes, or a random header-shaped datagram.
          const length = [0, 3, 19, 20, 21, 44, int(200), int(1200)][int(8)]!;
          const data = new Uint8Array(length);
          for (let i = 0; i < length; i++) data[i] = int(256);
          if (rand() < 0.5 && length >= 20) {
            data[0] = [1, 4, 12, 2, 5, int(256)][int(6)]!;
            data[2] = length >> 8;
            data[3] = length & 0xff;
          }
          const what = outcome(data, port);
          if (what === "handled" || what === "ambiguous") continue;
          expect(what);
          return await send(known, data, port, "random");
        }
        if (kind === 1 || kind === 2) {
          // A mutated fresh packet (never sent) or a mutated recently answered one.
          const base = kind === 2 && recent.length > 0 ? recent[int(recent.length)]! : {
            port,
            bytes: validPacket(1_000_000 + int(1_000_000), port, int(256)).encode(config.secret),
          };
          const data = mutate(base.bytes);
          const what = outcome(data, base.port);
          if (what === "handled" || what === "ambiguous") continue;
          expect(what);
          return await send(known, data, base.port, kind === 2 ? "mutated-answered" : "mutated");
        }
        if (kind === 3) {
          const data = validPacket(2_000_000 + n, port, int(256), "not-the-secret").encode(
            "not-the-secret",
          );
          const what = outcome(data, port);
          if (what === "handled" || what === "ambiguous") continue;
          expect(what);
          return await send(known, data, port, "wrong-secret");
        }
        if (kind === 4) {
          // An Access-Request without Message-Authenticator (BlastRADIUS).
          const full = validPacket(3_000_000 + n, "auth", int(256)).encode(config.secret);
          const data = new Uint8Array(full.length - 18);
          data.set(full.subarray(0, 20));
          data.set(full.subarray(38), 20);
          data[2] = data.length >> 8;
          data[3] = data.length & 0xff;
          const what = outcome(data, "auth");
          if (what === "handled" || what === "ambiguous") continue;
          expect(what);
          return await send(known, data, "auth", "no-message-authenticator");
        }
        if (kind === 5) {
          // A valid request on the other port.
          const data = validPacket(4_000_000 + n, port, int(256)).encode(config.secret);
          const other: Port = port === "auth" ? "acct" : "auth";
          expect("wrong-port");
          return await send(known, data, other, "wrong-port");
        }
        if (kind === 6) {
          // A valid request from an address that is not a client.
          const data = validPacket(5_000_000 + n, port, int(256)).encode(config.secret);
          expect("unknown-client");
          return await send(unknown!, data, port, "unknown-client");
        }
        // A replay of a recently answered request: the cached reply again.
        if (recent.length === 0) continue;
        const entry = recent[int(recent.length)]!;
        if (outcome(entry.bytes, entry.port) !== "resent") continue;
        expect("resent");
        pendingReplays.push(entry);
        return await send(known, entry.bytes, entry.port, "replay");
      }
    };

    const start = Date.now();
    const deadline = start + Math.max(60_000, config.valid * 20);
    while (matched < config.valid && Date.now() < deadline) {
      while (outstanding.size < config.window && n < config.valid) {
        const port: Port = n % 2 === 0 ? "auth" : "acct";
        const id = freeId();
        const packet = validPacket(n, port, id);
        const bytes = packet.encode(config.secret);
        const request: Outstanding = {
          n,
          port,
          bytes,
          authenticator: packet.authenticator.slice(),
          echo: `echo user-${n}`,
          sentAt: Date.now(),
          tries: 1,
        };
        outstanding.set(id, request);
        sentKeys.add(keyOf(port, bytes));
        replied++;
        await send(known, bytes, port, "valid");
        n++;
        // At least one garbage datagram per valid request, two half of the time.
        for (let g = rand() < 0.5 ? 2 : 1; g > 0; g--) {
          await garbage();
          garbageCount++;
        }
      }
      const now = Date.now();
      for (const request of outstanding.values()) {
        if (now - request.sentAt >= config.retransmitMs) {
          // Same bytes: the server answered it already (or will) and resends from its cache.
          request.sentAt = now;
          request.tries++;
          expect("resent");
          await send(known, request.bytes, request.port, "retransmission");
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    // Let the last replies (to replays and retransmissions) arrive.
    const settle = Date.now() + 3000;
    while (Date.now() < settle && received < replied + resent) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const nonGarbage = (sent["valid"] ?? 0) + (sent["retransmission"] ?? 0);
    return {
      sent,
      total,
      garbage: total - nonGarbage,
      expected: { replied, resent, droppedBy },
      replies: { received, matched, wrong, extra, replaysUnanswered: pendingReplays.length },
      unanswered: outstanding.size + (config.valid - n),
      milliseconds: Date.now() - start,
    };
  } finally {
    await known.close();
    await unknown?.close();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

if (process.argv[1]?.endsWith("storm_generator.ts")) {
  const config = JSON.parse(process.argv[2] ?? "{}") as StormConfig;
  const report = await storm(config);
  console.log(`STORM ${JSON.stringify(report)}`);
  process.exit(0);
}
