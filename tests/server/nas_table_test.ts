// The client table: longest-prefix match over IPv4 and IPv6 CIDR entries,
// IPv4-mapped IPv6 sources, and the errors a bad client list raises.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NasTable, unmapIPv4 } from "../../src/server/nas_table.ts";

const table = new NasTable([
  { address: "0.0.0.0/0", secret: "any-v4", name: "v4-default" },
  { address: "10.0.0.0/8", secret: "ten" },
  { address: "10.1.0.0/16", secret: "ten-one" },
  { address: "10.1.2.3", secret: "host", name: "nas-1" },
  { address: "10.1.2.128/25", secret: "upper-half" },
  { address: "2001:db8::/32", secret: "doc" },
  { address: "2001:db8:1::/48", secret: "doc-1" },
  { address: "::1", secret: "loopback6" },
  { address: "::ffff:192.0.2.0/120", secret: "mapped-entry" },
]);

function nameOf(address: string): string | undefined {
  return table.find(address)?.name;
}

test("NasTable.find() picks the longest IPv4 prefix", () => {
  assert.equal(nameOf("10.1.2.3"), "nas-1");
  assert.equal(nameOf("10.1.2.4"), "10.1.0.0/16");
  assert.equal(nameOf("10.1.2.200"), "10.1.2.128/25");
  assert.equal(nameOf("10.2.0.1"), "10.0.0.0/8");
  assert.equal(nameOf("192.168.1.1"), "v4-default");
  // Asked twice: the memo gives the same answer.
  assert.equal(nameOf("10.1.2.200"), "10.1.2.128/25");
});

test("NasTable.find() picks the longest IPv6 prefix and ignores zones", () => {
  assert.equal(nameOf("2001:db8:1::7"), "2001:db8:1::/48");
  assert.equal(nameOf("2001:db8:2::7"), "2001:db8::/32");
  assert.equal(nameOf("::1"), "::1");
  assert.equal(nameOf("2001:db9::1"), undefined, "an IPv4 default does not cover IPv6");
  assert.equal(nameOf("::1%lo"), "::1");
});

test("NasTable.find() matches IPv4-mapped IPv6 sources against IPv4 entries", () => {
  assert.equal(nameOf("::ffff:10.1.2.3"), "nas-1");
  assert.equal(nameOf("::ffff:a01:203"), "nas-1");
  assert.equal(nameOf("::FFFF:10.9.9.9"), "10.0.0.0/8");
  // An entry written as mapped IPv6 is the IPv4 network.
  assert.equal(nameOf("192.0.2.77"), "::ffff:192.0.2.0/120");
});

test("NasTable.find() without a default entry leaves strangers unknown", () => {
  const small = new NasTable([{ address: "127.0.0.1", secret: "s" }]);
  assert.equal(small.find("127.0.0.2"), undefined);
  assert.equal(small.find("not an address"), undefined);
  assert.equal(small.find("127.0.0.1")?.requireMessageAuthenticator, true);
  assert.equal(small.find("127.0.0.1")?.limitProxyState, true);
});

test("NasTable keeps per-client policy and secret bytes", () => {
  const small = new NasTable([
    {
      address: "127.0.0.1",
      secret: "s3",
      requireMessageAuthenticator: false,
      limitProxyState: false,
    },
  ]);
  const client = small.find("127.0.0.1")!;
  assert.deepEqual(client.secret, new TextEncoder().encode("s3"));
  assert.equal(client.requireMessageAuthenticator, false);
  assert.equal(client.limitProxyState, false);
});

test("new NasTable() rejects bad addresses, prefixes, secrets and duplicates", () => {
  assert.throws(() => new NasTable([{ address: "10.0.0.0/33", secret: "s" }]), {
    name: "RangeError",
    message: /prefix length is 0\.\.32/,
  });
  assert.throws(() => new NasTable([{ address: "::/129", secret: "s" }]), RangeError);
  assert.throws(() => new NasTable([{ address: "10.0.0/8", secret: "s" }]), {
    name: "TypeError",
    message: /Invalid client address "10.0.0\/8"/,
  });
  assert.throws(() => new NasTable([{ address: "10.0.0.0/x", secret: "s" }]), TypeError);
  assert.throws(() => new NasTable([{ address: "host.example", secret: "s" }]), TypeError);
  assert.throws(() => new NasTable([{ address: "10.0.0.1", secret: "" }]), {
    name: "TypeError",
    message: /non-empty secret/,
  });
  assert.throws(
    () =>
      new NasTable([
        { address: "10.0.0.0/8", secret: "a" },
        { address: "10.9.9.9/8", secret: "b" },
      ]),
    { name: "TypeError", message: /duplicates the network/ },
  );
});

test("unmapIPv4() turns only IPv4-mapped IPv6 into IPv4", () => {
  assert.equal(unmapIPv4("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(unmapIPv4("::ffff:c000:201"), "192.0.2.1");
  assert.equal(unmapIPv4("::1"), "::1");
  assert.equal(unmapIPv4("192.0.2.1"), "192.0.2.1");
});
