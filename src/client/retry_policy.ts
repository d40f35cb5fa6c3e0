/**
 * Retransmission timing per RFC 5080 §2.2.1, which takes the algorithm of
 * RFC 3315 §14: the first timeout is IRT, each next one doubles, every one
 * is randomised by ±RAND and capped at MRT; a request stops after MRC
 * retransmissions or MRD milliseconds, whichever comes first.
 *
 * @module
 */

/** The four RFC 5080 §2.2.1 parameters and the jitter, in milliseconds. */
export interface RetryOptions {
  /** IRT: how long to wait after the first transmission. */
  readonly initialTimeout: number;
  /** MRC: how many retransmissions at most; 0 sends once. */
  readonly maxRetransmissions: number;
  /** MRT: the longest wait between two transmissions; 0 for no cap. */
  readonly maxTimeout: number;
  /** MRD: how long to try one server in all; 0 for no limit. */
  readonly maxDuration: number;
  /** RAND: each wait is randomised by up to ± this fraction, 0..1. */
  readonly jitter: number;
}

/**
 * The RFC 5080 §2.2.1 recommendations: IRT 2 s, MRC 5, MRT 16 s, MRD 30 s,
 * RAND ±10 %. With them a silent server costs 30 s and 4 datagrams
 * (waits of about 2, 4, 8 and 16 s; MRD ends the fifth wait early).
 */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  initialTimeout: 2000,
  maxRetransmissions: 5,
  maxTimeout: 16000,
  maxDuration: 30000,
  jitter: 0.1,
});

/**
 * The retransmission timer of one request to one server.
 *
 * @example Usage
 * ```ts ignore
 * const schedule = new RetrySchedule({ ...DEFAULT_RETRY, jitter: 0 });
 * assert.equal(schedule.next(0), 2000);
 * assert.ok(schedule.canRetransmit(2000));
 * assert.equal(schedule.next(2000), 4000);
 * ```
 */
export class RetrySchedule {
  readonly #options: RetryOptions;
  readonly #random: () => number;
  #transmissions = 0;
  #timeout = 0;

  /**
   * Creates the schedule of one request to one server.
   *
   * @param options IRT, MRC, MRT, MRD and RAND.
   * @param random A source of numbers in [0, 1), for the jitter.
   */
  constructor(options: RetryOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** How many transmissions {@linkcode RetrySchedule.next} has been told of. */
  get transmissions(): number {
    return this.#transmissions;
  }

  /**
   * Records a transmission and says how long to wait for a reply.
   *
   * @param elapsed Milliseconds since the first transmission to this server.
   * @returns The wait in milliseconds: RT of RFC 5080 §2.2.1, cut short where MRD ends.
   */
  next(elapsed: number): number {
    const { initialTimeout, maxTimeout, maxDuration, jitter } = this.#options;
    const rand = () => (this.#random() * 2 - 1) * jitter;
    this.#transmissions++;
    let rt = this.#transmissions === 1
      ? initialTimeout + rand() * initialTimeout
      : 2 * this.#timeout + rand() * this.#timeout;
    if (maxTimeout > 0 && rt > maxTimeout) rt = maxTimeout + rand() * maxTimeout;
    this.#timeout = rt;
    if (maxDuration > 0) rt = Math.min(rt, maxDuration - elapsed);
    return Math.max(0, rt);
  }

  /**
   * Whether another transmission is allowed once the current wait is over.
   *
   * @param elapsed Milliseconds since the first transmission to this server.
   * @returns `false` once MRC retransmissions were made or MRD has passed.
   */
  canRetransmit(elapsed: number): boolean {
    const { maxRetransmissions, maxDuration } = this.#options;
    return this.#transmissions <= maxRetransmissions &&
      (maxDuration === 0 || elapsed < maxDuration);
  }
}

/** The longest wait a timer takes (setTimeout's limit, about 24.8 days). */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * How long a request may wait for its reply from one server in all: the
 * waits of the retransmission schedule added up, as a request over UDP
 * would spend them on that server. Over TCP and TLS nothing is
 * retransmitted on a live connection (RFC 6613 §2.6.1), but the server is
 * given the same time to answer.
 *
 * @param options IRT, MRC, MRT, MRD and RAND.
 * @param random A source of numbers in [0, 1), for the jitter.
 * @returns Milliseconds, at most setTimeout's limit.
 *
 * @example Usage
 * ```ts ignore
 * assert.equal(totalWait({ ...DEFAULT_RETRY, jitter: 0 }), 30000); // 2 + 4 + 8 + 16, cut at MRD
 * ```
 */
export function totalWait(options: RetryOptions, random: () => number = Math.random): number {
  const schedule = new RetrySchedule(options, random);
  let elapsed = 0;
  do {
    elapsed += schedule.next(elapsed);
  } while (elapsed < MAX_TIMER && schedule.canRetransmit(elapsed));
  return Math.min(elapsed, MAX_TIMER);
}
