// Fixed-seed decoder fuzzing in the normal suite: 50,000 structure-aware
// mutations of valid packets of every code and attribute form (see _fuzz.ts)
// through Packet.decode, checkRequest and checkResponse. Only
// MalformedPacketError may escape; each input is timed against a hang bound
// (not a speed assertion); the live heap must not double after warm-up. The
// million-input run is `node scripts/fuzz.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Packet } from "../../src/packet.ts";
import { isRequest } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { MalformedPacketError } from "../../src/errors.ts";
import {
  check,
  CODES,
  fuzz,
  fuzzDictionary,
  makeInput,
  MUTATORS,
  Random,
  SECRET,
  SEEDS,
} from "./_fuzz.ts";

/**
 * An input slower than this is reported as a hang. Inputs take well under
 * 10 ms; the margin absorbs garbage-collection pauses on a loaded 2-core CI
 * machine (a 1.3 s pause was seen under `deno test --parallel`), while a
 * pathological (e.g. quadratic) input would still stand out.
 */
const HANG_MS = 10_000;

const RUN_SEED = 20260801;
const INPUTS = 50_000;
const secretBytes = new TextEncoder().encode(SECRET);

function describeFailures(
  failures: readonly { hex: string; how: string; operation: string; error: string }[],
): string {
  return failures.map((f) => `${f.operation} on ${f.how}: ${f.error}\n  hex ${f.hex}`).join("\n");
}

test("fuzz seeds: every code and attribute form, valid and verified", () => {
  const codes = new Set(SEEDS.map((seed) => seed.bytes[0]));
  for (const code of CODES.filter((c) => c !== 0 && c !== 6 && c !== 255)) {
    assert.ok(codes.has(code), `a seed of code ${code}`);
  }
  for (const seed of SEEDS) {
    const code = seed.bytes[0]!;
    const failure = isRequest(code)
      ? checkRequest(seed.bytes, secretBytes, code === 1 || code === 12)
      : checkResponse(
        seed.bytes,
        secretBytes,
        seed.request!.authenticator,
        [2, 3, 11].includes(code),
      );
    assert.equal(failure, undefined, `seed of code ${code} verifies`);
    const packet = Packet.decode(seed.bytes, {
      dictionary: fuzzDictionary,
      secret: SECRET,
      ...(seed.request !== undefined ? { request: seed.request } : {}),
    });
    assert.ok(packet.attributes().every((a) => a.def !== undefined), "no unknown attribute");
  }
  const kitchenSink = Packet.decode(SEEDS[4]!.bytes, {
    dictionary: fuzzDictionary,
    secret: SECRET,
  });
  assert.equal(kitchenSink.get("User-Password"), "a password of some length");
  assert.equal(kitchenSink.get("Tunnel-Password"), "tunnel secret");
  assert.equal(kitchenSink.get("Test-Secret3"), "ascend");
  assert.equal(kitchenSink.get("Long-String"), "L".repeat(700));
  assert.equal((kitchenSink.get("EAP-Message") as Uint8Array).length, 700);
  const deep = kitchenSink.get("Deep-0") as Record<string, Record<string, Record<string, unknown>>>;
  assert.equal(deep["Deep-1"]!["Deep-2"]!["Deep-3-Secret"], "deep");
});

test(`fuzz: ${INPUTS} mutated datagrams throw only MalformedPacketError, none hangs`, {
  timeout: 180_000,
}, () => {
  const result = fuzz({ seed: RUN_SEED, count: INPUTS, hangMs: HANG_MS, maxFailures: 10 });
  assert.equal(result.failures.length, 0, describeFailures(result.failures));
  assert.equal(result.inputs, INPUTS);
  for (const name of Object.keys(MUTATORS)) {
    assert.ok((result.byMutator[name] ?? 0) > 0, `mutator ${name} ran`);
  }
  // Both outcomes are frequent: the mutations reach the attribute decoders.
  assert.ok(result.malformed > INPUTS / 10, `${result.malformed} refused`);
  assert.ok(result.malformed < INPUTS * 0.9, `${result.malformed} refused`);
  // Memory bounded: the live heap (its troughs) must not double after warm-up.
  if (result.heapWarm !== undefined && result.heapEnd !== undefined) {
    assert.ok(
      result.heapEnd <= 2 * result.heapWarm,
      `heap grew from ${result.heapWarm} to ${result.heapEnd} bytes`,
    );
  }
});

test("fuzz inputs are deterministic for a seed and an index", () => {
  for (const n of [0, 1, 999, 49_999]) {
    assert.deepEqual(makeInput(RUN_SEED, n).data, makeInput(RUN_SEED, n).data);
  }
});

/** A valid Accounting-Request padded with Class attributes to exactly `size` bytes. */
function sized(size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(SEEDS.find((s) => s.bytes[0] === 4)!.bytes.subarray(0, 20));
  out[0] = 4;
  out[2] = size >> 8;
  out[3] = size & 0xff;
  let p = 20;
  while (p < size) {
    const length = Math.min(255, size - p === 256 ? 254 : size - p);
    out[p] = 25;
    out[p + 1] = length;
    p += length;
  }
  return out;
}

test("decode() takes packets of exactly 4095 and 4096 bytes and refuses 4097", () => {
  for (const size of [4095, 4096]) {
    const packet = Packet.decode(sized(size), { dictionary: fuzzDictionary });
    assert.ok(packet.getAll("Class").length >= 16, `${size} bytes decode`);
    assert.equal(checkRequest(sized(size), secretBytes, false), "bad-authenticator");
  }
  const tooLong = sized(4097);
  assert.throws(() => Packet.decode(tooLong, { dictionary: fuzzDictionary }), MalformedPacketError);
  assert.throws(() => checkRequest(tooLong, secretBytes, false), MalformedPacketError);
  // A 4096-byte packet followed by padding: the padding is ignored (RFC 2865 §3).
  const padded = new Uint8Array(4200);
  padded.set(sized(4096));
  assert.ok(Packet.decode(padded, { dictionary: fuzzDictionary }).getAll("Class").length >= 16);
});

test("decode() joins a 16-fragment long-extended chain and a 125-deep TLV without error", () => {
  const header = SEEDS[0]!.bytes.subarray(0, 20);
  const rng = new Random(7);
  for (let i = 0; i < 200; i++) {
    for (const name of ["longExtendedChain", "deepTlv", "boundary"]) {
      const data = MUTATORS[name]!(header.slice(), rng);
      const { failures } = check(data, SEEDS[0]!, name, HANG_MS);
      assert.deepEqual(failures, [], describeFailures(failures));
    }
  }
  // A clean chain: 16 fragments of 250 bytes decode into one Long-Octets value.
  const parts: number[] = [];
  for (let i = 0; i < 16; i++) {
    parts.push(245, 254, 2, i < 15 ? 0x80 : 0, ...new Array(250).fill(i));
  }
  const datagram = Uint8Array.from([...header, ...parts]);
  datagram[2] = datagram.length >> 8;
  datagram[3] = datagram.length & 0xff;
  const packet = Packet.decode(datagram, { dictionary: fuzzDictionary });
  assert.equal((packet.get("Long-Octets") as Uint8Array).length, 16 * 250);
});
