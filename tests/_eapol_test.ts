// Runs wpa_supplicant's eapol_test as an EAP peer and NAS: it sends the
// Access-Requests, checks the Message-Authenticator of every reply and,
// after an Access-Accept, compares the MS-MPPE keys with the MSK it derived.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "./_peers.ts";

/** What one eapol_test run printed and how it exited (0: authenticated). */
export interface EapolTestResult {
  readonly code: number | null;
  readonly output: string;
}

/** The options of one run. */
export interface EapolTestOptions {
  readonly port: number;
  readonly secret: string;
  /** eapol_test's `eap=` value: MD5, GTC, MSCHAPV2. */
  readonly eap: string;
  readonly identity: string;
  readonly password: string;
  /** `-n`: no MPPE keys expected (methods without an MSK). */
  readonly noKeys?: boolean;
  /**
   * `-e`: ask for EAP-Key-Name; eapol_test then compares it with the
   * Session-Id it derived ("Locally derived EAP Session-Id matches …").
   */
  readonly keyName?: boolean;
  /** `-r`: authenticate this many more times (a TLS method may resume its session). */
  readonly reauthentications?: number;
  /** More lines for the network block. */
  readonly extra?: readonly string[];
}

/** Runs one authentication against 127.0.0.1:`port`. */
export function eapolTest(options: EapolTestOptions): Promise<EapolTestResult> {
  const dir = mkdtempSync(join(tmpdir(), "radkit-eapol-"));
  const conf = join(dir, "eapol.conf");
  writeFileSync(
    conf,
    [
      "network={",
      "  key_mgmt=WPA-EAP",
      `  eap=${options.eap}`,
      `  identity="${options.identity}"`,
      `  password="${options.password}"`,
      ...(options.extra ?? []).map((line) => `  ${line}`),
      "}",
      "",
    ].join("\n"),
  );
  const args = [
    "-c",
    conf,
    "-a",
    "127.0.0.1",
    "-p",
    String(options.port),
    "-s",
    options.secret,
    "-t",
    "10",
    ...(options.noKeys === true ? ["-n"] : []),
    ...(options.keyName === true ? ["-e"] : []),
    ...(options.reauthentications === undefined ? [] : [`-r${options.reauthentications}`]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(peers.eapol_test.path, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const decoder = new TextDecoder();
    child.stdout.on("data", (chunk: Uint8Array) => (output += decoder.decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (output += decoder.decode(chunk)));
    child.once("error", (error) => {
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`Cannot run eapol_test (${peers.eapol_test.path}): ${error.message}`));
    });
    child.once("close", (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}
