// The X.509 reader of the memory network (src/testing/x509_names.ts) against
// OpenSSL's own reading of the same certificates: the test PKI under
// tests/fixtures/tls/ and certificates made here with the openssl CLI for the
// subjectAltName kinds the fixtures lack. Then the TLS outcomes the memory
// network derives from them (src/testing/memory_tls.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import {
  describeCertificate,
  pemBlocks,
  pemCertificates,
  readCertificateNames,
} from "../../src/testing/x509_names.ts";
import {
  namesHost,
  negotiateTls,
  readTlsClientOptions,
  readTlsServerOptions,
  selectAlpn,
} from "../../src/testing/memory_tls.ts";
import { formatIPv6, parseIPv6 } from "../../src/codec/ip.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const derOf = (pem: string): Uint8Array => {
  const [der] = pemCertificates(pem);
  assert.ok(der, "a CERTIFICATE block");
  return der;
};
const identityOf = (name: string) => ({
  cert: fixture(`${name}.pem`),
  key: fixture(`${name}.key`),
});
const codeOf = (error: Error): string | undefined => (error as { code?: string }).code;
const CERTIFICATES = ["ca", "other_ca", "server", "nas1", "rogue", "selfsigned"];

const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0;
const noOpenssl = openssl ? false : "the openssl CLI is not installed";

