// The README's first command (`npm run demo`): starts `radkit serve` on
// 127.0.0.1 (free high ports, a temporary users file with bob/hello), then
// uses `radkit send` for an Access-Request (accepted), a wrong password
// (rejected), an accounting Start and Stop, and a Status-Server; prints each
// exchange and the server's log; stops the server. Exits 0 only if every
// exchange got the reply it should.
//
// Plain JavaScript: it runs the CLI (src/cli/main.ts) with the runtime that
// runs it — Node.js 22.18+/23.6+ (type stripping), Bun or Deno:
//
//   npm run demo                      (installs the pinned tools first)
//   node scripts/demo.mjs | bun scripts/demo.mjs | deno run -A scripts/demo.mjs
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const main = join(root, "src", "cli", "main.ts");
const SECRET = "demo-secret";
const USERS = `bob     Cleartext-Password := "hello"
        Reply-Message := "Hello, bob",
        Framed-IP-Address = 192.0.2.10

DEFAULT Auth-Type := Reject
        Reply-Message = "Denied"`;

/** The command that runs the CLI: this runtime, or the pinned Node 24 if this Node is too old. */
function runtime() {
  if ("Deno" in globalThis) {
    return { name: "deno", command: process.execPath, prefix: ["run", "-A", "--unstable-net"] };
  }
  if ("Bun" in globalThis) return { name: "bun", command: process.execPath, prefix: [] };
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) {
    return { name: `node ${process.version}`, command: process.execPath, prefix: [] };
  }
  const pinned = join(root, "node_modules", ".bin", "node");
  if (existsSync(pinned)) return { name: "node (pinned)", command: pinned, prefix: [] };
  console.error(
    `radkit demo: Node.js ${process.version} cannot run TypeScript: run "npm run demo" (installs Node 24) or use Node.js 22.18+`,
  );
  process.exit(1);
}

const rt = runtime();
// Node: keep the type-stripped, compiled modules between the short CLI runs.
const env = {
  ...process.env,
  NO_COLOR: "1",
  NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), "radkit-node-compile-cache"),
};

function show(args) {
  return `$ radkit ${args.map((a) => (/[\s"'$]/.test(a) ? `'${a}'` : a)).join(" ")}`;
}

