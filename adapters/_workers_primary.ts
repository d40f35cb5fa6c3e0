/**
 * The primary process of `./workers.ts`: starts the workers, hands them the
 * ports, sums their counters, replaces them one at a time, and stops them.
 *
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import process from "node:process";
import type { Logger } from "../src/logger.ts";
import type { PortName } from "../src/ports.ts";
import type { ServerAddresses } from "../src/server.ts";
import type { ServerStats } from "../src/server/stats.ts";
import type { Address } from "../src/transport.ts";
import { sumStats } from "./_stats_sum.ts";
import {
  type FromWorker,
  isRadkitMessage,
  relayed,
  relayedBytes,
  type Sharing,
  type ToWorker,
  WORKER_ENV,
  type WorkerListen,
} from "./_workers_ipc.ts";

/** What the primary needs to run the workers. */
export interface PoolOptions {
  readonly count: number;
  readonly sharing: Sharing;
  readonly module: string;
  readonly args: readonly string[];
  readonly listen: WorkerListen;
  readonly logger: Logger;
  readonly startTimeout: number;
}

/** One worker process. */
interface Member {
  readonly index: number;
  readonly child: ChildProcess;
  readonly started: number;
  state: "starting" | "listening" | "retiring" | "stopping" | "gone";
  /** The latest counters it reported. */
  last: ServerStats | undefined;
  /** Settles on "listening" (resolves) or "failed" / exit (rejects). */
  readonly listening: Promise<ServerAddresses>;
  settleListening(error: Error | undefined, addresses?: ServerAddresses): void;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  /** Resolves once it sent "ready" (its IPC listener is in place). */
  readonly ready: Promise<void>;
  /** Records that its final counters ("stopped") arrived. */
  readonly markFinal: () => void;
}

/** Ports in the order `listen` names them. */
const PORTS: readonly PortName[] = ["auth", "acct", "coa"];
/** How long a stats request waits before using the worker's last report. */
const STATS_PATIENCE = 2000;
/** How long a stopping worker may take (its Server's closeTimeout included) before SIGKILL. */
const STOP_PATIENCE = 60_000;
/** How long an exited worker's final counters may lag behind its exit. */
const FINAL_PATIENCE = 2000;
/** A worker that dies sooner than this after starting is not started again (a crash loop). */
const CRASH_LOOP = 1000;