/** What `openssl x509` prints about a certificate, turned into the reader's terms. */
function opensslReading(
  path: string,
): { commonName: string | undefined; sans: string[]; sha256: string } {
  const run = spawnSync(
    "openssl",
    [
      "x509",
      "-in",
      path,
      "-noout",
      "-nameopt",
      "utf8,sep_multiline,sname",
      "-subject",
      "-ext",
      "subjectAltName",
      "-fingerprint",
      "-sha256",
    ],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.split("\n");
  // sep_multiline: one RDN a line, the values of a multi-valued RDN joined by " + ".
  const commonNames = lines
    .filter((line) => /^\s/.test(line))
    .flatMap((line) => line.trim().split(" + "))
    .filter((value) => value.startsWith("CN="))
    .map((value) => value.slice(3));
  const sanLine = lines.findIndex((line) => line.includes("Subject Alternative Name"));
  const sans = sanLine === -1 ? [] : lines[sanLine + 1]!.trim().split(", ").map((entry) => {
    if (!entry.startsWith("IP Address:")) return entry;
    const ip = entry.slice("IP Address:".length);
    if (!ip.includes(":")) return `IP:${ip}`;
    const bytes = new Uint8Array(16);
    assert.ok(parseIPv6(ip, bytes, 0), ip);
    return `IP:${formatIPv6(bytes)}`;
  });
  const sha256 = /sha256 Fingerprint=([0-9A-F:]+)/.exec(run.stdout)?.[1];
  assert.ok(sha256, run.stdout);
  return { commonName: commonNames[0], sans, sha256 };
}

describe("x509_names", () => {
  test("describeCertificate() matches fingerprints.txt for the test PKI", async () => {
    const expected = new Map(
      fixture("fingerprints.txt").trim().split("\n").map((line) => {
        const [name, fingerprint] = line.split(" ");
        return [name!, fingerprint!];
      }),
    );
    assert.equal(expected.size, 4);
    for (const [name, fingerprint] of expected) {
      const peer = await describeCertificate(derOf(fixture(`${name}.pem`)));
      assert.equal(peer.fingerprint256, fingerprint, name);
    }
  });

  test(
    "describeCertificate() reads what openssl x509 reads in the test PKI",
    { skip: noOpenssl },
    async () => {
      for (const name of CERTIFICATES) {
        const path = new URL(`${name}.pem`, FIXTURES).pathname;
        const expected = opensslReading(path);
        const peer = await describeCertificate(derOf(fixture(`${name}.pem`)));
        assert.equal(peer.commonName, expected.commonName, name);
        assert.deepEqual(peer.subjectAltNames, expected.sans, name);
        assert.equal(peer.fingerprint256, expected.sha256, name);
      }
    },
  );

  test("the test PKI's names are what generate.sh asked for", async () => {
    const server = await describeCertificate(derOf(fixture("server.pem")));
    assert.equal(server.commonName, "radius.test");
    assert.deepEqual(server.subjectAltNames, [
      "DNS:radius.test",
      "DNS:localhost",
      "IP:127.0.0.1",
      "IP:::1",
    ]);
    const ca = await describeCertificate(derOf(fixture("ca.pem")));
    assert.equal(ca.commonName, "radkit test CA");
    assert.deepEqual(ca.subjectAltNames, []);
  });

  test("readCertificateNames() gives the issuer as the issuing CA's subject, DER for DER", () => {
    const names = Object.fromEntries(
      CERTIFICATES.map((name) => [name, readCertificateNames(derOf(fixture(`${name}.pem`)))]),
    );
    assert.deepEqual(names.nas1!.issuer, names.ca!.subject);
    assert.deepEqual(names.server!.issuer, names.ca!.subject);
    assert.deepEqual(names.rogue!.issuer, names.other_ca!.subject);
    assert.notDeepEqual(names.rogue!.issuer, names.ca!.subject);
    assert.deepEqual(names.selfsigned!.issuer, names.selfsigned!.subject);
    // A Name is a whole DER SEQUENCE, tag and length included.
    assert.equal(names.ca!.subject[0], 0x30);
    assert.equal(names.ca!.subject.length, names.ca!.subject[1]! + 2);
  });

  test(
    "describeCertificate() reads URI, email, IPv4 and IPv6 subjectAltNames and the first CN, as openssl does",
    { skip: noOpenssl },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "radkit-x509-"));
      try {
        const cases: {
          subject: string;
          san: string | undefined;
          expected: string[];
          cn: string | undefined;
        }[] = [
          {
            subject: "/O=radkit/CN=Zoë café/CN=second.test",
            san:
              "URI:https://radius.example.org/nas?id=1,email:ops@example.org,IP:2001:db8::1,IP:192.0.2.7,IP:fe80:0:0:0:0:0:0:1,IP:2001:db8:0:1:0:0:0:0,DNS:*.example.org",
            expected: [
              "URI:https://radius.example.org/nas?id=1",
              "email:ops@example.org",
              "IP:2001:db8::1",
              "IP:192.0.2.7",
              "IP:fe80::1",
              "IP:2001:db8:0:1::",
              "DNS:*.example.org",
            ],
            cn: "Zoë café",
          },
          { subject: "/O=radkit/OU=no common name", san: undefined, expected: [], cn: undefined },
          {
            subject: "/CN=multi+UID=x",
            san: "otherName:1.2.3.4;UTF8:other,DNS:after-other.test,dirName:dir_sect",
            expected: ["DNS:after-other.test"],
            cn: "multi",
          },
        ];
        for (const [index, { subject, san, expected, cn }] of cases.entries()) {
          const cert = join(dir, `${index}.pem`);
          const config = join(dir, `${index}.cnf`);
          const args = [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            join(dir, `${index}.key`),
            "-out",
            cert,
            "-days",
            "1",
            "-utf8",
            "-multivalue-rdn",
            "-subj",
            subject,
          ];
          if (san !== undefined) {
            // dirName needs a section; give every case the same small config.
            const text = "[req]\ndistinguished_name=dn\n[dn]\n[dir_sect]\nCN=directory\n";
            writeFileSync(config, text);
            args.push("-config", config, "-addext", `subjectAltName=${san}`);
          }
          const made = spawnSync("openssl", args, { encoding: "utf8" });
          assert.equal(made.status, 0, made.stderr);
          const peer = await describeCertificate(derOf(readFileSync(cert, "utf8")));
          assert.deepEqual(peer.subjectAltNames, expected, subject);
          assert.equal(peer.commonName, cn, subject);
          const reading = opensslReading(cert);
          assert.equal(peer.fingerprint256, reading.sha256);
          assert.equal(peer.commonName, reading.commonName);
          // openssl also prints the kinds the reader leaves out.
          const known = reading.sans.filter((entry) => /^(DNS|IP|URI|email):/.test(entry));
          assert.deepEqual(peer.subjectAltNames, known);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("pemBlocks() reads text, bytes and lists, and skips what is outside the blocks", () => {
    const nas = fixture("nas1.pem");
    const blocks = pemBlocks([
      `subject=CN = nas1.test\n${nas}`,
      new TextEncoder().encode(fixture("nas1.key")),
      fixture("ca.pem"),
    ]);
    assert.deepEqual(blocks.map((block) => block.label), [
      "CERTIFICATE",
      "PRIVATE KEY",
      "CERTIFICATE",
    ]);
    assert.equal(pemCertificates([nas, fixture("ca.pem")]).length, 2);
    assert.deepEqual(pemBlocks(""), []);
    // A chain in one string: the leaf first.
    const chain = pemCertificates(nas + fixture("ca.pem"));
    assert.equal(readCertificateNames(chain[0]!).commonName, "nas1.test");
  });

  test("pemCertificates() rejects a CERTIFICATE block that is not base64 with a SyntaxError", () => {
    assert.throws(
      () => pemCertificates("-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----"),
      SyntaxError,
    );
  });

  test("readCertificateNames() rejects every truncation of a certificate with a SyntaxError", () => {
    const der = derOf(fixture("server.pem"));
    for (let length = 0; length < der.length; length++) {
      assert.throws(() => readCertificateNames(der.subarray(0, length)), SyntaxError, `${length}`);
    }
    assert.throws(() => readCertificateNames(new Uint8Array([...der, 0])), SyntaxError);
  });

  test("readCertificateNames() throws nothing but SyntaxError on corrupted certificates", () => {
    const der = derOf(fixture("server.pem"));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (changes) => {
          const copy = der.slice();
          for (const [offset, value] of changes) copy[offset] = value;
          try {
            const names = readCertificateNames(copy);
            assert.ok(Array.isArray(names.subjectAltNames));
          } catch (error) {
            assert.ok(error instanceof SyntaxError, String(error));
          }
        },
      ),
      { seed: 16, numRuns: 2000 },
    );
  });
});

