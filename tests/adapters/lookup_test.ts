// DatagramTransport.lookup(): getaddrinfo's answer (so /etc/hosts counts) on
// every UDP adapter, the hosts table on the in-memory network.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lookup as dnsLookup } from "node:dns/promises";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { subjects } from "./_subjects.ts";

const LOOPBACK = new Map([["127.0.0.1", "IPv4"], ["::1", "IPv6"]]);

for (const subject of subjects) {
  describe(subject.name, () => {
    const transport = subject.transport();
    const lookup = (hostname: string) => {
      assert.ok(transport.lookup !== undefined, `${subject.name} has no lookup()`);
      return transport.lookup(hostname);
    };

    test('lookup("localhost") resolves to the loopback addresses, as /etc/hosts says', async () => {
      const addresses = await lookup("localhost");
      assert.ok(addresses.length > 0);
      for (const { hostname, family } of addresses) {
        assert.equal(LOOPBACK.get(hostname), family, `${hostname} ${family}`);
      }
      assert.equal(new Set(addresses.map(({ hostname }) => hostname)).size, addresses.length);
    });

    test("lookup() of an IP literal answers it, IPv6 with or without brackets", async () => {
      assert.deepEqual(await lookup("127.0.0.1"), [{ hostname: "127.0.0.1", family: "IPv4" }]);
      assert.deepEqual(await lookup("::1"), [{ hostname: "::1", family: "IPv6" }]);
      assert.deepEqual(await lookup("[::1]"), [{ hostname: "::1", family: "IPv6" }]);
    });

    test("lookup() of a name that does not resolve rejects with an Error naming it", async () => {
      await assert.rejects(lookup("no-such-host.invalid"), (error: Error & { code?: unknown }) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /"no-such-host\.invalid"/);
        assert.equal(typeof error.code, "string");
        return true;
      });
    });

    test("lookup() of an empty name rejects", async () => {
      await assert.rejects(lookup(""), /empty host name|""/);
    });

    if (subject.adapter !== undefined) {
      test("lookup() keeps getaddrinfo's order", async () => {
        const expected = await dnsLookup("localhost", { all: true, order: "verbatim" });
        assert.deepEqual(
          (await lookup("localhost")).map(({ hostname }) => hostname),
          expected.map(({ address }) => address),
        );
      });
    }
  });
}

describe("MemoryTransport hosts", () => {
  test("lookup() answers from the hosts option, in its order, ignoring case", async () => {
    const network = new MemoryTransport({
      hosts: { "radius.example.org": ["2001:db8::10", "192.0.2.10"], "Nas.Example": "192.0.2.1" },
    });
    assert.deepEqual(await network.lookup("RADIUS.example.org"), [
      { hostname: "2001:db8::10", family: "IPv6" },
      { hostname: "192.0.2.10", family: "IPv4" },
    ]);
    assert.deepEqual(await network.lookup("nas.example"), [
      { hostname: "192.0.2.1", family: "IPv4" },
    ]);
    await assert.rejects(network.lookup("other.example"), { code: "ENOTFOUND" });
  });

  test("localhost resolves to 127.0.0.1 and ::1 unless the hosts option says otherwise", async () => {
    assert.deepEqual(await new MemoryTransport().lookup("localhost"), [
      { hostname: "127.0.0.1", family: "IPv4" },
      { hostname: "::1", family: "IPv6" },
    ]);
    const network = new MemoryTransport({ hosts: { localhost: "::1" } });
    assert.deepEqual(await network.lookup("localhost"), [{ hostname: "::1", family: "IPv6" }]);
  });

  test("configure({ hosts }) replaces the table", async () => {
    const network = new MemoryTransport({ hosts: { a: "192.0.2.1" } });
    network.configure({ hosts: { b: "192.0.2.2" } });
    await assert.rejects(network.lookup("a"), /"a"/);
    assert.deepEqual(await network.lookup("b"), [{ hostname: "192.0.2.2", family: "IPv4" }]);
    network.configure({ loss: 0 });
    assert.deepEqual(await network.lookup("b"), [{ hostname: "192.0.2.2", family: "IPv4" }]);
  });

  test("a hosts entry that is not an IP literal is a TypeError naming it", () => {
    assert.throws(
      () => new MemoryTransport({ hosts: { "radius.example.org": "radius2.example.org" } }),
      (error) => error instanceof TypeError && /"radius\.example\.org"/.test(error.message),
    );
    assert.throws(() => new MemoryTransport({ hosts: { empty: [] } }), TypeError);
  });
});
