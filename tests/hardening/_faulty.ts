// A fault-injecting wrapper for any DatagramTransport (used around this
// runtime's real UDP adapter): seeded loss, duplication and per-datagram
// delay (which reorders), applied to what the wrapped sockets send. The
// in-memory transport has the same faults built in; this brings them to real
// loopback sockets.
import type { DatagramSocket, DatagramTransport } from "../../src/transport.ts";
import { seededRandom } from "../_random.ts";

/** Faults to inject on send. */
export interface Faults {
  /** Seeds loss, duplication and delay. */
  readonly seed: number;
  /** Probability 0..1 that a datagram is not sent. */
  readonly loss?: number;
  /** Probability 0..1 that a datagram is sent twice. */
  readonly duplicate?: number;
  /** Each datagram is held a random 0..maxDelayMs ms (so datagrams overtake each other). */
  readonly maxDelayMs?: number;
  /** Decides per datagram whether to drop it (after the random faults). */
  readonly drop?: (data: Uint8Array) => boolean;
}

/** Counters of what the wrapper did. */
export interface FaultStats {
  sent: number;
  lost: number;
  duplicated: number;
  delayed: number;
}

/** Wraps `inner` so that its sockets lose, duplicate and delay what they send. */
export function faulty(
  inner: DatagramTransport,
  faults: Faults,
): DatagramTransport & { stats: FaultStats } {
  const rand = seededRandom(faults.seed);
  const stats: FaultStats = { sent: 0, lost: 0, duplicated: 0, delayed: 0 };
  return {
    name: `faulty(${inner.name})`,
    stats,
    async bind(options, onMessage): Promise<DatagramSocket> {
      const socket = await inner.bind(options, onMessage);
      const timers = new Set<ReturnType<typeof setTimeout>>();
      let closed = false;
      const deliver = (data: Uint8Array, to: { hostname: string; port: number }) => {
        const delay = faults.maxDelayMs ? rand() * faults.maxDelayMs : 0;
        if (delay === 0) {
          return Promise.resolve(socket.send(data, to)).catch(() => {});
        }
        stats.delayed++;
        const copy = data.slice();
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!closed) Promise.resolve(socket.send(copy, to)).catch(() => {});
        }, delay);
        timers.add(timer);
      };
      const wrapped: DatagramSocket = {
        local: socket.local,
        send(data, to): Promise<void> | void {
          stats.sent++;
          if ((faults.loss ?? 0) > 0 && rand() < faults.loss!) {
            stats.lost++;
            return;
          }
          if (faults.drop?.(data)) {
            stats.lost++;
            return;
          }
          const target = { hostname: to.hostname, port: to.port };
          if ((faults.duplicate ?? 0) > 0 && rand() < faults.duplicate!) {
            stats.duplicated++;
            deliver(data, target);
          }
          return deliver(data, target) ?? undefined;
        },
        close(): Promise<void> {
          closed = true;
          for (const timer of timers) clearTimeout(timer);
          timers.clear();
          return socket.close();
        },
        unref: () => socket.unref?.(),
        ref: () => socket.ref?.(),
        bufferSizes: () => socket.bufferSizes?.(),
        [Symbol.asyncDispose]: () => wrapped.close(),
      };
      return wrapped;
    },
  };
}
