// radkit serve --workers: requests from many source ports reach both
// workers, the counters printed on stop are the sum over them, SIGHUP
// replaces the workers (re-reading the users file) and keeps serving, a
// broken users file keeps the old workers, Ctrl-C (SIGINT to the whole
// process group) stops everything and prints the counters; --workers 1
// reloads in place.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Client, Code } from "../../mod.ts";
import { udp } from "../../adapters/auto.ts";
import { childEnv, cli, root, runtime, scriptCommand } from "./_cli.ts";

const T = { timeout: 120000 };
const SECRET = "s3cret-workers-cli";

/** A `radkit serve --json` child, in its own process group, read line by line. */
class Serve {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  stderr = "";
  readonly #closed: Promise<number | null>;
  #buffered = "";

  constructor(args: readonly string[]) {
    const { command, args: prefix } = scriptCommand(`${root}src/cli/main.ts`);
    this.child = spawn(command, [
      ...prefix,
      "serve",
      "--json",
      "--secret",
      SECRET,
      "--auth-port",
      "0",
      "--acct-port",
      "0",
      "--coa-port",
      "0",
      ...args,
    ], { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const decoder = new TextDecoder();
    this.child.stderr!.on("data", (chunk: Uint8Array) => (this.stderr += decoder.decode(chunk)));
    this.child.stdout!.on("data", (chunk: Uint8Array) => {
      this.#buffered += decoder.decode(chunk);
      let newline;
      while ((newline = this.#buffered.indexOf("\n")) >= 0) {
        const line = this.#buffered.slice(0, newline);
        this.#buffered = this.#buffered.slice(newline + 1);
        if (line.startsWith("{")) this.events.push(JSON.parse(line));
      }
    });
    this.#closed = new Promise((resolve) => this.child.once("close", resolve));
  }

  /** The first event of that name from index `after` on, waiting for it. */
  async event(name: string, after = 0, ms = 60000): Promise<Record<string, unknown>> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.events.slice(after).find((e) => e.event === name);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || Date.now() > end) {
        throw new Error(`no "${name}" event; stderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get auth(): number {
    const listening = this.events.find((e) => e.event === "listening")!;
    return Number(String(listening.auth).split(":").at(-1));
  }

  /** Requests logged so far, by the worker that answered them. */
  byWorker(): Map<unknown, number> {
    const counts = new Map<unknown, number>();
    for (const e of this.events) {
      if (e.request !== undefined) counts.set(e.worker, (counts.get(e.worker) ?? 0) + 1);
    }
    return counts;
  }

  signal(signal: NodeJS.Signals): void {
    // Not child.kill(): Deno's sends only the first signal a child gets.
    process.kill(this.child.pid!, signal);
  }

  /** Resolves with the exit status; SIGKILLs the group after `ms`. */
  async exit(ms = 30000): Promise<number | null> {
    const timer = setTimeout(() => this.kill(), ms);
    const code = await this.#closed;
    clearTimeout(timer);
    // Deno's node:child_process reports a child it signalled as killed even
    // when the child handled the signal and exited 0; its output tells.
    if (code === null && runtime === "deno" && this.events.some((e) => e.event === "stopped")) {
      return 0;
    }
    return code;
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      this.child.kill("SIGKILL");
    }
  }
}

/** `clients` clients, one source port each, each sending `each` Access-Requests for bob. */
async function requests(port: number, password: string, clients: number, each: number) {
  const codes: string[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    await using client = new Client({
      transport: udp(),
      server: "127.0.0.1",
      ports: { auth: port },
      secret: SECRET,
      timeout: 2000,
      retries: 2,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    for (let i = 0; i < each; i++) {
      const reply = await client.accessRequest({ "User-Name": "bob", "User-Password": password });
      codes.push(reply.code === Code.AccessAccept ? "accept" : reply.codeName);
    }
  }));
  return codes;
}

describe("radkit serve --workers", T, () => {
  test(
    "two workers share the requests; SIGHUP re-reads the users file; SIGTERM sums",
    T,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "radkit-workers-"));
      const users = join(dir, "users");
      writeFileSync(users, 'bob Cleartext-Password := "hello"\n');
      const serve = new Serve(["--workers", "2", "--users", users]);
      try {
        const listening = await serve.event("listening");
        assert.equal(listening.workers, 2);
        const before = await requests(serve.auth, "hello", 40, 5);
        assert.deepEqual(new Set(before), new Set(["accept"]));
        await new Promise((resolve) => setTimeout(resolve, 200)); // The workers' log lines.
        // Both workers answered some of the 40 source ports.
        const byWorker = serve.byWorker();
        assert.deepEqual([...byWorker.keys()].sort(), [0, 1], JSON.stringify([...byWorker]));

        writeFileSync(users, 'bob Cleartext-Password := "changed"\n');
        const mark = serve.events.length;
        serve.signal("SIGHUP");
        await serve.event("reloaded", mark);
        assert.deepEqual(
          new Set(await requests(serve.auth, "changed", 10, 2)),
          new Set(["accept"]),
        );
        assert.deepEqual(await requests(serve.auth, "hello", 1, 1), ["Access-Reject"]);

        // A users file that no longer loads: the previous workers keep serving.
        writeFileSync(users, "bob Cleartext-Password\n");
        const mark2 = serve.events.length;
        serve.signal("SIGHUP");
        const failed = await serve.event("reload-failed", mark2);
        assert.match(String(failed.error), /exited|users/);
        assert.deepEqual(await requests(serve.auth, "changed", 1, 1), ["accept"]);

        serve.signal("SIGTERM");
        assert.equal(await serve.exit(), 0, serve.stderr);
        const stopped = await serve.event("stopped");
        const stats = stopped.stats as { received: number; replied: number; dropped: number };
        const answered = serve.events.filter((e) => e.request !== undefined).length;
        assert.equal(answered, 200 + 20 + 1 + 1);
        assert.equal(stats.replied, answered, JSON.stringify(stats));
        assert.equal(stats.received, stats.replied + stats.dropped);
        assert.equal(stopped.workers, 2);
      } finally {
        serve.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test(
    "Ctrl-C (SIGINT to the process group) stops the workers and prints their counters",
    T,
    async (t) => {
      const serve = new Serve(["--workers", "2"]);
      try {
        await serve.event("listening");
        assert.deepEqual(await requests(serve.auth, "x", 4, 2), Array(8).fill("Access-Reject"));
        try {
          process.kill(-serve.child.pid!, "SIGINT");
        } catch (error) {
          t.skip(`${runtime} cannot signal a process group: ${(error as Error).message}`);
          return;
        }
        assert.equal(await serve.exit(), 0, serve.stderr);
        const stopped = await serve.event("stopped");
        assert.equal(stopped.signal, "SIGINT");
        assert.equal((stopped.stats as { replied: number }).replied, 8);
      } finally {
        serve.kill();
      }
    },
  );

  test(
    "--workers 1 serves from one process; SIGHUP reloads the users file in place",
    T,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "radkit-workers-"));
      const users = join(dir, "users");
      writeFileSync(users, 'bob Cleartext-Password := "hello"\n');
      const serve = new Serve(["--workers", "1", "--users", users]);
      try {
        const listening = await serve.event("listening");
        assert.equal(listening.workers, 1);
        assert.equal(listening.sockets, undefined);
        assert.deepEqual(await requests(serve.auth, "hello", 1, 1), ["accept"]);
        writeFileSync(users, 'bob Cleartext-Password := "changed"\n');
        serve.signal("SIGHUP");
        assert.equal((await serve.event("reloaded")).users, 1);
        assert.deepEqual(await requests(serve.auth, "changed", 1, 1), ["accept"]);
        serve.signal("SIGTERM");
        assert.equal(await serve.exit(), 0, serve.stderr);
        assert.equal(((await serve.event("stopped")).stats as { replied: number }).replied, 2);
      } finally {
        serve.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test(
    "--sockets: a bad mode is a usage error; reuseport on Deno says why it cannot",
    T,
    async () => {
      const bad = await cli(["serve", "--secret", "s", "--sockets", "fast"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Invalid --sockets "fast": use reuseport or shared/);
      if (runtime === "deno") {
        const result = await cli([
          "serve",
          "--secret",
          "s",
          "--workers",
          "2",
          "--sockets",
          "reuseport",
          "--auth-port",
          "0",
        ]);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /no Deno API sets SO_REUSEPORT on a UDP socket/);
      }
    },
  );
});
