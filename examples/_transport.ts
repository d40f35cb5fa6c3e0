// Shared by the client examples: this runtime's UDP transport, and where the
// server is (environment variables, with the defaults of examples/server.ts, whose
// secret is the seed guide's).
import process from "node:process";

/** UDP from `@radkit/radius/adapters/deno`, `/bun` or `/node`, whichever runtime runs this. */
export { udp } from "../adapters/auto.ts";

const env = process.env;

/** The server: RADIUS_HOST, RADIUS_AUTH_PORT, RADIUS_ACCT_PORT, RADIUS_COA_PORT, RADIUS_SECRET. */
export const server = {
  host: env.RADIUS_HOST ?? "127.0.0.1",
  ports: {
    auth: Number(env.RADIUS_AUTH_PORT ?? 1812),
    acct: Number(env.RADIUS_ACCT_PORT ?? 1813),
    coa: Number(env.RADIUS_COA_PORT ?? 3799),
  },
  secret: env.RADIUS_SECRET ?? "Kah3choteereethiejeimaeziecumi",
};

/** Prints an error in one line and sets a failing exit code. */
export function fail(error: unknown): void {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exitCode = 1;
}