/** The primary's side of `serveOnAllCores()`. */
export class Pool {
  readonly #options: PoolOptions;
  readonly #members: (Member | undefined)[];
  /** Final counters of workers that are gone. */
  readonly #retired: ServerStats[] = [];
  /** Sockets the primary holds for a moment, until a worker has them: what they read is relayed. */
  readonly #held: Socket[] = [];
  #listen: WorkerListen;
  #addresses: ServerAddresses = {};
  #nextId = 1;
  readonly #replies = new Map<number, (message: FromWorker, handle: unknown) => void>();
  #relayTurn = 0;
  /** Workers started to replace one, not in #members until they listen. */
  readonly #starting = new Set<Member>();
  #restarting: Promise<void> | undefined;
  #closing: Promise<ServerStats> | undefined;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#members = new Array(options.count).fill(undefined);
    this.#listen = { ...options.listen };
  }

  /** The bound addresses, real ports included. */
  get addresses(): ServerAddresses {
    return this.#addresses;
  }

  /** The process ids of the workers serving now. */
  get pids(): number[] {
    return this.#members.flatMap((member) =>
      member !== undefined && member.state === "listening" && member.child.pid !== undefined
        ? [member.child.pid]
        : []
    );
  }

  /** Starts every worker; rejects (with every process stopped) if one cannot listen. */
  async start(): Promise<void> {
    try {
      // Shared: one socket per port for all. reusePort: one per port per
      // worker; the first set picks the free ports where 0 was asked for.
      const sets: Map<number, Socket>[] = [await this.#bindSet()];
      for (let index = 1; index < this.#options.count; index++) {
        sets.push(this.#options.sharing === "shared" ? sets[0]! : await this.#bindSet());
      }
      const outcomes = await Promise.allSettled(
        sets.map((set, index) => this.#start(this.#spawn(index), set)),
      );
      const failed = outcomes.find((outcome) => outcome.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    } catch (error) {
      await this.#abort();
      throw error;
    } finally {
      this.#releaseHeld();
    }
  }

  /** The counters of every worker, summed (with those of workers gone). */
  async stats(): Promise<ServerStats> {
    const live = this.#members.filter((member): member is Member =>
      member !== undefined && (member.state === "listening" || member.state === "retiring")
    );
    const answers = await Promise.all(
      live.map(async (member) => ({ member, stats: await this.#askStats(member) })),
    );
    // A worker gone meanwhile is in #retired with its final counters already.
    const current = answers.flatMap(({ member, stats }) =>
      member.state !== "gone" && stats !== undefined ? [stats] : []
    );
    return sumStats([...this.#retired, ...current]);
  }

  /** Replaces every worker, one at a time, each new one listening before the old one stops. */
  restart(): Promise<void> {
    if (this.#closing !== undefined) {
      return Promise.reject(new Error("Cannot restart workers that are stopping"));
    }
    this.#restarting ??= this.#restartAll().finally(() => (this.#restarting = undefined));
    return this.#restarting;
  }

  /** Stops every worker and resolves with the final counters, summed. */
  close(): Promise<ServerStats> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #restartAll(): Promise<void> {
    for (let index = 0; index < this.#members.length; index++) {
      if (this.#closing !== undefined) return;
      const old = this.#members[index];
      const fresh = this.#spawn(index, false);
      try {
        await this.#start(fresh, await this.#socketsFor(old));
      } catch (error) {
        fresh.state = "stopping";
        fresh.child.kill("SIGKILL");
        await fresh.exited;
        throw error;
      } finally {
        this.#releaseHeld();
      }
      this.#members[index] = fresh;
      this.#starting.delete(fresh);
      if (old !== undefined && old.state !== "gone") {
        this.#options.logger.info("worker replaced", {
          worker: index,
          old: old.child.pid,
          new: fresh.child.pid,
        });
        old.state = "retiring";
        this.#send(old, { radkit: "retire" });
        await this.#stopped(old);
      }
    }
  }

  async #closeAll(): Promise<ServerStats> {
    await this.#restarting?.catch(() => {});
    const members = this.#members.filter((member): member is Member => member !== undefined);
    for (const member of members) {
      if (member.state === "gone") continue;
      member.state = "stopping";
      this.#send(member, { radkit: "stop" });
    }
    await Promise.all(members.map((member) => this.#stopped(member)));
    this.#releaseHeld();
    return sumStats(this.#retired);
  }

  /** Waits for a stopping worker to exit, killing it after STOP_PATIENCE. */
  async #stopped(member: Member): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        member.child.kill("SIGKILL");
        resolve();
      }, STOP_PATIENCE);
    });
    await Promise.race([member.exited, late]);
    clearTimeout(timer);
    await member.exited;
  }

  /** Stops everything after a failed start. */
  async #abort(): Promise<void> {
    for (const member of this.#members) {
      if (member === undefined || member.state === "gone") continue;
      member.state = "stopping";
      member.child.kill("SIGKILL");
    }
    await Promise.all(this.#members.map((member) => member?.exited));
  }

  /** Forks worker `index`; `install: false` keeps it out of the table until it listens. */
  #spawn(index: number, install = true): Member {
    const child = fork(this.#options.module, [...this.#options.args], {
      env: { ...process.env, [WORKER_ENV]: this.#options.sharing },
    });
    let settleListening!: Member["settleListening"];
    const listening = new Promise<ServerAddresses>((resolve, reject) => {
      settleListening = (error, addresses) => error ? reject(error) : resolve(addresses!);
    });
    listening.catch(() => {}); // Observed by #start; a later exit must not be unhandled.
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    let markFinal!: () => void;
    const final = new Promise<void>((resolve) => (markFinal = resolve));
    const disconnected = new Promise<void>((resolve) => child.once("disconnect", resolve));
    const exited = new Promise<void>((resolve) => {
      let done = false;
      const end = async (code: number | null, signal: string | null, error?: Error) => {
        if (done) return;
        done = true;
        // The exit can overtake the worker's last messages: wait for its final
        // counters (or the end of the channel, after which none can come).
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          final,
          disconnected,
          new Promise((resolve) => (timer = setTimeout(resolve, FINAL_PATIENCE))),
        ]);
        clearTimeout(timer);
        this.#exited(member, code, signal, error);
        resolve();
      };
      child.once("exit", (code, signal) => void end(code, signal));
      child.once("error", (error) => {
        if (child.pid === undefined) void end(null, null, error);
      });
    });
    const member: Member = {
      index,
      child,
      started: Date.now(),
      state: "starting",
      last: undefined,
      listening,
      settleListening,
      exited,
      ready,
      markFinal,
    };
    child.on("message", (message: unknown, handle: unknown) => {
      if (!isRadkitMessage(message)) return;
      if (message.radkit === "ready") markReady();
      this.#received(member, message as FromWorker, handle);
    });
    if (install) this.#members[index] = member;
    else this.#starting.add(member);
    exited.then(() => this.#starting.delete(member));
    return member;
  }

  /** Sends a started worker its sockets (shared) and what to listen on; waits until it listens. */
  async #start(member: Member, sockets: ReadonlyMap<number, Socket>): Promise<void> {
    const timeout = this.#options.startTimeout;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `Worker ${member.index} did not listen within startTimeout (${timeout} ms)`,
            ),
          ),
        timeout,
      );
    });
    try {
      await Promise.race([member.ready, member.listening, late]);
      const ports: number[] = [];
      for (const [port, socket] of sockets) {
        await this.#sendHandle(member, { radkit: "socket", port }, socket);
        ports.push(port);
      }
      this.#send(member, {
        radkit: "start",
        index: member.index,
        sharing: this.#options.sharing,
        listen: this.#listen,
        ports,
      });
      await Promise.race([member.listening, late]);
      member.state = "listening";
    } catch (error) {
      if (member.state !== "gone") {
        member.state = "stopping";
        member.child.kill("SIGKILL");
        await member.exited;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** After the first worker bound (port 0 = any), every later one binds the same ports. */
  #fixPorts(addresses: ServerAddresses): void {
    const listen: { -readonly [K in keyof WorkerListen]: WorkerListen[K] } = { ...this.#listen };
    for (const name of PORTS) {
      const address = addresses[name];
      if (address !== undefined) listen[name] = address.port;
    }
    this.#listen = listen;
  }

  /**
   * Binds one socket per port (with SO_REUSEPORT for "reusePort"), which the
   * primary holds until a worker has them. The first set fixes the ports.
   */
  async #bindSet(): Promise<Map<number, Socket>> {
    const hostname = this.#listen.hostname ?? "0.0.0.0";
    const reusePort = this.#options.sharing === "reusePort";
    const set = new Map<number, Socket>();
    const addresses: { -readonly [K in PortName]?: Address } = {};
    for (const name of PORTS) {
      const port = this.#listen[name];
      if (port === undefined) continue;
      const socket = createSocket({ type: hostname.includes(":") ? "udp6" : "udp4", reusePort });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ address: hostname, port }, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      const bound = socket.address();
      this.#hold(bound.port, socket);
      set.set(bound.port, socket);
      addresses[name] = {
        hostname: bound.address,
        port: bound.port,
        family: bound.family === "IPv6" ? "IPv6" : "IPv4",
      };
    }
    if (Object.keys(this.#addresses).length === 0) {
      this.#addresses = addresses;
      this.#fixPorts(addresses);
    }
    return set;
  }

  /** Keeps a socket for a moment: whatever it reads goes to a worker, not lost. */
  #hold(port: number, socket: Socket): void {
    this.#held.push(socket);
    socket.on(
      "error",
      (error) => this.#options.logger.debug("socket error", { error: error.message }),
    );
    socket.on("message", (message, peer) => {
      const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      const family = peer.family === "IPv6" ? "IPv6" : "IPv4";
      this.#relay(port, data, { hostname: peer.address, port: peer.port, family });
    });
  }

  /** Closes the sockets the primary held: the workers have their own handles by now. */
  #releaseHeld(): void {
    for (const socket of this.#held.splice(0)) {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  /**
   * The sockets for a worker replacing `old`: `old`'s own, lent back, so
   * that the port never closes and nothing queued in it is lost. When `old`
   * is gone: shared, another worker's; reusePort (its sockets closed with
   * it), a new set.
   */
  async #socketsFor(old: Member | undefined): Promise<ReadonlyMap<number, Socket>> {
    let lender = old?.state === "listening" ? old : undefined;
    if (lender === undefined && this.#options.sharing === "shared") {
      lender = this.#members.find((member) => member?.state === "listening");
    }
    if (lender === undefined) return await this.#bindSet();
    const from = lender;
    const id = this.#nextId++;
    const set = new Map<number, Socket>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#replies.delete(id);
        reject(new Error(`Worker ${from.index} did not lend its sockets back`));
      }, this.#options.startTimeout);
      this.#replies.set(id, (message, handle) => {
        if (message.radkit === "socket" && handle !== undefined && handle !== null) {
          this.#hold(message.port, handle as Socket);
          set.set(message.port, handle as Socket);
          return;
        }
        if (message.radkit === "lent") {
          clearTimeout(timer);
          this.#replies.delete(id);
          resolve();
        }
      });
      this.#send(from, { radkit: "lend", id });
    });
    return set;
  }

  /** A datagram read by the primary or passed on by a retiring worker goes to a serving worker. */
  #relay(port: number, data: Uint8Array, from: Address): void {
    // Serving workers first; one still starting queues it until it binds.
    const candidates = [...this.#members, ...this.#starting].filter((member): member is Member =>
      member !== undefined
    );
    let serving = candidates.filter((member) => member.state === "listening");
    if (serving.length === 0) serving = candidates.filter((member) => member.state === "starting");
    const target = serving[this.#relayTurn++ % Math.max(serving.length, 1)];
    if (target === undefined) {
      this.#options.logger.debug("datagram dropped: no worker to take it", { port });
      return;
    }
    this.#send(target, { radkit: "datagram", ...relayed(port, data, from) });
  }

  async #askStats(member: Member): Promise<ServerStats | undefined> {
    const id = this.#nextId++;
    const answer = new Promise<ServerStats | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#replies.delete(id);
        resolve(member.last);
      }, STATS_PATIENCE);
      this.#replies.set(id, (message) => {
        if (message.radkit !== "stats") return;
        clearTimeout(timer);
        this.#replies.delete(id);
        resolve(message.stats);
      });
      member.exited.then(() => {
        // Its final counters are in #retired now.
        clearTimeout(timer);
        this.#replies.delete(id);
        resolve(undefined);
      });
    });
    this.#send(member, { radkit: "stats", id });
    return await answer;
  }

  #received(member: Member, message: FromWorker, handle: unknown): void {
    switch (message.radkit) {
      case "listening":
        return member.settleListening(undefined, message.addresses);
      case "failed":
        return member.settleListening(new Error(message.message));
      case "stats":
        member.last = message.stats;
        if (message.id !== undefined) this.#replies.get(message.id)?.(message, handle);
        return;
      case "socket":
      case "lent":
        return this.#replies.get(message.id)?.(message, handle);
      case "datagram":
        return this.#relay(message.port, relayedBytes(message), message.from);
      case "ready":
        return;
      case "stopped":
        member.last = message.stats;
        if (member.state !== "gone" && member.state !== "retiring") member.state = "stopping";
        member.markFinal();
        return;
    }
  }

  #exited(member: Member, code: number | null, signal: string | null, error?: Error): void {
    const was = member.state;
    member.state = "gone";
    if (member.last !== undefined) this.#retired.push(member.last);
    const how = error?.message ?? (signal !== null ? `signal ${signal}` : `code ${code}`);
    member.settleListening(new Error(`Worker ${member.index} exited (${how}) before listening`));
    if (was === "stopping" || was === "retiring") return;
    if (this.#members[member.index] !== member || this.#closing !== undefined) return;
    if (was === "starting") return; // #start reports it.
    const lived = Date.now() - member.started;
    if (lived < CRASH_LOOP) {
      this.#options.logger.error("worker exited and is not started again (it ran only briefly)", {
        worker: member.index,
        pid: member.child.pid,
        exit: how,
      });
      this.#members[member.index] = undefined;
      return;
    }
    this.#options.logger.warn("worker exited; starting another", {
      worker: member.index,
      pid: member.child.pid,
      exit: how,
    });
    this.#members[member.index] = undefined;
    void this.#respawn(member.index);
  }

  async #respawn(index: number): Promise<void> {
    const fresh = this.#spawn(index, false);
    try {
      await this.#start(fresh, await this.#socketsFor(undefined));
      if (this.#closing !== undefined) {
        fresh.state = "stopping";
        this.#send(fresh, { radkit: "stop" });
        return;
      }
      this.#members[index] = fresh;
      this.#starting.delete(fresh);
    } catch (error) {
      this.#options.logger.error("worker could not be started again", {
        worker: index,
        error: (error as Error).message,
      });
    } finally {
      this.#releaseHeld();
    }
  }

  #send(member: Member, message: ToWorker): void {
    if (member.state === "gone" || !member.child.connected) return;
    try {
      member.child.send(message);
    } catch {
      // The channel closed: its exit is on the way.
    }
  }

  #sendHandle(member: Member, message: ToWorker, socket: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      member.child.send(
        message,
        socket,
        (error: Error | null) => error ? reject(error) : resolve(),
      );
    });
  }
}
