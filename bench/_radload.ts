// The C load generator bench/loadgen/radload.c, from TypeScript: compiled
// with `gcc -O2` and linked with OpenSSL (-lssl -lcrypto, for its TLS mode;
// the headers come with libssl-dev) into bench/.build/ on first use (the
// file name carries a hash of the sources, so an edit rebuilds and
// concurrent builds do not clash), run as a child process (optionally pinned
// with `taskset -c`), its JSON lines parsed. Works on Deno, Bun and Node
// (node:child_process).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const SOURCES = ["radload.c", "md5.c", "md5.h", "stream.c", "stream.h"];
const sourceDir = fileURLToPath(new URL("./loadgen/", import.meta.url));
const buildDir = fileURLToPath(new URL("./.build/", import.meta.url));

/** The generator's options (see `radload --help`); only `port` is required. */
export interface RadloadOptions {
  port: number;
  /**
   * UDP datagrams, or one RADIUS stream per connection: TCP (RFC 6613) or
   * TLS (RFC 6614), framed by Length, never retransmitted. @default "udp"
   */
  transport?: "udp" | "tcp" | "tls";
  /** Stream connections the requests are spread over (Identifiers 0-255 each). @default 1 */
  connections?: number;
  /** TLS: this client's certificate (PEM file, chain after it). */
  cert?: string;
  /** TLS: its private key (PEM file). */
  key?: string;
  /** TLS: the CA(s) the server's certificate must chain to (PEM file); unchecked without. */
  ca?: string;
  /** TLS: the name sent as SNI and checked in the server's certificate (default: its IP). */
  servername?: string;
  /** TLS: the one version offered. @default "1.3" */
  tlsVersion?: "1.2" | "1.3";
  /**
   * TLS: the requests started in one turn of the generator's loop share one
   * record, instead of a record each (as NASes and proxies send them, and as
   * FreeRADIUS 3.2's listener needs). @default false
   */
  coalesce?: boolean;
  /** @default "127.0.0.1" */
  host?: string;
  /** @default "testing123" */
  secret?: string;
  /** @default "bob" */
  user?: string;
  /** @default "hello" */
  password?: string;
  /** Requests kept outstanding. @default 100 */
  inFlight?: number;
  /** UDP sockets they are spread over (Identifiers 0-255 each). @default 16 */
  sockets?: number;
  /** Verified replies in the measured window (0: until `duration`). @default 200000 */
  count?: number;
  /** Verified replies before the measured window starts. @default 20000 */
  warmup?: number;
  /** Seconds the warm-up may take at most. @default 60 */
  warmupMax?: number;
  /** Seconds the measured window may take at most (0: no cap). @default 0 */
  duration?: number;
  /** Milliseconds before a request is sent again (over a stream: counted lost). @default 1000 */
  timeout?: number;
  /** Retransmissions before a request counts as lost (UDP only). @default 3 */
  retries?: number;
  /** New requests per second at most (0: closed loop, a reply sends the next). @default 0 */
  rate?: number;
  /** Garbage datagrams per second sent to the same port during the run. @default 0 */
  storm?: number;
  /** Milliseconds between progress lines (0: none). @default 0 */
  progress?: number;
  /** Sends a Message-Authenticator in every request. @default true */
  messageAuthenticator?: boolean;
  /** Pins the generator to this CPU (`taskset -c`). */
  core?: number;
}

/** Progress during the measured window (`--progress`). */
export interface RadloadProgress {
  t: number;
  verified: number;
  perSecond: number;
  lost: number;
  retransmitted: number;
  bad: number;
}

/** What radload measured over its measured window (see radload.c). */
export interface RadloadResult {
  repliesPerSecond: number;
  /** New requests sent (first transmissions). */
  sent: number;
  /** Datagrams received from the server: verified + bad + duplicate. */
  received: number;
  /** Replies that verified and answered a request in flight. */
  verified: number;
  accepted: number;
  rejected: number;
  challenged: number;
  /** Datagrams that did not verify against any request. */
  bad: number;
  /** Late replies to a request already answered or lost. */
  duplicate: number;
  retransmitted: number;
  /** Requests given up after the last retransmission. */
  lost: number;
  withMessageAuthenticator: number;
  inFlightStart: number;
  inFlightEnd: number;
  sendErrors: number;
  /** ICMP port unreachable seen (no server on the port). */
  refused: number;
  wallSeconds: number;
  /** The generator's own CPU time (user + system) over the window. */
  cpuSeconds: number;
  cpuMicrosPerReply: number;
  latencyMs: { p50: number; p99: number; max: number };
  warmup: { verified: number; seconds: number };
  storm: { rate: number; sent: number; perSecond: number; errors: number; replies: number };
  transport: "udp" | "tcp" | "tls";
  /** Stream connections closed by the server (or by a reply that could not be framed). */
  connectionsClosed: number;
  /** TLS: what the first connection negotiated, and the slowest connect + handshake. */
  tls: { protocol: string; cipher: string; handshakeMsMax: number } | null;
  options: Record<string, unknown>;
}

/** No C compiler: the generator cannot be built. */
export class NoCompilerError extends Error {
  override name = "NoCompilerError";
}

/** The OpenSSL headers are missing: the generator cannot be built. */
export class NoOpenSslError extends Error {
  override name = "NoOpenSslError";
}

/** The path of an executable found on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The C compiler: $CC, else gcc on PATH. */
export function findCompiler(): string | undefined {
  const cc = process.env.CC;
  if (cc) return cc.includes("/") ? cc : findExecutable(cc);
  return findExecutable("gcc");
}

