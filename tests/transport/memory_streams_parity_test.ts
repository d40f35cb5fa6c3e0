// MemoryStreams plays TLS without running it; this checks that it reaches
// the outcomes real TLS reaches: each handshake below runs over `streams()`
// of the adapter of the runtime running the tests (node:tls on 127.0.0.1 and
// ::1) and over MemoryStreams, with the test PKI of tests/fixtures/tls/, and
// both must report the same details or fail with the same codes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  StreamConnection,
  StreamTransport,
  TlsClientOptions,
  TlsDetails,
  TlsServerOptions,
} from "../../src/stream_transport.ts";
import { MemoryStreams } from "../../src/testing/memory_transport.ts";
import { streams as bunStreams } from "../../adapters/bun.ts";
import { streams as denoStreams } from "../../adapters/deno.ts";
import { streams as nodeStreams } from "../../adapters/node.ts";
import { runtime } from "../_udp.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), "utf8");
const identity = (name: string) => ({ cert: fixture(`${name}.pem`), key: fixture(`${name}.key`) });
const ca = fixture("ca.pem");

interface Scenario {
  readonly name: string;
  readonly server: TlsServerOptions;
  readonly client: TlsClientOptions;
  readonly hostname?: string;
  /**
   * The client refuses the server's certificate after the server's side of a
   * TLS 1.3 handshake is done: whether and how the server's handshake()
   * fails then differs by runtime (Node.js: an Error without code, Deno: the
   * client's alert or success, Bun: ECONNRESET), so only the client's side
   * is compared.
   */
  readonly clientRefuses?: boolean;
  /** Why this runtime cannot take part, if it cannot. */
  readonly skip?: string | false;
}

const server: TlsServerOptions = { ...identity("server"), ca };
const nas: TlsClientOptions = { ...identity("nas1"), ca, servername: "radius.test" };

const scenarios: Scenario[] = [
  {
    name: "mutual TLS, ALPN by the server's preference",
    server: { ...server, alpnProtocols: ["radius/1.1", "radius/1.0"] },
    client: { ...nas, alpnProtocols: ["radius/1.0", "radius/1.1"] },
  },
  {
    name: "a client certificate from another CA",
    server,
    client: { ...nas, ...identity("rogue") },
  },
  {
    name: "a self-signed client certificate",
    server,
    client: { ...nas, ...identity("selfsigned") },
  },
  { name: "no client certificate", server, client: { ca, servername: "radius.test" } },
  {
    name: "requestCertificate: false",
    server: { ...server, requestCertificate: false },
    client: nas,
  },
  { name: "a server without ca", server: { ...identity("server") }, client: nas },
  {
    name: "ALPN offered by the server only",
    server: { ...server, alpnProtocols: ["radius/1.1"] },
    client: nas,
  },
  {
    name: "ALPN offered by the client only",
    server,
    client: { ...nas, alpnProtocols: ["radius/1.1"] },
  },
  {
    name: "ALPN with nothing in common",
    server: { ...server, alpnProtocols: ["radius/1.1"] },
    client: { ...nas, alpnProtocols: ["radius/1.0"] },
  },
  {
    name: "a server certificate from another CA",
    server,
    client: { ...nas, ca: fixture("other_ca.pem") },
    clientRefuses: true,
  },
  {
    name: "a server certificate from another CA, not verified",
    server,
    client: { ...nas, ca: fixture("other_ca.pem"), verify: false },
  },
  {
    name: "a servername the certificate lacks",
    server,
    client: { ...nas, servername: "nas1.test" },
    clientRefuses: true,
  },
  {
    name: "a servername the certificate lacks, not verified",
    server,
    client: { ...nas, servername: "nas1.test", verify: false },
  },
  { name: "an IPv4 literal, no servername", server, client: { ...identity("nas1"), ca } },
  {
    name: "an IPv6 literal, no servername",
    server,
    client: { ...identity("nas1"), ca },
    hostname: "::1",
  },
  {
    name: "a client trusting nothing (no ca)",
    server,
    client: { ...identity("nas1"), servername: "radius.test" },
    clientRefuses: true,
  },
  {
    name: "a server without ca that sends only its certificate",
    server: { ...identity("server") },
    client: { ...nas, ca: fixture("other_ca.pem"), verify: false },
  },
  {
    name: "TLS 1.3 required by both",
    server: { ...server, minVersion: "TLSv1.3" },
    client: { ...nas, minVersion: "TLSv1.3" },
  },
];

/**
 * A root, an intermediate and a leaf it signed, made with the openssl CLI,
 * or `undefined` without it.
 */
