// Installs the pinned dev tooling (Deno, Bun, Node 24 from npm) on a fresh
// clone, so that `npm test` and `npm run demo` work with nothing but Node.js
// and npm on the machine.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tools = ["deno", "bun", "node"].map((name) => `${root}node_modules/.bin/${name}`);
if (!tools.every((tool) => existsSync(tool))) {
  console.log("Installing the pinned Deno, Bun and Node 24 (npm ci)…");
  execSync("npm ci --no-audit --no-fund", { cwd: root, stdio: "inherit" });
}
