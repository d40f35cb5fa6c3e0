// Rate-limited log lines, with an injected clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LimitedLog, LogLimiter } from "../../src/server/log_limiter.ts";
import { recordingLogger } from "./_helpers.ts";

test("LogLimiter lets `lines` through per interval and reports what it held back", () => {
  let now = 0;
  const limiter = new LogLimiter({ lines: 2, interval: 1000 }, () => now);
  assert.deepEqual([limiter.admit("a"), limiter.admit("a")], [0, 0]);
  assert.deepEqual([limiter.admit("a"), limiter.admit("a"), limiter.admit("a")], [-1, -1, -1]);
  assert.equal(limiter.admit("b"), 0, "each kind has its own window");
  now = 999;
  assert.equal(limiter.admit("a"), -1);
  now = 1000;
  assert.equal(limiter.admit("a"), 4, "the first line of a new window carries the count");
  assert.equal(limiter.admit("a"), 0);
  assert.equal(limiter.admit("a"), -1);
  assert.deepEqual(limiter.flush(), [["a", 1]]);
  assert.deepEqual(limiter.flush(), [], "flush() resets the counts");
});

test("LogLimiter accounts for every line: let through + suppressed = offered", () => {
  let now = 0;
  const limiter = new LogLimiter({ lines: 3, interval: 100 }, () => now);
  let logged = 0;
  let reported = 0;
  for (let i = 0; i < 10_000; i++) {
    now += i % 7; // a clock that moves unevenly
    const suppressed = limiter.admit("kind");
    if (suppressed >= 0) {
      logged++;
      reported += suppressed;
    }
  }
  for (const [, suppressed] of limiter.flush()) reported += suppressed;
  assert.equal(logged + reported, 10_000);
  assert.ok(logged < 10_000 / 10, `${logged} lines let through`);
});

test("new LogLimiter() rejects bad limits", () => {
  assert.throws(() => new LogLimiter({ lines: 0 }), RangeError);
  assert.throws(() => new LogLimiter({ lines: 1.5 }), RangeError);
  assert.throws(() => new LogLimiter({ interval: -1 }), RangeError);
  assert.throws(() => new LogLimiter({ interval: Infinity }), RangeError);
});

test("LimitedLog says how many lines it held back, then flushes the rest", () => {
  let now = 0;
  const logger = recordingLogger();
  const log = new LimitedLog(logger, new LogLimiter({ lines: 1, interval: 50 }, () => now));
  let built = 0;
  const fields = () => {
    built++;
    return { n: built };
  };
  for (let i = 0; i < 5; i++) log.log("error", "lookup", "client lookup failed", fields);
  now = 50;
  log.log("error", "lookup", "client lookup failed", fields);
  log.log("error", "lookup", "client lookup failed", fields);
  log.log("error", "lookup", "client lookup failed", fields);
  log.log("warn", "other", "something else", fields);
  log.flush();
  log.flush();
  assert.deepEqual(logger.lines, [
    'error client lookup failed {"n":1}',
    'error client lookup failed (4 similar messages suppressed before this one) {"n":2,"suppressed":4}',
    'warn something else {"n":3}',
    'error client lookup failed: suppressed 2 similar messages {"suppressed":2}',
  ]);
  assert.equal(built, 3, "fields are built for lines logged only");
});
