// The earlier load generator in TypeScript (Node.js), kept for
// bench/deno_udp_variants.ts; the server benchmark and the soak use the much
// lighter C generator bench/loadgen/radload.c instead. Run as its own
// process on Node.js 24 (node_modules/.bin/node, type stripping) whatever
// runtime the server runs on, so every server faces the same client.
//
//   node bench/server_load.ts POOL
//
// Builds a pool of POOL distinct pre-encoded PAP Access-Requests
// (User-Name bob, User-Password hello, NAS-IP-Address, Message-Authenticator
// first; secret "testing123"), so encoding costs nothing while measuring,
// prints `READY`, then runs one job per stdin line (JSON) and prints
// `RESULT {...}` for each:
//
//   { "port": N, "seconds": S, "warmup": S, "concurrency": C,
//     "expect": "accept" | "echo", "rate": R, "requests": N, "progressMs": MS }
//
// C sockets on 127.0.0.1 each keep at most one request in flight; a reply
// sends the next one (closed loop). With rate R > 0 a token bucket caps the
// total at R requests/s (open loop, for the soak). With requests N > 0 the
// job ends after N verified replies instead of after S seconds. A request
// unanswered for 1 s (checked every 100 ms) is sent again (counted as lost) -
// the next packet of the pool, so a server's duplicate cache never answers it.
//
// Every reply is verified before it counts: it must come from the port the
// request went to (datagrams from any other port are ignored: a late reply
// of an earlier run can reach a socket that reuses its port), on the socket
// that sent it, carry that request's Identifier and, for "accept", be an
// Access-Accept whose Response Authenticator verifies (MD5 over the reply and
// the request authenticator, RFC 2865 §3) and whose Message-Authenticator,
// when present, verifies (HMAC-MD5, RFC 3579 §3.2); replies with one are
// counted. For "echo" the reply must equal the request byte for byte.
// Anything else is counted as `bad` and the request stays in flight. node:crypto does the checks here so
// they cost every server the same.
import { hash, timingSafeEqual } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import process from "node:process";
import { Code, Dictionary, Packet } from "../mod.ts";
import type { LoadJob as Job, LoadResult as Result } from "./_proc.ts";

const SECRET = "testing123";
const secret = Buffer.from(SECRET);
// One-shot node:crypto hashes over scratch buffers the inputs are copied
// into: createHash() builds an object per call, and createHmac() a KeyObject,
// which cost more than the hashing itself at these sizes.
const scratch = Buffer.alloc(64 + 4096 + secret.length);
// HMAC-MD5 (RFC 2104) from two MD5s with the padded keys (K XOR ipad, K XOR opad).
const innerPad = Buffer.alloc(64, 0x36);
const outerPad = Buffer.alloc(64, 0x5c);
for (let i = 0; i < secret.length; i++) {
  innerPad[i]! ^= secret[i]!;
  outerPad[i]! ^= secret[i]!;
}
const outerInput = Buffer.alloc(64 + 16);
outerPad.copy(outerInput, 0);
/** HMAC-MD5 of the `length` bytes at scratch[64..], whose first 64 bytes it overwrites. */
function hmacMd5OfScratch(length: number): Buffer {
  innerPad.copy(scratch, 0);
  hash("md5", scratch.subarray(0, 64 + length), "buffer").copy(outerInput, 64);
  return hash("md5", outerInput, "buffer");
}
/** MD5(reply header + request authenticator + reply attributes + secret), RFC 2865 §3. */
function responseAuthenticator(reply: Buffer, length: number, request: Buffer): Buffer {
  reply.copy(scratch, 0, 0, 4);
  request.copy(scratch, 4, 4, 20);
  reply.copy(scratch, 20, 20, length);
  secret.copy(scratch, length);
  return hash("md5", scratch.subarray(0, length + secret.length), "buffer");
}
/** HMAC-MD5 over the reply with the request authenticator in and the MAC at `mac` zeroed. */
function messageAuthenticator(reply: Buffer, length: number, request: Buffer, mac: number): Buffer {
  reply.copy(scratch, 64, 0, length);
  request.copy(scratch, 64 + 4, 4, 20);
  if (mac >= 0) scratch.fill(0, 64 + mac, 64 + mac + 16);
  return hmacMd5OfScratch(length);
}
const poolSize = Number(process.argv[2] ?? 200_000);
const dictionary = Dictionary.default();
const pool: Buffer[] = [];
for (let i = 0; i < poolSize; i++) {
  pool.push(Buffer.from(
    Packet.create(Code.AccessRequest, dictionary, {
      "User-Name": "bob",
      "User-Password": "hello",
      "NAS-IP-Address": "192.0.2.1",
    }).encode(SECRET),
  ));
}

/** 0: does not verify; 1: verifies; 2: verifies, with a Message-Authenticator. */
function verifyAccept(reply: Buffer, request: Buffer): 0 | 1 | 2 {
  if (reply.length < 20 || reply[0] !== Code.AccessAccept || reply[1] !== request[1]) return 0;
  const length = reply.readUInt16BE(2);
  if (length < 20 || length > reply.length) return 0;
  const expected = responseAuthenticator(reply, length, request);
  if (!timingSafeEqual(expected, reply.subarray(4, 20))) return 0;
  // Message-Authenticator (80), wherever it is.
  for (let offset = 20; offset + 2 <= length;) {
    const size = reply[offset + 1]!;
    if (size < 2) return 0;
    if (reply[offset] === 80) {
      if (size !== 18) return 0;
      const mac = messageAuthenticator(reply, length, request, offset + 2);
      return timingSafeEqual(mac, reply.subarray(offset + 2, offset + 18)) ? 2 : 0;
    }
    offset += size;
  }
  return 1;
}

