// Runs FreeRADIUS's radclient as a peer: it builds and sends the packets, we
// read what it prints.
import { spawn } from "node:child_process";
import { peers } from "./_peers.ts";

/** What one radclient run printed and how it exited. */
export interface RadclientResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Sends the packets in `input` (radclient's `Attr = value` lines, packets
 * separated by blank lines) with `radclient -x`.
 *
 * @param server `host:port`, with IPv6 hosts in brackets.
 * @param kind radclient's packet type: auth, acct, status, coa, disconnect.
 */
export function radclient(
  server: string,
  kind: "auth" | "acct" | "status" | "coa" | "disconnect",
  secret: string,
  input: string,
  extraArgs: readonly string[] = [],
): Promise<RadclientResult> {
  return new Promise((resolve, reject) => {
    // By path, as _peers.ts checks it: PATH need not hold its directory.
    const child = spawn(peers.radclient.path, [
      "-x",
      "-r",
      "2",
      "-t",
      "2",
      ...extraArgs,
      server,
      kind,
      secret,
    ], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Uint8Array) => (stdout += new TextDecoder().decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
    child.once(
      "error",
      (error) =>
        reject(new Error(`Cannot run radclient (${peers.radclient.path}): ${error.message}`)),
    );
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