describe("memory_tls", () => {
  const server = () =>
    readTlsServerOptions({
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      ca: fixture("ca.pem"),
    });
  const nas = (name: string) =>
    readTlsClientOptions({
      cert: fixture(`${name}.pem`),
      key: fixture(`${name}.key`),
      ca: fixture("ca.pem"),
    });
  const context = { hostname: "127.0.0.1", version: "TLSv1.3" } as const;

  test("negotiateTls() authorizes nas1.pem against ca.pem, not rogue.pem nor selfsigned.pem", async () => {
    const expected = {
      nas1: [true, undefined],
      rogue: [false, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
      selfsigned: [false, "DEPTH_ZERO_SELF_SIGNED_CERT"],
    } as const;
    for (const [name, [authorized, why]] of Object.entries(expected)) {
      const outcome = negotiateTls(await nas(name), await server(), context);
      assert.ok(outcome.ok, name);
      assert.equal(outcome.server.authorized, authorized, name);
      assert.equal(outcome.server.authorizationError, why, name);
      assert.equal(outcome.server.peerCertificate?.commonName, `${name}.test`);
      // Whatever the client presents, the server's certificate is the client's to judge.
      assert.equal(outcome.client.authorized, true, name);
    }
  });

  test("negotiateTls() trusts a self-signed certificate listed as a CA, and nothing without a CA", async () => {
    const pinned = await readTlsServerOptions({
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      ca: [fixture("ca.pem"), fixture("selfsigned.pem")],
    });
    const selfsigned = await nas("selfsigned");
    let outcome = negotiateTls(selfsigned, pinned, context);
    assert.ok(outcome.ok);
    assert.equal(outcome.server.authorized, true);
    const noCa = await readTlsServerOptions({
      cert: fixture("server.pem"),
      key: fixture("server.key"),
    });
    outcome = negotiateTls(await nas("nas1"), noCa, context);
    assert.ok(outcome.ok);
    assert.equal(outcome.server.authorized, false);
    assert.equal(
      outcome.server.authorizationError,
      "no ca configured: the certificate was not verified",
    );
    assert.equal(outcome.server.peerCertificate?.commonName, "nas1.test"); // handed over for pinning
  });

  test("negotiateTls() follows the chain a side sends: its cert's blocks, then issuers from its own ca", async () => {
    const withCa = await readTlsServerOptions({ ...identityOf("server"), ca: fixture("ca.pem") });
    assert.equal(withCa.chain.length, 2); // server.pem, then ca.pem from its own ca
    const withoutCa = await readTlsServerOptions(identityOf("server"));
    assert.equal(withoutCa.chain.length, 1);
    const trustingOther = await readTlsClientOptions({
      ca: fixture("other_ca.pem"),
      verify: false,
    });
    const codes = [withCa, withoutCa].map((server) => {
      const outcome = negotiateTls(trustingOther, server, context);
      assert.ok(outcome.ok);
      return outcome.client.authorizationError;
    });
    assert.deepEqual(codes, ["SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"]);
  });

  test(
    "negotiateTls() authorizes a leaf through an intermediate the presenter sends",
    { skip: noOpenssl },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "radkit-chain-"));
      const run = (...args: string[]) => {
        const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
      };
      try {
        const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        run(
          "req",
          "-x509",
          ...ec,
          "-keyout",
          "root.key",
          "-out",
          "root.pem",
          "-subj",
          "/CN=root",
          "-days",
          "1",
        );
        writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\n");
        writeFileSync(join(dir, "leaf.ext"), "subjectAltName=DNS:leaf.test\n");
        run("req", ...ec, "-keyout", "mid.key", "-out", "mid.csr", "-subj", "/CN=intermediate");
        run(
          "x509",
          "-req",
          "-in",
          "mid.csr",
          "-CA",
          "root.pem",
          "-CAkey",
          "root.key",
          "-CAcreateserial",
          "-out",
          "mid.pem",
          "-days",
          "1",
          "-extfile",
          "ca.ext",
        );
        run("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=leaf.test");
        run(
          "x509",
          "-req",
          "-in",
          "leaf.csr",
          "-CA",
          "mid.pem",
          "-CAkey",
          "mid.key",
          "-CAcreateserial",
          "-out",
          "leaf.pem",
          "-days",
          "1",
          "-extfile",
          "leaf.ext",
        );
        const read = (name: string) => readFileSync(join(dir, name), "utf8");
        const client = await readTlsClientOptions({
          ca: read("root.pem"),
          servername: "leaf.test",
        });
        const withChain = await readTlsServerOptions({
          cert: read("leaf.pem") + read("mid.pem"),
          key: read("leaf.key"),
        });
        const outcome = negotiateTls(client, withChain, context);
        assert.ok(outcome.ok);
        assert.equal(outcome.client.authorized, true);
        assert.equal(outcome.client.peerCertificate?.commonName, "leaf.test"); // the leaf, not the chain
        const leafOnly = await readTlsServerOptions({
          cert: read("leaf.pem"),
          key: read("leaf.key"),
        });
        const refused = negotiateTls(client, leafOnly, context);
        assert.ok(!refused.ok);
        assert.equal(codeOf(refused.clientError), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
        const trustingOther = await readTlsClientOptions({
          ca: fixture("ca.pem"),
          servername: "leaf.test",
        });
        const unknownRoot = negotiateTls(trustingOther, withChain, context);
        assert.ok(!unknownRoot.ok);
        assert.equal(codeOf(unknownRoot.clientError), "UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
        // A trusted intermediate is no anchor: OpenSSL on Node.js and Bun wants the root too.
        const trustingMid = await readTlsClientOptions({
          ca: read("mid.pem"),
          servername: "leaf.test",
        });
        for (const server of [leafOnly, withChain]) {
          const partial = negotiateTls(trustingMid, server, context);
          assert.ok(!partial.ok);
          assert.equal(codeOf(partial.clientError), "UNABLE_TO_GET_ISSUER_CERT");
        }
        const trustingBoth = await readTlsClientOptions({
          ca: [read("mid.pem"), read("root.pem")],
          servername: "leaf.test",
        });
        assert.ok(negotiateTls(trustingBoth, leafOnly, context).ok);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("negotiateTls() checks the server's name on the client: servername, else the host", async () => {
    const cases: [hostname: string, servername: string | undefined, ok: boolean][] = [
      ["127.0.0.1", undefined, true],
      ["::1", undefined, true],
      ["0:0:0:0:0:0:0:1", undefined, true],
      ["192.0.2.10", undefined, false],
      ["192.0.2.10", "radius.test", true],
      ["192.0.2.10", "RADIUS.test.", true],
      ["192.0.2.10", "localhost", true],
      ["127.0.0.1", "other.test", false],
    ];
    for (const [hostname, servername, ok] of cases) {
      const client = await readTlsClientOptions({
        ca: fixture("ca.pem"),
        ...(servername === undefined ? {} : { servername }),
      });
      const outcome = negotiateTls(client, await server(), { hostname, version: "TLSv1.3" });
      assert.equal(outcome.ok, ok, `${hostname} ${servername}`);
      if (!outcome.ok) {
        assert.equal(
          (outcome.clientError as { code?: string }).code,
          "ERR_TLS_CERT_ALTNAME_INVALID",
        );
        assert.equal((outcome.serverError as { code?: string }).code, "ECONNRESET");
      }
      const lenient = await readTlsClientOptions({
        ca: fixture("ca.pem"),
        verify: false,
        ...(servername === undefined ? {} : { servername }),
      });
      const seen = negotiateTls(lenient, await server(), { hostname, version: "TLSv1.3" });
      assert.ok(seen.ok);
      assert.equal(seen.client.authorized, ok);
      assert.equal(seen.client.authorizationError, ok ? undefined : "ERR_TLS_CERT_ALTNAME_INVALID");
    }
  });

  test("negotiateTls() fails when a side's minVersion is above the network's version", async () => {
    const strict = await readTlsClientOptions({ ca: fixture("ca.pem"), minVersion: "TLSv1.3" });
    const outcome = negotiateTls(strict, await server(), {
      hostname: "127.0.0.1",
      version: "TLSv1.2",
    });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.equal((outcome.clientError as { code?: string }).code, "ERR_SSL_UNSUPPORTED_PROTOCOL");
    const agreed = negotiateTls(await nas("nas1"), await server(), {
      hostname: "127.0.0.1",
      version: "TLSv1.2",
    });
    assert.ok(agreed.ok);
    assert.equal(agreed.client.protocol, "TLSv1.2");
    assert.equal(agreed.server.protocol, "TLSv1.2");
  });

  test("negotiateTls() hands no client certificate over when the server does not ask for one", async () => {
    const server = await readTlsServerOptions({
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      ca: fixture("ca.pem"),
      requestCertificate: false,
    });
    const outcome = negotiateTls(await nas("nas1"), server, context);
    assert.ok(outcome.ok);
    assert.equal(outcome.server.peerCertificate, undefined);
    assert.equal(outcome.server.authorized, false);
    assert.equal(outcome.server.authorizationError, "peer did not present a certificate");
  });

  test("negotiateTls() fails with no_application_protocol when both offer ALPN and share none", async () => {
    const alpnServer = await readTlsServerOptions({
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      alpnProtocols: ["radius/1.1"],
    });
    const client = (alpnProtocols: string[]) =>
      readTlsClientOptions({ ca: fixture("ca.pem"), alpnProtocols });
    const refused = negotiateTls(await client(["radius/1.0"]), alpnServer, context);
    assert.ok(!refused.ok);
    assert.equal(codeOf(refused.clientError), "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
    assert.equal(codeOf(refused.serverError), "ERR_SSL_NO_APPLICATION_PROTOCOL");
    const none = negotiateTls(await client([]), alpnServer, context);
    assert.ok(none.ok);
    assert.equal(none.client.alpnProtocol, undefined);
  });

  test("selectAlpn() takes the server's preference among the client's offer (RFC 7301 §3.2)", () => {
    assert.equal(
      selectAlpn(["radius/1.1", "radius/1.0"], ["radius/1.0", "radius/1.1"]),
      "radius/1.1",
    );
    assert.equal(
      selectAlpn(["radius/1.0", "radius/1.1"], ["radius/1.1", "radius/1.0"]),
      "radius/1.0",
    );
    assert.equal(selectAlpn(["radius/1.1"], ["radius/1.0", "radius/1.1"]), "radius/1.1");
    assert.equal(selectAlpn(["radius/1.1"], ["radius/1.0"]), undefined);
    assert.equal(selectAlpn([], ["radius/1.1"]), undefined);
    assert.equal(selectAlpn(["radius/1.1"], []), undefined);
  });

  test("namesHost() follows RFC 6125 for names and exact IP matches", () => {
    const withSans = {
      commonName: "cn.example.org",
      subjectAltNames: [
        "DNS:*.example.org",
        "DNS:radius.test",
        "IP:192.0.2.1",
        "IP:2001:db8::1",
        "URI:x",
      ],
    };
    assert.equal(namesHost(withSans, "a.example.org"), true);
    assert.equal(namesHost(withSans, "a.b.example.org"), false); // one label only
    assert.equal(namesHost(withSans, "example.org"), false);
    assert.equal(namesHost(withSans, "cn.example.org"), true); // through the wildcard
    assert.equal(namesHost(withSans, "RADIUS.TEST"), true);
    assert.equal(namesHost(withSans, "192.0.2.1"), true);
    assert.equal(namesHost(withSans, "192.0.2.2"), false);
    assert.equal(namesHost(withSans, "2001:DB8:0::1"), true);
    assert.equal(namesHost(withSans, "fe80::1%eth0"), false);
    // With DNS subjectAltNames the CN is not looked at; without, it is.
    assert.equal(
      namesHost({ commonName: "only.test", subjectAltNames: ["DNS:x.test"] }, "only.test"),
      false,
    );
    assert.equal(namesHost({ commonName: "only.test", subjectAltNames: [] }, "ONLY.test"), true);
    // An IP literal never matches a DNS entry or the CN.
    assert.equal(
      namesHost({ commonName: "127.0.0.1", subjectAltNames: ["DNS:127.0.0.1"] }, "127.0.0.1"),
      false,
    );
  });

  test("readTlsServerOptions() and readTlsClientOptions() refuse PEM without the blocks they need", async () => {
    await assert.rejects(
      readTlsServerOptions({ cert: fixture("server.key"), key: fixture("server.key") }),
      {
        code: "ERR_OSSL_PEM_NO_START_LINE",
      },
    );
    await assert.rejects(
      readTlsServerOptions({ cert: fixture("server.pem"), key: fixture("server.pem") }),
      {
        code: "ERR_OSSL_PEM_NO_START_LINE",
      },
    );
    await assert.rejects(
      readTlsServerOptions({
        cert: fixture("server.pem"),
        key: fixture("server.key"),
        ca: "nothing",
      }),
      { code: "ERR_OSSL_PEM_NO_START_LINE" },
    );
    await assert.rejects(readTlsClientOptions({ key: fixture("nas1.key") }), TypeError);
    await assert.rejects(
      readTlsClientOptions({ ca: fixture("ca.pem"), minVersion: "TLSv1.0" as "TLSv1.2" }),
      RangeError,
    );
  });
});
