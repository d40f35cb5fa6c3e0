// The pyrad2 getting-started server, in TypeScript: listens on the auth,
// accounting and CoA ports, logs every request (id, authenticator,
// attributes), accepts bob/hello with a framed address and rejects everyone
// else, and answers accounting, CoA and Disconnect requests.
//
// Run it (Ctrl-C stops it gracefully and prints the counters):
//
//   deno run -A --unstable-net examples/server.ts
//   bun examples/server.ts
//   node examples/server.ts                      # Node.js 23.6+ (type stripping)
//
// Options: --host 127.0.0.1 --auth-port 1812 --acct-port 1813 --coa-port 3799
//          --secret Kah3choteereethiejeimaeziecumi   (the seed guide's client secret)
// Environment: RADIUS_HOST, RADIUS_AUTH_PORT, RADIUS_ACCT_PORT, RADIUS_COA_PORT,
// RADIUS_SECRET. Port 0 picks a free port; the bound ports are printed.
//
// Try it with FreeRADIUS's radclient:
//   printf 'User-Name = "bob"\nUser-Password = "hello"\nMessage-Authenticator = 0x00\n' |
//     radclient -x 127.0.0.1:1812 auth Kah3choteereethiejeimaeziecumi
import process from "node:process";
import { parseArgs } from "node:util";
import { Code, Dictionary, hiddenValue, isSecretAttribute, type Packet } from "../mod.ts";
import { type RequestContext, Server } from "../mod.ts";
// This runtime's UDP adapter: @radkit/radius/adapters/auto in an application.
import { udp } from "../adapters/auto.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    host: { type: "string", default: process.env.RADIUS_HOST ?? "127.0.0.1" },
    "auth-port": { type: "string", default: process.env.RADIUS_AUTH_PORT ?? "1812" },
    "acct-port": { type: "string", default: process.env.RADIUS_ACCT_PORT ?? "1813" },
    "coa-port": { type: "string", default: process.env.RADIUS_COA_PORT ?? "3799" },
    secret: {
      type: "string",
      default: process.env.RADIUS_SECRET ?? "Kah3choteereethiejeimaeziecumi",
    },
  },
});

function log(message: string): void {
  console.log(`${new Date().toISOString()} | ${message}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Logs what the seed guide logs, except secret values: passwords, CHAP and
 * MS-CHAP challenges and responses, EAP messages stay out of logs.
 */
function logRequest(kind: string, request: Packet, context: RequestContext): void {
  log(`Received ${kind} with id ${request.id} from ${context.nasName}`);
  log(`Authenticator ${hex(request.authenticator)}`);
  log("Attributes:");
  for (const attribute of request.attributes()) {
    const secret = attribute.def !== undefined && isSecretAttribute(attribute.def);
    const value = secret
      ? hiddenValue(attribute.value)
      : attribute.value instanceof Uint8Array
      ? `0x${hex(attribute.value)}`
      : String(attribute.value);
    log(`  ${attribute.name}: ${value}`);
  }
}

const server = new Server({
  transport: udp(),
  dictionary: Dictionary.default(),
  clients: [
    { address: "127.0.0.0/8", secret: args.secret, name: "localhost" },
    { address: "::1", secret: args.secret, name: "localhost6" },
  ],
  handleAccessRequest(request, context) {
    logRequest("an authentication request", request, context);
    if (request.get("User-Name") !== "bob" || request.get("User-Password") !== "hello") {
      return request.reply(Code.AccessReject);
    }
    return request.reply(Code.AccessAccept, {
      "Service-Type": "Framed-User",
      "Framed-IP-Address": "192.168.0.1",
      "Framed-IPv6-Prefix": "fc66::1/64",
    });
  },
  handleAccountingRequest(request, context) {
    logRequest("an accounting request", request, context);
    return request.reply(Code.AccountingResponse);
  },
  handleCoaRequest(request, context) {
    logRequest("a CoA request", request, context);
    return request.reply(Code.CoAACK);
  },
  handleDisconnectRequest(request, context) {
    logRequest("a disconnect request", request, context);
    return request.reply(Code.DisconnectACK);
  },
});

const bound = await server.listen({
  hostname: args.host,
  auth: Number(args["auth-port"]),
  acct: Number(args["acct-port"]),
  coa: Number(args["coa-port"]),
});
for (const [name, address] of Object.entries(bound)) {
  log(`[${address.hostname}:${address.port}] ${name} port listening`);
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log("Shutting down");
  await server.close();
  const stats = server.stats();
  log(
    `Received ${stats.received}, replied ${stats.replied}, resent ${stats.resent}, dropped ${stats.dropped}`,
  );
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