/** Runs `radkit <args>` to completion. */
function radkit(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(rt.command, [...rt.prefix, main, ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function indent(text, prefix = "  ") {
  return text.trimEnd().split("\n").filter((l) => l !== "").map((l) => `${prefix}${l}`).join(
    "\n",
  );
}

const dir = mkdtempSync(join(tmpdir(), "radkit-demo-"));
const users = join(dir, "users");
writeFileSync(users, `# radkit demo users (FreeRADIUS "users" syntax)\n${USERS}\n`);

let server;
let serverOut = "";
let serverErr = "";
let shown = 0;
let ok = 0;
let failed = 0;

/** Waits until the server has printed `count` lines (or `ms` pass). */
async function serverLines(count, ms = 3000) {
  const end = Date.now() + ms;
  while (serverOut.split("\n").filter((l) => l !== "").length < count && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return serverOut.split("\n").filter((l) => l !== "");
}

async function printServerLog(count) {
  const lines = await serverLines(count);
  for (const line of lines.slice(shown)) console.log(`  server | ${line}`);
  shown = lines.length;
}

async function exchange(title, args, expected, exitCode) {
  console.log(`\n── ${title}`);
  console.log(show(args));
  const result = await radkit(args);
  if (result.stdout.trim() !== "") console.log(indent(result.stdout));
  if (result.stderr.trim() !== "") console.log(indent(result.stderr, "  stderr: "));
  await printServerLog(shown + 1);
  const good = result.code === exitCode && result.stdout.includes(`Received ${expected} `);
  if (good) ok++;
  else failed++;
  console.log(
    good
      ? `  ✔ ${expected} (exit ${result.code}), as expected`
      : `  ✘ expected ${expected} and exit ${exitCode}, got exit ${result.code}`,
  );
}

try {
  console.log(`radkit demo: a radkit server and the radkit client on 127.0.0.1 (${rt.name})\n`);
  console.log(`users file ${users}:\n${USERS.replace(/^/gm, "  ")}\n`);
  const serveArgs = [
    "serve",
    "--host",
    "127.0.0.1",
    "--auth-port",
    "0",
    "--acct-port",
    "0",
    "--coa-port",
    "0",
    "--secret",
    SECRET,
    "--users",
    users,
  ];
  console.log(show(serveArgs));
  server = spawn(rt.command, [...rt.prefix, main, ...serveArgs], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Never leave the server behind, even if this script dies (e.g. EPIPE from `| head`).
  process.on("exit", () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  });
  server.stdout.on("data", (chunk) => (serverOut += chunk));
  server.stderr.on("data", (chunk) => (serverErr += chunk));
  const exited = new Promise((resolve) => server.once("close", resolve));

  const [first] = await serverLines(1, 20000);
  const ports = Object.fromEntries(
    [...(first ?? "").matchAll(/(auth|acct|coa) 127\.0\.0\.1:(\d+)/g)].map((m) => [m[1], m[2]]),
  );
  if (!ports.auth || !ports.acct) {
    throw new Error(`the server did not start:\n${serverOut}${serverErr}`);
  }
  await printServerLog(1);

  const auth = `127.0.0.1:${ports.auth}`;
  const acct = `127.0.0.1:${ports.acct}`;
  const common = ["--secret", SECRET, "--timeout", "1000", "--retries", "2"];
  await exchange(
    "1. Access-Request, bob / hello: accepted",
    ["send", "--server", auth, ...common, "User-Name=bob", "User-Password=hello"],
    "Access-Accept",
    0,
  );
  await exchange(
    "2. Access-Request, bob / wrong password: rejected (exit status 1, like radclient)",
    ["send", "--server", auth, ...common, "User-Name=bob", "User-Password=guess"],
    "Access-Reject",
    1,
  );
  const session = ["User-Name=bob", "Acct-Session-Id=demo-1", "NAS-IP-Address=192.0.2.1"];
  await exchange(
    "3. Accounting-Request, Start",
    [
      "send",
      "--server",
      acct,
      ...common,
      "--code",
      "accounting-request",
      "Acct-Status-Type=Start",
      ...session,
    ],
    "Accounting-Response",
    0,
  );
  await exchange(
    "4. Accounting-Request, Stop",
    [
      "send",
      "--server",
      acct,
      ...common,
      "--code",
      "accounting-request",
      "Acct-Status-Type=Stop",
      "Acct-Session-Time=42",
      "Acct-Terminate-Cause=User-Request",
      ...session,
    ],
    "Accounting-Response",
    0,
  );
  await exchange(
    "5. Status-Server (RFC 5997): is the server alive?",
    ["send", "--server", auth, ...common, "--code", "status-server"],
    "Access-Accept",
    0,
  );

  console.log(`\n── stopping the server (SIGTERM)`);
  server.kill("SIGTERM");
  let timer;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
  clearTimeout(timer);
  await printServerLog(shown + 1);
  if (serverErr.trim() !== "") console.log(indent(serverErr, "  server stderr: "));
  // (Deno's node:child_process reports a child it sent SIGTERM to as killed
  // by it even when the child handled the signal and exited 0.)
  const clean = server.exitCode === 0 ||
    ("Deno" in globalThis && server.signalCode === "SIGTERM");
  if (!clean || !serverOut.includes("radkit serve: stopped")) {
    failed++;
    console.log(`  ✘ the server did not stop cleanly (${server.exitCode ?? server.signalCode})`);
  }
} catch (error) {
  failed++;
  console.error(`radkit demo: ${error instanceof Error ? error.message : error}`);
} finally {
  if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  failed === 0
    ? `\nAll ${ok} exchanges got the expected reply.`
    : `\n${failed} step(s) failed, ${ok} exchange(s) as expected.`,
);
process.exitCode = failed === 0 ? 0 : 1;
