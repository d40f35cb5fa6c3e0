// FreeRADIUS's radclient (3.2) against a radkit Server whose handler is the
// three lines of verifyPassword(): radclient turns MS-CHAP-Password into an
// MS-CHAP v1 exchange (MS-CHAP-Challenge and an NT-only MS-CHAP-Response, as
// `radtest -t mschap` does), User-Password into PAP and CHAP-Password into
// CHAP. radclient checks our Response Authenticators and Message-Authenticator
// and reveals MS-CHAP-MPPE-Keys with the shared secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { radclient, type RadclientResult } from "../_radclient.ts";
import { udp } from "../_udp.ts";
import { Server } from "../../src/server.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { verifyPassword } from "../../src/verify_password.ts";
import { hashNtPasswordHash, ntPasswordHash } from "../../src/mschap/mod.ts";
import type { PasswordCredential } from "../../src/mschap/credential.ts";

const SECRET = "radclient-mschap";

/** Serves user bob with `credential`: the handler is verifyPassword() and one reply line. */
async function withServer(
  credential: PasswordCredential,
  body: (port: number) => Promise<void>,
): Promise<void> {
  assertPeers("radclient");
  const server = new Server({
    transport: udp(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    handleAccessRequest(request) {
      const result = verifyPassword(request, credential);
      return request.reply(result.ok ? Code.AccessAccept : Code.AccessReject, result.reply);
    },
  });
  try {
    const bound = await server.listen({ hostname: "127.0.0.1", auth: 0 });
    await body(bound.auth!.port);
  } finally {
    await server.close();
  }
}

/** The attribute lines radclient printed under its "Received <code>" line. */
function received(result: RadclientResult, code: string): string[] {
  const lines = result.stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`Received ${code} `));
  assert.notEqual(start, -1, `radclient got no ${code}:\n${result.stdout}${result.stderr}`);
  const attributes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("\t")) break;
    attributes.push(line.trim());
  }
  return attributes;
}

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const input = (password: string) =>
  `User-Name = "bob"\n${password}\nMessage-Authenticator = 0x00\n`;

for (
  const [name, credential] of [
    ["cleartext", { password: "hello" }],
    ["NT hash", { ntHash: ntPasswordHash("hello") }],
  ] as const
) {
  test(
    `radclient MS-CHAP v1 → verifyPassword() with the ${name}: accepted with MS-CHAP-MPPE-Keys`,
    {
      ...needs("radclient"),
    },
    async () => {
      await withServer(credential, async (port) => {
        const result = await radclient(
          `127.0.0.1:${port}`,
          "auth",
          SECRET,
          input('MS-CHAP-Password = "hello"'),
        );
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const attributes = received(result, "Access-Accept");
        // The 8-byte zero LM key, then the NT key: MD4 of the NT hash.
        const keys = `0000000000000000${hex(hashNtPasswordHash(ntPasswordHash("hello")))}`;
        assert.ok(
          attributes.includes(`MS-CHAP-MPPE-Keys = 0x${keys}`),
          `no MS-CHAP-MPPE-Keys = 0x${keys} in:\n${attributes.join("\n")}`,
        );
        assert.ok(
          attributes.includes("MS-MPPE-Encryption-Policy = Encryption-Allowed"),
          attributes.join("\n"),
        );
      });
    },
  );

  test(`radclient MS-CHAP v1 → verifyPassword() with the ${name}: a wrong password gets E=691`, {
    ...needs("radclient"),
  }, async () => {
    await withServer(credential, async (port) => {
      const result = await radclient(
        `127.0.0.1:${port}`,
        "auth",
        SECRET,
        input('MS-CHAP-Password = "wrong"'),
      );
      const attributes = received(result, "Access-Reject");
      assert.ok(
        attributes.some((line) => /^MS-CHAP-Error = .*E=691 R=0"$/.test(line)),
        attributes.join("\n"),
      );
    });
  });

  test(`radclient PAP → verifyPassword() with the ${name}: accepted, a wrong password rejected`, {
    ...needs("radclient"),
  }, async () => {
    await withServer(credential, async (port) => {
      const good = await radclient(
        `127.0.0.1:${port}`,
        "auth",
        SECRET,
        input('User-Password = "hello"'),
      );
      received(good, "Access-Accept");
      const bad = await radclient(
        `127.0.0.1:${port}`,
        "auth",
        SECRET,
        input('User-Password = "hullo"'),
      );
      received(bad, "Access-Reject");
    });
  });
}

test(
  "radclient CHAP → verifyPassword(): accepted with the cleartext, rejected with only the NT hash",
  {
    ...needs("radclient"),
  },
  async () => {
    await withServer({ password: "hello" }, async (port) => {
      const result = await radclient(
        `127.0.0.1:${port}`,
        "auth",
        SECRET,
        input('CHAP-Password = "hello"'),
      );
      received(result, "Access-Accept");
    });
    await withServer({ ntHash: ntPasswordHash("hello") }, async (port) => {
      const result = await radclient(
        `127.0.0.1:${port}`,
        "auth",
        SECRET,
        input('CHAP-Password = "hello"'),
      );
      received(result, "Access-Reject");
    });
  },
);