/**
 * The hashing and copying verifyAccept does, spent on an echoed datagram too,
 * so that the bare-echo ceiling loads this generator exactly as a RADIUS
 * server's replies do: on 2 shared cores the generator's own cost would
 * otherwise favour the echo.
 */
function verificationWork(reply: Buffer, request: Buffer): void {
  responseAuthenticator(reply, reply.length, request);
  messageAuthenticator(reply, reply.length, request, -1);
}

async function run(job: Job): Promise<Result> {
  const concurrency = job.concurrency ?? 100;
  const expect = job.expect ?? "accept";
  const rate = job.rate ?? 0;
  const target = job.requests ?? 0;
  let next = Math.floor(Math.random() * pool.length);
  let counting = false;
  let replies = 0;
  let bad = 0;
  let lost = 0;
  let sent = 0;
  let withMessageAuthenticator = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const sockets: Socket[] = [];
  const inFlight: (Buffer | undefined)[] = [];
  const sentAt: number[] = new Array<number>(concurrency).fill(0);
  const idle: number[] = [];
  let tokens = 0;
  let stopped = false;

  const send = (index: number): void => {
    if (stopped) return;
    if (rate > 0) {
      if (tokens < 1) {
        inFlight[index] = undefined;
        idle.push(index);
        return;
      }
      tokens--;
    }
    const packet = pool[next++ % pool.length]!;
    inFlight[index] = packet;
    sent++;
    sentAt[index] = performance.now();
    sockets[index]!.send(packet, job.port, "127.0.0.1");
  };
  // One sweep for every request rather than a timer each (a timer per send
  // costs the generator more than a server's whole reply).
  const resend = setInterval(() => {
    const now = performance.now();
    for (let i = 0; i < concurrency; i++) {
      if (inFlight[i] !== undefined && now - sentAt[i]! >= 1000) {
        lost++;
        send(i);
      }
    }
  }, 100);

  for (let i = 0; i < concurrency; i++) {
    const socket = createSocket("udp4");
    socket.on("message", (reply: Buffer, from) => {
      // A datagram from elsewhere is no reply of this server: a late reply of
      // an earlier run to a socket that had this port before, say.
      if (from.port !== job.port || from.address !== "127.0.0.1") return;
      const request = inFlight[i];
      const ok = request === undefined
        ? 0
        : expect === "echo"
        ? (verificationWork(reply, request), reply.equals(request) ? 1 : 0)
        : verifyAccept(reply, request);
      if (ok === 0) {
        bad++;
        return;
      }
      inFlight[i] = undefined;
      if (counting) {
        replies++;
        if (ok === 2) withMessageAuthenticator++;
        if (target > 0 && replies >= target) finish();
      }
      send(i);
    });
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    sockets.push(socket);
  }

  let refill: ReturnType<typeof setInterval> | undefined;
  if (rate > 0) {
    let last = performance.now();
    refill = setInterval(() => {
      const now = performance.now();
      tokens = Math.min(tokens + ((now - last) * rate) / 1000, rate / 10);
      last = now;
      while (tokens >= 1 && idle.length > 0) send(idle.shift()!);
    }, 5);
    for (let i = 0; i < concurrency; i++) idle.push(i);
  } else {
    for (let i = 0; i < concurrency; i++) send(i);
  }

  await new Promise((resolve) => setTimeout(resolve, (job.warmup ?? 1) * 1000));
  counting = true;
  const start = performance.now();
  const sentAtStart = sent;
  let progress: ReturnType<typeof setInterval> | undefined;
  if ((job.progressMs ?? 0) > 0) {
    let previous = 0;
    progress = setInterval(() => {
      const t = (performance.now() - start) / 1000;
      console.log(
        `PROGRESS ${
          JSON.stringify({
            t,
            replies,
            perSecond: (replies - previous) / ((job.progressMs ?? 1) / 1000),
            lost,
            bad,
          })
        }`,
      );
      previous = replies;
    }, job.progressMs);
  }
  if (target === 0) setTimeout(finish, (job.seconds ?? 5) * 1000);
  await finished;
  counting = false;
  const elapsed = (performance.now() - start) / 1000;
  stopped = true;
  clearInterval(refill);
  clearInterval(progress);
  clearInterval(resend);
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(resolve))));
  return {
    replies,
    withMessageAuthenticator,
    bad,
    lost,
    sent: sent - sentAtStart,
    seconds: elapsed,
    perSecond: replies / elapsed,
  };
}

console.log("READY");
let pending = "";
let queue = Promise.resolve();
process.stdin.on("data", (chunk: Buffer) => {
  pending += chunk.toString();
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "") continue;
    const job = JSON.parse(line) as Job;
    queue = queue.then(async () => console.log(`RESULT ${JSON.stringify(await run(job))}`));
  }
});
process.stdin.on("end", () => void queue.then(() => process.exit(0)));
