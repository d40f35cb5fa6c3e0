// The README's demo (`npm run demo` runs scripts/demo.mjs): run with this
// runtime, it starts radkit serve, runs five radkit send exchanges and must
// exit 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { root, run, scriptCommand } from "./_cli.ts";

test("scripts/demo.mjs runs the exchanges and exits 0", { timeout: 120000 }, async () => {
  const { command, args } = scriptCommand(`${root}scripts/demo.mjs`, ["-A"]);
  const result = await run(command, args, { timeoutMs: 110000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /Received Access-Accept/);
  assert.match(result.stdout, /Received Access-Reject/);
  assert.match(result.stdout, /Received Accounting-Response/);
  assert.match(result.stdout, /stopped \(SIGTERM\): received 5, replied 5/);
  assert.match(result.stdout, /All 5 exchanges got the expected reply/);
});
