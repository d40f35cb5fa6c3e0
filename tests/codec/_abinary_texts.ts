// Arbitrary Ascend filter text over the whole grammar FreeRADIUS reads, for
// the abinary unit and interop tests.
import fc from "fast-check";

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ipv4: fc.Arbitrary<string> = fc.tuple(
  fc.nat(255),
  fc.nat(255),
  fc.nat(255),
  fc.nat(255),
  fc.option(fc.nat(32)),
)
  .map(([a, b, c, d, mask]) => `${a}.${b}.${c}.${d}${mask === null ? "" : `/${mask}`}`);
const ipv6: fc.Arbitrary<string> = fc.tuple(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.option(fc.nat(128)),
)
  .map(([bytes, prefix]) => {
    const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) =>
      ((bytes[i]! << 8) | bytes[i + 1]!).toString(16)
    );
    return `${groups.join(":")}${prefix === null ? "" : `/${prefix}`}`;
  });
const port = fc.oneof(fc.nat(65535).map(String), fc.constantFrom("www", "ftp", "DOMAIN", "ntp"));
const comparison = fc.constantFrom("<", "=", ">", "!=");
/** `ip` (or `ipv6`) filter text with any set of fields, in any order. */
export function ipText(v6: boolean): fc.Arbitrary<string> {
  const fields = fc.record({
    srcip: fc.option((v6 ? ipv6 : ipv4).map((a) => `srcip ${a}`)),
    dstip: fc.option((v6 ? ipv6 : ipv4).map((a) => `dstip ${a}`)),
    proto: fc.option(
      fc.oneof(fc.constantFrom("tcp", "udp", "icmp", "ospf", "0"), fc.nat(255).map(String)),
    ),
    srcport: fc.option(fc.tuple(comparison, port).map(([c, p]) => `srcport ${c} ${p}`)),
    dstport: fc.option(fc.tuple(comparison, port).map(([c, p]) => `dstport ${c} ${p}`)),
    est: fc.option(fc.constant("est")),
  });
  return fc.tuple(
    fc.constantFrom("in", "out"),
    fc.constantFrom("forward", "drop"),
    fields,
    fc.nat(),
  ).map(([direction, action, parts, order]) => {
    const words = Object.values(parts).filter((p): p is string => p !== null);
    // a rotation: any field order is read the same
    const rotated = words.map((_, i) => words[(i + order) % words.length]!);
    return [v6 ? "ipv6" : "ip", direction, action, ...rotated].join(" ");
  });
}
/** `generic` filter text, with or without the comparison and `more`. */
export const genericText: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom("in", "out"),
  fc.constantFrom("forward", "drop"),
  fc.nat(65535),
  fc.uint8Array({ minLength: 6, maxLength: 6 }),
  fc.uint8Array({ minLength: 6, maxLength: 6 }),
  fc.constantFrom("", " ==", " !="),
  fc.constantFrom("", " more"),
).map(([d, a, offset, mask, value, comparison, more]) =>
  `generic ${d} ${a} ${offset} ${toHex(mask)} ${toHex(value)}${comparison}${more}`
);
/** Random capitals: FreeRADIUS reads keywords in any case. */
export const anyCase = (text: string, seed: number) =>
  [...text].map((c, i) => ((seed >> (i % 30)) & 1 ? c.toUpperCase() : c)).join("");
