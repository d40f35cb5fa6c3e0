// RFC 4849 §2 NAS-Filter-Rule against FreeRADIUS's own encoder and decoder
// (radclient 3.2): rules are packed into consecutive attributes with a NUL
// between them, and a rule may span two attributes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { radclient } from "../_radclient.ts";
import { udp } from "../_udp.ts";
import { Server } from "../../src/server.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

const SECRET = "testing123";
const dictionary = Dictionary.default();
// The second rule does not fit the first attribute's 253 octets and spans two.
const RULES = ["permit in ip from any to 192.0.2.1", "deny out ip " + "x".repeat(230), "hello"];

test(
  "NAS-Filter-Rule: radclient's packed rules decode one per rule; radkit's pack decodes in radclient",
  needs("radclient"),
  async () => {
    assertPeers("radclient");
    const seen: string[][] = [];
    const server = new Server({
      transport: udp(),
      dictionary,
      clients: [{ address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator: false }],
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleAccessRequest(request) {
        seen.push(request.getAll("NAS-Filter-Rule") as string[]);
        return request.reply(Code.AccessAccept, { "NAS-Filter-Rule": RULES });
      },
    });
    try {
      const bound = await server.listen({ hostname: "127.0.0.1", auth: 0 });
      const input = 'User-Name = "bob"\n' +
        RULES.map((rule) => `NAS-Filter-Rule = "${rule}"`).join("\n") + "\n";
      const result = await radclient(`127.0.0.1:${bound.auth!.port}`, "auth", SECRET, input);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      // radclient packed them (FreeRADIUS's encoder); radkit read one value per rule.
      assert.deepEqual(seen, [RULES]);
      // radkit packed the reply; radclient (FreeRADIUS's decoder) printed one line per rule.
      const printed = result.stdout.split("\n").slice(
        result.stdout.split("\n").findIndex((line) => line.startsWith("Received Access-Accept")),
      ).filter((line) => line.trim().startsWith("NAS-Filter-Rule = "));
      assert.deepEqual(
        printed.map((line) => line.trim()),
        RULES.map((rule) => `NAS-Filter-Rule = "${rule}"`),
      );
    } finally {
      await server.close();
    }
  },
);
