// The FreeRADIUS helper runs the binary _peers.ts found, by path, and fails
// fast when it cannot run it: a non-root Debian user's PATH has no /usr/sbin,
// and a spawn error used to leave the helper waiting for an "exit" event that
// Deno and Bun never send (a pending promise, a 120 s timeout).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { assertPeers, needs } from "../_peers.ts";
import { startFreeRadius } from "../_freeradius.ts";

test("startFreeRadius rejects at once, naming the binary, when it cannot run it", {
  timeout: 20000,
}, async () => {
  await assert.rejects(
    startFreeRadius({ command: "/nonexistent/sbin/freeradius" }),
    (error: Error) => {
      assert.match(error.message, /^Cannot run FreeRADIUS \(\/nonexistent\/sbin\/freeradius\): /);
      assert.match(error.message, /ENOENT/);
      return true;
    },
  );
});

test("startFreeRadius starts FreeRADIUS when PATH lacks /usr/sbin", {
  timeout: 60000,
  ...needs("freeradius"),
}, async () => {
  assertPeers("freeradius");
  const saved = process.env.PATH;
  process.env.PATH = (saved ?? "").split(":").filter((dir) => !/\/sbin\/?$/.test(dir)).join(":");
  try {
    const server = await startFreeRadius();
    try {
      assert.match(server.log(), /Ready to process requests/);
    } finally {
      await server.stop();
    }
  } finally {
    process.env.PATH = saved;
  }
});
