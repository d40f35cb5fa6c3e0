// Codec benchmark: a typical Access-Request and its Access-Accept, encoded
// and decoded (with verification) by radkit and by node-radius (the npm
// `radius` package) in the same runtime and the same run.
//
//   node_modules/.bin/deno run -A bench/codec_bench.ts
//   node_modules/.bin/bun bench/codec_bench.ts
//   node_modules/.bin/node bench/codec_bench.ts
import process from "node:process";
import radius from "radius";
import { Code } from "../src/codec/code.ts";
import { checkRequest, checkResponse } from "../src/codec/packet_codec.ts";
import { Dictionary } from "../src/dictionary/dictionary.ts";
import { Packet } from "../src/packet.ts";
import { compareRatio, runtimeName } from "./_measure.ts";

const SECRET = "testing123";
const secretBytes = new TextEncoder().encode(SECRET);
const dictionary = Dictionary.default();
const requestAttributes = {
  "User-Name": "bob@example.net",
  "User-Password": "correct horse",
  "NAS-IP-Address": "192.0.2.1",
  "NAS-Port": 17,
  "Called-Station-Id": "00-04-5F-00-0F-D1",
  "Calling-Station-Id": "00-01-24-80-B3-9C",
  "ADSL-Agent-Circuit-Id": "eth 0/1/2:100",
} as const;
const acceptAttributes = {
  "Service-Type": "Framed-User",
  "Framed-IP-Address": "192.168.0.1",
  "Session-Timeout": 3600,
  "Reply-Message": "Welcome",
} as const;

let sink = 0;

function radkitRoundTrip(): void {
  // NAS side: build and encode the request (Message-Authenticator first).
  const request = Packet.create(Code.AccessRequest, dictionary, requestAttributes);
  const requestBytes = request.encode(SECRET);
  // Server side: verify, decode, reply.
  if (checkRequest(requestBytes, secretBytes, true) !== undefined) throw new Error("bad request");
  const received = Packet.decode(requestBytes, { dictionary, secret: SECRET });
  const replyBytes = received.reply(Code.AccessAccept, acceptAttributes).encode(SECRET);
  // NAS side: verify and decode the reply.
  if (checkResponse(replyBytes, secretBytes, request.authenticator, true) !== undefined) {
    throw new Error("bad reply");
  }
  const reply = Packet.decode(replyBytes, { dictionary, secret: SECRET, request });
  sink += (reply.get("Session-Timeout") as number) + requestBytes.length;
}

function nodeRadiusRoundTrip(): void {
  const requestBytes = radius.encode({
    code: "Access-Request",
    secret: SECRET,
    attributes: Object.entries(requestAttributes).map(([name, value]) =>
      name === "ADSL-Agent-Circuit-Id"
        ? ["Vendor-Specific", 3561, [["ADSL-Agent-Circuit-Id", value]]]
        : [name, value]
    ),
    add_message_authenticator: true,
  });
  const received = radius.decode({ packet: requestBytes, secret: SECRET });
  const replyBytes = radius.encode_response({
    packet: received,
    code: "Access-Accept",
    secret: SECRET,
    attributes: Object.entries(acceptAttributes),
    add_message_authenticator: true,
  });
  if (!radius.verify_response({ request: requestBytes, response: replyBytes, secret: SECRET })) {
    throw new Error("bad reply");
  }
  const reply = radius.decode({ packet: replyBytes, secret: SECRET }) as unknown as {
    attributes: Record<string, number>;
  };
  sink += reply.attributes["Session-Timeout"]! + requestBytes.length;
}

// Many short rounds in pairs, the ratio taken within each pair: this
// machine's speed drifts over seconds, and a pair shares one spell of it.
// BENCH_QUICK=1 (scripts/bench_all.mjs --quick): fewer rounds.
const quick = process.env.BENCH_QUICK === "1";
const { ours, theirs, ratio } = compareRatio(
  radkitRoundTrip,
  nodeRadiusRoundTrip,
  200,
  quick ? 7 : 25,
);
console.log(`# codec: Access-Request + Access-Accept round trip, ${runtimeName()}`);
console.log("| implementation | round trips/s | ratio |");
console.log("|---|---:|---:|");
console.log(`| radkit | ${Math.round(ours)} | ${ratio.toFixed(2)}× |`);
console.log(`| node-radius 1.1.4 | ${Math.round(theirs)} | 1.00× |`);
if (sink === 0) console.log("(sink)");
console.log(`BENCH ${
  JSON.stringify({
    bench: "codec",
    runtime: runtimeName(),
    radkit: ours,
    nodeRadius: theirs,
    ratio,
  })
}`);
