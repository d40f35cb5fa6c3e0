// The C load generator bench/loadgen/radload.c needs gcc and OpenSSL's
// headers (libssl-dev) to build. Without them its tests are skipped loudly;
// under CI=true they run, and fail with the build's message.
import { inCI } from "../_peers.ts";
import { findCompiler, haveOpenSslHeaders } from "../../bench/_radload.ts";

/** `{ skip: false }`, or why the radload tests cannot run here (never under CI). */
export function needsRadload(): { skip: string | false } {
  const missing = findCompiler() === undefined
    ? "gcc (apt-get install gcc)"
    : haveOpenSslHeaders()
    ? undefined
    : "the OpenSSL headers (apt-get install libssl-dev)";
  if (missing === undefined || inCI) return { skip: false };
  console.warn(
    `\n!!! SKIPPING radload tests: no ${missing} to build bench/loadgen/radload.c. ` +
      "CI=true makes this a failure.\n",
  );
  return { skip: `no ${missing} to build bench/loadgen/radload.c` };
}