let openSsl: boolean | undefined;

/** True when the C compiler finds OpenSSL's headers (libssl-dev), which radload needs. */
export function haveOpenSslHeaders(): boolean {
  if (openSsl !== undefined) return openSsl;
  const compiler = findCompiler();
  if (compiler === undefined) return (openSsl = false);
  const result = spawnSync(compiler, ["-E", "-x", "c", "-o", "/dev/null", "-"], {
    input: "#include <openssl/ssl.h>\n",
    encoding: "utf8",
  });
  return (openSsl = result.status === 0);
}

let built: string | undefined;

/**
 * The radload binary, compiled with `gcc -O2` into bench/.build/ unless a
 * build of the same sources is there already.
 * @throws {NoCompilerError} when there is no gcc (or $CC).
 * @throws {NoOpenSslError} when the OpenSSL headers are missing (apt-get install libssl-dev).
 */
export function radloadBinary(): string {
  if (built !== undefined) return built;
  const hash = createHash("sha256");
  for (const name of SOURCES) hash.update(readFileSync(join(sourceDir, name)));
  const binary = join(buildDir, `radload-${hash.digest("hex").slice(0, 16)}`);
  if (!existsSync(binary)) {
    const compiler = findCompiler();
    if (compiler === undefined) {
      throw new NoCompilerError(
        "No C compiler to build bench/loadgen/radload.c: install gcc (apt-get install gcc) or set CC",
      );
    }
    mkdirSync(buildDir, { recursive: true });
    // Built under a unique name, then renamed: concurrent test runs may build at once.
    const temporary = `${binary}.${process.pid}.${Date.now()}`;
    const result = spawnSync(compiler, [
      "-O2",
      "-std=c11",
      "-Wall",
      "-o",
      temporary,
      join(sourceDir, "radload.c"),
      join(sourceDir, "md5.c"),
      join(sourceDir, "stream.c"),
      "-lssl",
      "-lcrypto",
    ], { encoding: "utf8" });
    if (result.status !== 0 && /openssl\/\w+\.h|-lssl|-lcrypto/.test(result.stderr ?? "")) {
      throw new NoOpenSslError(
        "No OpenSSL development files to build bench/loadgen/radload.c (its TLS mode links " +
          "OpenSSL): install them (apt-get install libssl-dev)",
      );
    }
    if (result.status !== 0) {
      throw new Error(
        `${compiler} could not build radload (${result.error?.message ?? result.status}): ${
          result.stderr ?? ""
        }`,
      );
    }
    renameSync(temporary, binary);
  }
  built = binary;
  return binary;
}

/** The command-line arguments for `options`. */
export function radloadArgs(options: RadloadOptions): string[] {
  const args = ["--port", String(options.port)];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(`--${flag}`, String(value));
  };
  if (options.transport === "tcp" || options.transport === "tls") {
    args.push(`--${options.transport}`);
  }
  add("connections", options.connections);
  add("cert", options.cert);
  add("key", options.key);
  add("ca", options.ca);
  add("servername", options.servername);
  add("tls-version", options.tlsVersion);
  add("host", options.host);
  add("secret", options.secret);
  add("user", options.user);
  add("password", options.password);
  add("in-flight", options.inFlight);
  add("sockets", options.sockets);
  add("count", options.count);
  add("warmup", options.warmup);
  add("warmup-max", options.warmupMax);
  add("duration", options.duration);
  add("timeout", options.timeout);
  add("retries", options.retries);
  add("rate", options.rate);
  add("storm", options.storm);
  add("progress", options.progress);
  if (options.messageAuthenticator === false) args.push("--no-message-authenticator");
  if (options.coalesce === true) args.push("--coalesce");
  return args;
}

/** Callbacks of {@linkcode runRadload}. */
export interface RadloadEvents {
  /** The measured window starts (the warm-up is over): sample the server now. */
  onMeasuring?: () => void;
  /** A progress line (`progress` option). */
  onProgress?: (progress: RadloadProgress) => void;
}

/** Runs radload to its end; resolves with its result (rejects if it fails). */
export function runRadload(
  options: RadloadOptions,
  events: RadloadEvents = {},
): Promise<RadloadResult> {
  const binary = radloadBinary();
  const args = radloadArgs(options);
  const [command, argv] = options.core === undefined
    ? [binary, args]
    : ["taskset", ["-c", String(options.core), binary, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let result: RadloadResult | undefined;
    child.stdout!.on("data", (chunk: Uint8Array) => {
      stdout += new TextDecoder().decode(chunk);
      let newline;
      while ((newline = stdout.indexOf("\n")) >= 0) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        if (!line.startsWith("{")) continue;
        const json = JSON.parse(line) as { event?: string };
        if (json.event === "measuring") events.onMeasuring?.();
        else if (json.event === "progress") events.onProgress?.(json as unknown as RadloadProgress);
        else if (json.event === "result") result = json as unknown as RadloadResult;
      }
    });
    child.stderr!.on("data", (chunk: Uint8Array) => {
      stderr += new TextDecoder().decode(chunk);
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else {
        // The command line without the secret and password values.
        const shown = argv.map((arg, i) =>
          argv[i - 1] === "--secret" || argv[i - 1] === "--password" ? "<hidden>" : arg
        );
        reject(new Error(`radload ${shown.join(" ")} exited with ${code}: ${stderr.trim()}`));
      }
    });
  });
}
