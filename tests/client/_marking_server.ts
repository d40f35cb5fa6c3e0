// A RADIUS server for tests/client/blocked_loop_test.ts, run as a child
// process so that it answers while the test's own event loop is blocked:
// binds 127.0.0.1 on a free port, prints the port, answers every
// Access-Request with an Access-Accept under SECRET, and appends one line
// to MARKER-FILE once each reply has been sent, so that the blocked test can
// see (synchronously) that its replies are waiting in its socket.
//
//   <runtime> tests/client/_marking_server.ts MARKER-FILE SECRET
import { appendFileSync } from "node:fs";
import process from "node:process";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { udp } from "../_udp.ts";

const [marker, secret] = process.argv.slice(-2) as [string, string];
const dictionary = Dictionary.default();
const socket = await udp().bind({ hostname: "127.0.0.1", port: 0 }, (bytes, from) => {
  const request = Packet.decode(bytes, { dictionary, secret });
  const reply = request.reply(Code.AccessAccept).encode(secret);
  Promise.resolve(socket.send(reply, from)).then(
    () => appendFileSync(marker, `${request.id}\n`),
    (error) => console.error(`send failed: ${error}`),
  );
});
// A string: Deno colours a logged number when FORCE_COLOR is set, even to 0.
console.log(`PORT ${socket.local.port}`);
// Ends when the test closes stdin (or kills it).
process.stdin.on("end", () => socket.close().then(() => process.exit(0)));
process.stdin.resume();
