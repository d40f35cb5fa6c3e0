// serveOnAllCores() over real UDP on this runtime, in each way it can share
// the ports: both workers answer (many source ports), the summed counters
// match what the clients saw, and a restart under a stream of requests loses
// none. Where this runtime cannot share ports a way, the start fails with an
// Error that says so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { ServerStats } from "../../mod.ts";
import { crowd, startPool } from "./_harness.ts";
import { runtime } from "../cli/_cli.ts";

const T = { timeout: 120000 };
const linux = process.platform === "linux";
const modes = [
  { sockets: "reusePort", works: runtime !== "deno" && linux },
  { sockets: "shared", works: true },
];

for (const { sockets, works } of modes) {
  describe(`serveOnAllCores({ sockets: "${sockets}" }) on ${runtime}`, T, () => {
    if (!works) {
      test("fails to start with an Error that says why", T, async () => {
        await assert.rejects(
          startPool(sockets),
          /Cannot share ports with sockets: "reusePort" on Deno/,
        );
      });
      return;
    }

    test("two workers answer, and the summed counters are what the clients saw", T, async () => {
      const pool = await startPool(sockets);
      try {
        assert.equal(pool.pids.length, 2);
        // 40 clients, one source port each, 10 requests each, 40 at a time.
        const tally = await crowd(pool.auth, 40, 10, { retries: 2 });
        assert.equal(tally.accepted, 400, JSON.stringify(tally));
        assert.deepEqual([...tally.byPid.keys()].sort(), [...pool.pids].sort());
        for (const [pid, count] of tally.byPid) assert.ok(count > 0, `worker ${pid}: ${count}`);
        const live = (await pool.command("stats", "stats")).stats as ServerStats;
        const stopped = (await pool.command("close", "stopped")).stats as ServerStats;
        for (const stats of [live, stopped]) {
          assert.equal(stats.requests["Access-Request"], stats.received - stats.dropped);
          assert.equal(stats.replies["Access-Accept"], stats.replied + stats.resent);
          assert.equal(
            stats.received,
            stats.replied + stats.resent + stats.dropped + stats.inFlight,
          );
          assert.equal(stats.replied, 400, JSON.stringify(stats));
          assert.equal(stats.dropped, 0);
        }
        console.log(`${runtime} ${sockets}: replies by worker ${JSON.stringify([...tally.byPid])}`);
      } finally {
        await pool.kill();
      }
    });

    test(
      "restart() replaces both workers under a stream of requests, and none is lost",
      T,
      async () => {
        const pool = await startPool(sockets);
        try {
          let streaming = true;
          // No retransmission: a lost datagram would fail its request.
          const stream = crowd(pool.auth, 20, 1_000_000, {
            retries: 0,
            timeout: 5000,
            keepGoing: () => streaming,
          });
          await new Promise((resolve) => setTimeout(resolve, 500));
          const restarted = await pool.command("restart", "restarted");
          await new Promise((resolve) => setTimeout(resolve, 500));
          streaming = false;
          const tally = await stream;
          const pids = restarted.pids as number[];
          assert.equal(pids.length, 2);
          assert.ok(pids.every((pid) => !pool.pids.includes(pid)), "every worker is new");
          const stopped = (await pool.command("close", "stopped")).stats as ServerStats;
          console.log(
            `${runtime} ${sockets}: restart under ${tally.sent} requests, replies by worker ${
              JSON.stringify([...tally.byPid])
            }, server counted ${stopped.received} received, ${stopped.replied} replied`,
          );
          assert.equal(tally.failed, 0, JSON.stringify(tally));
          assert.equal(tally.accepted, tally.sent);
          assert.ok(pids.some((pid) => tally.byPid.has(pid)), "the new workers answered");
          assert.equal(stopped.replied, tally.accepted);
          assert.equal(stopped.received, stopped.replied + stopped.dropped + stopped.resent);
        } finally {
          await pool.kill();
        }
      },
    );

    test("restart() whose new worker cannot start keeps the old workers serving", T, async () => {
      const dir = mkdtempSync(join(tmpdir(), "radkit-workers-"));
      const fail = join(dir, "fail");
      const pool = await startPool(sockets, { FAIL_FILE: fail });
      try {
        writeFileSync(fail, "");
        const failed = await pool.command("restart", "restart-failed");
        assert.match(String(failed.message), /says no/);
        assert.deepEqual([...(failed.pids as number[])].sort(), [...pool.pids].sort());
        const tally = await crowd(pool.auth, 10, 2, { retries: 2 });
        assert.equal(tally.accepted, 20, JSON.stringify(tally));
        assert.ok([...tally.byPid.keys()].every((pid) => pool.pids.includes(pid)));
        assert.equal(((await pool.command("close", "stopped")).stats as ServerStats).replied, 20);
      } finally {
        await pool.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("a worker that dies is replaced; the counters it reported are kept", T, async () => {
      const pool = await startPool(sockets);
      try {
        const first = await crowd(pool.auth, 20, 5, { retries: 2 });
        assert.equal(first.accepted, 100);
        // Past the crash-loop guard (1 s) and a report (every second).
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const victim = pool.pids[0]!;
        process.kill(victim, "SIGKILL");
        let pids: number[] = [];
        for (let i = 0; i < 200; i++) {
          pids = (await pool.command("stats", "stats")).pids as number[];
          if (pids.length === 2 && !pids.includes(victim)) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(pids.length, 2, `workers now: ${pids}`);
        assert.ok(!pids.includes(victim));
        const second = await crowd(pool.auth, 20, 5, { retries: 2 });
        assert.equal(second.accepted, 100, JSON.stringify(second));
        const stopped = (await pool.command("close", "stopped")).stats as ServerStats;
        assert.equal(stopped.replied, 200, JSON.stringify(stopped));
        assert.match(pool.stderr(), /worker exited; starting another/);
      } finally {
        await pool.kill();
      }
    });
  });
}

describe(`serveOnAllCores() on ${runtime}: mistakes fail the start with a clear Error`, T, () => {
  test("a port in use", T, async () => {
    const taken = createSocket("udp4");
    await new Promise<void>((resolve) => taken.bind(0, "127.0.0.1", resolve));
    try {
      await assert.rejects(
        startPool(undefined, { AUTH_PORT: String(taken.address().port) }),
        /EADDRINUSE/,
      );
    } finally {
      taken.close();
    }
  });

  test("a Server not built on worker.transport", T, async () => {
    await assert.rejects(
      startPool(undefined, { WRONG_TRANSPORT: "1" }),
      /did not bind through worker\.transport/,
    );
  });
});