function makeChain(): Record<"root" | "mid" | "leaf" | "leafKey", string> | undefined {
  if (spawnSync("openssl", ["version"]).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "radkit-parity-"));
  const run = (...args: string[]) => {
    const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
  };
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj"];
    writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\n");
    writeFileSync(join(dir, "leaf.ext"), "subjectAltName=DNS:leaf.test,IP:127.0.0.1\n");
    run("req", "-x509", ...ec, "/CN=parity root", "-keyout", "root.key", "-out", "root.pem");
    run("req", ...ec, "/CN=parity intermediate", "-keyout", "mid.key", "-out", "mid.csr");
    const sign = (name: string, by: string, ext: string) =>
      run(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        `${by}.pem`,
        "-CAkey",
        `${by}.key`,
        "-CAcreateserial",
        "-out",
        `${name}.pem`,
        "-days",
        "2",
        "-extfile",
        ext,
      );
    sign("mid", "root", "ca.ext");
    run("req", ...ec, "/CN=leaf.test", "-keyout", "leaf.key", "-out", "leaf.csr");
    sign("leaf", "mid", "leaf.ext");
    const read = (name: string) => readFileSync(join(dir, name), "utf8");
    return {
      root: read("root.pem"),
      mid: read("mid.pem"),
      leaf: read("leaf.pem"),
      leafKey: read("leaf.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const chain = makeChain();
if (chain !== undefined) {
  const leaf = { cert: chain.leaf, key: chain.leafKey };
  const withMid = { cert: chain.leaf + chain.mid, key: chain.leafKey };
  const partial = runtime === "deno" &&
    "Deno's node:tls accepts a trusted intermediate as an anchor";
  scenarios.push(
    {
      name: "an intermediate sent along, the root trusted",
      server: withMid,
      client: { ca: chain.root },
    },
    {
      name: "no intermediate, the root trusted",
      server: leaf,
      client: { ca: chain.root, verify: false },
    },
    {
      name: "the intermediate from the server's own ca",
      server: { ...leaf, ca: chain.mid + chain.root },
      client: { ca: chain.root },
    },
    {
      name: "an intermediate sent along, another root trusted",
      server: withMid,
      client: { ca, verify: false },
    },
    {
      name: "only the intermediate trusted",
      server: withMid,
      client: { ca: chain.mid, verify: false },
      skip: partial,
    },
    {
      name: "a client chain through an intermediate",
      server: { ...identity("server"), ca: chain.root },
      client: { ...withMid, ca },
    },
  );
}

/** What a handshake established, or how it failed, on each side. */
type Outcome =
  | { client: Summary; server: Summary }
  | { clientError: string | undefined; serverError: string | undefined };
type Summary = Omit<TlsDetails, "peerCertificate"> & { peer: string | undefined };

function summary(details: TlsDetails | undefined): Summary {
  assert.ok(details, "TLS details");
  const { peerCertificate, ...rest } = details;
  const peer = peerCertificate === undefined ? undefined : [
    peerCertificate.fingerprint256,
    peerCertificate.commonName,
    ...peerCertificate.subjectAltNames,
    peerCertificate.der.length,
  ].join(" ");
  return { ...rest, peer };
}

const codeOf = (error: unknown): string | undefined => (error as { code?: string }).code;

async function play(transport: StreamTransport, scenario: Scenario): Promise<Outcome> {
  const hostname = scenario.hostname ?? "127.0.0.1";
  const accepted = Promise.withResolvers<StreamConnection>();
  const listener = await transport.listen(
    { hostname, port: 0, tls: scenario.server },
    accepted.resolve,
  );
  let client: StreamConnection | undefined;
  try {
    const connecting = transport.connect({
      hostname,
      port: listener.local.port,
      tls: scenario.client,
    });
    const serverSide = (await accepted.promise).handshake();
    const [clientResult, serverResult] = await Promise.allSettled([connecting, serverSide]);
    if (clientResult.status === "fulfilled") client = clientResult.value;
    if (clientResult.status === "fulfilled" && serverResult.status === "fulfilled") {
      return {
        client: summary(await clientResult.value.handshake()),
        server: summary(serverResult.value),
      };
    }
    return {
      clientError: clientResult.status === "rejected" ? codeOf(clientResult.reason) : undefined,
      serverError: serverResult.status === "rejected" ? codeOf(serverResult.reason) : undefined,
    };
  } finally {
    client?.destroy();
    (await accepted.promise).destroy();
    await listener.close();
  }
}

const real: StreamTransport = { deno: denoStreams, bun: bunStreams, node: nodeStreams }[runtime]();

describe(`MemoryStreams and streams() of adapters/${runtime}.ts reach the same TLS outcomes`, () => {
  for (const scenario of scenarios) {
    test(scenario.name, { skip: scenario.skip ?? false }, async () => {
      const expected = await play(real, scenario);
      const actual = await play(new MemoryStreams(), scenario);
      if (scenario.clientRefuses === true && "clientError" in expected && "clientError" in actual) {
        assert.equal(actual.clientError, expected.clientError);
      } else {
        assert.deepEqual(actual, expected);
      }
    });
  }
});
