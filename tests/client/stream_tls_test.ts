// The Client over TLS (RFC 6614) against a radkit Server with mutual TLS:
// the server's certificate checked by CA and name or by fingerprint, the
// client's own certificate, and every refusal surfacing as a
// ServerConnectionError with the server marked down, never a crash.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { ClientTlsOptions } from "../../src/client/tls_options.ts";
import { fingerprint, nasTls, pem, quiet, streams, tlsServer } from "./_stream_setup.ts";

async function withServer(
  tls: ClientTlsOptions,
  run: (client: Client, server: Awaited<ReturnType<typeof tlsServer>>["server"]) => Promise<void>,
  extra: Partial<ClientOptions> = {},
): Promise<void> {
  const { server, tls: bound } = await tlsServer();
  const client = new Client({
    streams: streams(),
    tls,
    server: `127.0.0.1:${bound.port}`,
    logger: quiet,
    ...extra,
  });
  try {
    await run(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

/** Asserts that a request fails with a ServerConnectionError matching `reason`, the server down. */
async function refused(client: Client, reason: RegExp): Promise<void> {
  await assert.rejects(client.accessRequest({ "User-Name": "bob" }), (error: Error) => {
    assert.equal((error as { code?: string }).code, "ERR_SERVER_CONNECTION", String(error));
    assert.match(error.message, /^Cannot use the TLS connection to 127\.0\.0\.1:\d+: /);
    assert.match(error.message, reason);
    return true;
  });
  const stats = client.stats();
  assert.equal(stats.servers[0]!.down, true);
  assert.equal(stats.connections.open, 0);
  assert.equal(stats.replies, 0);
}

describe("the server's certificate", () => {
  test("chains to ca and carries the address connected to: accepted", async () => {
    await withServer(nasTls(), async (client) => {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
    });
  });

  test("chains to another CA: refused, the server down", async () => {
    await withServer({ ...nasTls(), ca: pem("other_ca.pem") }, async (client) => {
      await refused(client, /certificate/i);
      assert.equal(client.stats().connections.failed, 1);
      assert.equal(client.stats().connections.opened, 0);
    });
  });

  test("servername it carries: accepted; servername it does not carry: refused", async () => {
    await withServer({ ...nasTls(), servername: "radius.test" }, async (client) => {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
    });
    await withServer({ ...nasTls(), servername: "other.test" }, async (client) => {
      await refused(client, /other\.test/);
    });
  });

  test("pinned by fingerprint without a CA: accepted in any notation", async () => {
    const pinned = fingerprint("server");
    for (const notation of [pinned, pinned.replaceAll(":", "").toLowerCase()]) {
      const { cert, key } = nasTls();
      await withServer({ cert, key, fingerprints: [notation] }, async (client) => {
        const reply = await client.accessRequest({ "User-Name": "bob" });
        assert.equal(reply.code, Code.AccessAccept);
      });
    }
  });

  test("not among the pinned fingerprints: refused after the handshake", async () => {
    const { cert, key } = nasTls();
    await withServer({ cert, key, fingerprints: [fingerprint("nas1")] }, async (client) => {
      await refused(client, /\(SHA-256 A6:49:9E:.*\) is not among tls\.fingerprints/);
    });
  });

  test("pinned and chained: both are checked", async () => {
    await withServer(
      { ...nasTls(), fingerprints: [fingerprint("selfsigned")] },
      async (client) => {
        await refused(client, /not among tls\.fingerprints/);
      },
    );
  });

  test("a server's own fingerprints replace the client-wide ones", async () => {
    const { server, tls: bound } = await tlsServer();
    const { cert, key } = nasTls();
    const client = new Client({
      streams: streams(),
      tls: { cert, key, fingerprints: [fingerprint("rogue")] },
      servers: [{
        host: `127.0.0.1:${bound.port}`,
        tls: { fingerprints: [fingerprint("server")] },
      }],
      logger: quiet,
    });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("the client's certificate", () => {
  test("missing: the server refuses the connection, the request fails cleanly", async () => {
    await withServer({ ca: pem("ca.pem") }, async (client, server) => {
      await refused(client, /certificate|before answering|closed|reset|socket/i);
      assert.equal(server.stats().connections.closedBy["no-certificate"], 1);
    });
  });

  test("from a CA the server does not trust: refused", async () => {
    await withServer(
      { ca: pem("ca.pem"), cert: pem("rogue.pem"), key: pem("rogue.key") },
      async (client, server) => {
        await refused(client, /certificate|before answering|closed|reset|socket/i);
        assert.equal(server.stats().connections.closedBy["certificate-unverified"], 1);
      },
    );
  });
});

describe("the shared secret", () => {
  test("is radsec unless given: another one gets the connection closed by the server", async () => {
    await withServer(nasTls(), async (client, server) => {
      await refused(client, /before answering.*shared secret/);
      assert.equal(server.stats().connections.closedBy["invalid-packet"], 1);
    }, { secret: "not radsec" });
  });
});
