/**
 * Rate limits for log lines, so that a flood of bad datagrams cannot flood
 * the log: at most a few lines of each kind per interval, the rest counted,
 * and the count reported with the next line let through (or by
 * {@linkcode LimitedLog.flush} when the server closes). Time is read only
 * when a line is offered: no timer, nothing that keeps a process alive.
 *
 * @module
 */
import type { Logger } from "./logger.ts";

/** How many lines of one kind may be logged per interval. */
export interface LogLimits {
  /**
   * Lines let through per interval and kind.
   *
   * @default {10}
   */
  readonly lines?: number;
  /**
   * The interval, in milliseconds, from the first line of a window.
   *
   * @default {60000}
   */
  readonly interval?: number;
}

/** The limits the server uses for every kind of line it rate-limits. */
export const DEFAULT_LOG_LIMITS: Required<LogLimits> = { lines: 10, interval: 60_000 };

interface Window {
  /** When the current window started. */
  start: number;
  /** Lines let through in it. */
  logged: number;
  /** Lines held back since the last one let through. */
  suppressed: number;
}

/**
 * Fixed-window counters, one per kind of line. Kinds are a fixed set of
 * names chosen by the caller (never addresses or other peer input), so the
 * map stays as small as that set.
 */
export class LogLimiter {
  #windows = new Map<string, Window>();
  #lines: number;
  #interval: number;
  #now: () => number;

  /**
   * @param limits Lines per interval; defaults as documented.
   * @param now The clock in milliseconds (tests inject one).
   * @throws {RangeError} for `lines` that is not a positive integer or an
   *   `interval` that is not a finite number >= 0.
   */
  constructor(limits: LogLimits = {}, now: () => number = Date.now) {
    const lines = limits.lines ?? DEFAULT_LOG_LIMITS.lines;
    const interval = limits.interval ?? DEFAULT_LOG_LIMITS.interval;
    if (!Number.isSafeInteger(lines) || lines < 1) {
      throw new RangeError(`Invalid log limit lines ${lines}: must be an integer of at least 1`);
    }
    if (!(Number.isFinite(interval) && interval >= 0)) {
      throw new RangeError(
        `Invalid log limit interval ${interval}: must be a finite number of milliseconds >= 0`,
      );
    }
    this.#lines = lines;
    this.#interval = interval;
    this.#now = now;
  }

  /**
   * Whether a line of `kind` may be logged now; counts it either way.
   *
   * @param kind Which kind of line (one of a fixed set).
   * @returns -1 to hold the line back; otherwise how many lines of this
   *   kind were held back since the last one let through (usually 0), to
   *   be reported with this one.
   */
  admit(kind: string): number {
    const now = this.#now();
    let window = this.#windows.get(kind);
    if (window === undefined) {
      window = { start: now, logged: 0, suppressed: 0 };
      this.#windows.set(kind, window);
    } else if (now - window.start >= this.#interval) {
      window.start = now;
      window.logged = 0;
    }
    if (window.logged >= this.#lines) {
      window.suppressed++;
      return -1;
    }
    window.logged++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return suppressed;
  }

  /**
   * Takes the counts of lines held back and not reported yet.
   *
   * @returns Each kind with lines held back, and how many; the counts are reset.
   */
  flush(): [kind: string, suppressed: number][] {
    const out: [string, number][] = [];
    for (const [kind, window] of this.#windows) {
      if (window.suppressed === 0) continue;
      out.push([kind, window.suppressed]);
      window.suppressed = 0;
    }
    return out;
  }
}

/** What a rate-limited line of one kind looks like, for the final report. */
interface Kind {
  readonly level: "warn" | "error";
  readonly message: string;
}

/**
 * A logger's warnings and errors through a {@linkcode LogLimiter}: a line
 * let through after others were held back says how many, in its message
 * and in a `suppressed` field.
 */
export class LimitedLog {
  #logger: Logger;
  #limiter: LogLimiter;
  #kinds = new Map<string, Kind>();

  /**
   * @param logger Where lines go.
   * @param limiter The limits, per kind.
   */
  constructor(logger: Logger, limiter: LogLimiter = new LogLimiter()) {
    this.#logger = logger;
    this.#limiter = limiter;
  }

  /**
   * Logs a line unless its kind is over its limit.
   *
   * @param level `"warn"` or `"error"`.
   * @param kind Which kind of line, for the limit (one of a fixed set).
   * @param message The message.
   * @param fields Its fields, built only if the line is logged.
   * @returns Whether the line was logged.
   */
  log(
    level: "warn" | "error",
    kind: string,
    message: string,
    fields: () => Record<string, unknown>,
  ): boolean {
    const suppressed = this.#limiter.admit(kind);
    if (suppressed < 0) {
      if (!this.#kinds.has(kind)) this.#kinds.set(kind, { level, message });
      return false;
    }
    if (suppressed === 0) this.#logger[level](message, fields());
    else {
      this.#logger[level](
        `${message} (${suppressed} similar messages suppressed before this one)`,
        { ...fields(), suppressed },
      );
    }
    return true;
  }

  /** Logs one line per kind whose held-back lines were not reported yet. */
  flush(): void {
    for (const [kind, suppressed] of this.#limiter.flush()) {
      const { level, message } = this.#kinds.get(kind) ?? { level: "warn", message: kind };
      this.#logger[level](`${message}: suppressed ${suppressed} similar messages`, {
        suppressed,
      });
    }
  }
}
