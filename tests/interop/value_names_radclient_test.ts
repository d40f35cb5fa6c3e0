// Every VALUE of Debian's FreeRADIUS 3.2 dictionary tree, named as radclient
// names it. The test lists every `VALUE <attribute> <name> <number>` line of
// the tree, loads the tree with radkit's loadDictionary(), and for each
// (attribute, number):
//  - attributes that go on the wire: radkit encodes the number in a reply that
//    radclient decodes and prints (`radclient -x`, "Received" block); radkit
//    decodes the same bytes. Both printed lines must be equal.
//  - server-internal attributes (never on the wire, e.g. Auth-Type): radclient
//    prints the name for the number it was given ("Sent" block), radkit's name
//    is its dictionary's name for that number.
// A pending VALUE (defined before its ATTRIBUTE, e.g. in dictionary.compat)
// names a number only when no other name was given to it: FreeRADIUS's dict.c
// prefers the directly defined name when printing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { assertPeers, needs } from "../_peers.ts";
import { loadDictionary } from "../../adapters/node.ts";
import type { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import type { AttributeInput } from "../../src/packet.ts";
import { capture, SECRET } from "./codec_udp.ts";
import { freeradiusLines, printedBlocks } from "./_freeradius_print.ts";

const TREE = "/usr/share/freeradius/dictionary";

/** One VALUE line of the tree. */
interface ValueLine {
  readonly attribute: string;
  readonly name: string;
  readonly number: number;
  readonly where: string;
}

/** Every VALUE line of `path` and the files it $INCLUDEs, in load order. */
function valueLines(path: string, into: ValueLine[] = []): ValueLine[] {
  const text = readFileSync(path, "utf8");
  text.split("\n").forEach((raw, index) => {
    const fields = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (fields[0] === "$INCLUDE" || fields[0] === "$INCLUDE-") {
      valueLines(join(dirname(path), fields[1]!), into);
    } else if (fields[0] === "VALUE" && fields.length >= 4) {
      into.push({
        attribute: fields[1]!,
        name: fields[2]!,
        number: Number(fields[3]!),
        where: `${path.slice(path.lastIndexOf("/") + 1)}:${index + 1}`,
      });
    }
  });
  return into;
}

/** One (attribute, number) to name, with the first line that defines it. */
interface Case {
  readonly attribute: string;
  readonly number: number;
  readonly where: string;
  readonly def: AttributeDef | undefined;
}

/**
 * radclient treats these internal attributes as instructions (the packet code
 * to send or to expect) instead of printing them, so their names cannot be
 * read from it. Their VALUEs are packet code names.
 */
const RADCLIENT_CONSUMES = new Set(["packet-type", "response-packet-type"]);

/** Distinct (attribute, number) pairs of the tree, first definition first. */
function cases(dictionary: Dictionary): Case[] {
  const seen = new Set<string>();
  const out: Case[] = [];
  for (const line of valueLines(TREE)) {
    const key = `${line.attribute.toLowerCase()} ${line.number}`;
    if (seen.has(key) || RADCLIENT_CONSUMES.has(line.attribute.toLowerCase())) continue;
    seen.add(key);
    out.push({ ...line, def: dictionary.attribute(line.attribute) });
  }
  return out;
}

/**
 * The attributes init that puts `number` into `def`, nested in its TLV
 * parents. FreeRADIUS accepts VALUEs for octets attributes too (for
 * dictionary.cablelabs) but prints octets as hex: those get the number as 4
 * octets, network order.
 */
function initFor(def: AttributeDef, number: number): [string, AttributeInput] {
  let name = def.name;
  const plain = def.type === "octets"
    ? Uint8Array.of(number >>> 24, (number >>> 16) & 0xff, (number >>> 8) & 0xff, number & 0xff)
    : number;
  let value: AttributeInput = def.flags.hasTag ? { tag: 1, value: plain } : plain;
  let parent = def.parent;
  while (parent !== undefined && parent.type === "tlv") {
    value = { [name]: value as never };
    name = parent.name;
    parent = parent.parent;
  }
  return [name, value];
}

/** True when radkit puts `def` on the wire (false for server-internal attributes). */
function onTheWire(dictionary: Dictionary, def: AttributeDef, number: number): boolean {
  if (def.flags.virtual) return false;
  if (def.vendor === undefined && def.parent === undefined && def.code > 255) return false;
  try {
    const [name, value] = initFor(def, number);
    const probe = Packet.create(Code.AccountingRequest, dictionary, {});
    probe.add(name, value as never);
    probe.encode(SECRET);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits `items` into consecutive groups whose summed `size` stays within
 * `limit` (or of `limit` items each, without `size`).
 */
function pack<T>(items: T[], limit: number): T[][];
function pack<T>(items: T[], size: (item: T) => number, limit: number): T[][];
function pack<T>(items: T[], a: number | ((item: T) => number), b?: number): T[][] {
  const size = typeof a === "number" ? () => 1 : a;
  const limit = typeof a === "number" ? a : b!;
  const groups: T[][] = [];
  let group: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = size(item);
    if (group.length > 0 && used + n > limit) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(item);
    used += n;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** A disagreement, as reported when the test fails. */
function describe(c: Case, freeradius: string | undefined, radkit: string | undefined): string {
  return `${c.attribute} ${c.number} (${c.where}): radclient prints ${
    JSON.stringify(freeradius)
  }, radkit ${JSON.stringify(radkit)}`;
}

test(
  "radkit names every VALUE number of Debian's dictionary tree as radclient -x does",
  needs("radclient", "dictionaries"),
  async () => {
    assertPeers("radclient", "dictionaries");
    const dictionary = await loadDictionary(TREE);
    const all = cases(dictionary);
    assert.ok(all.length > 7700, `only ${all.length} VALUEs found in ${TREE}`);

    const disagreements: string[] = [];
    for (const c of all) {
      if (c.def === undefined) disagreements.push(describe(c, "(defined)", "(no such attribute)"));
    }
    const known = all.filter((c) => c.def !== undefined);
    const wire = known.filter((c) => onTheWire(dictionary, c.def!, c.number));
    const internal = known.filter((c) => !wire.includes(c));

    // Replies carry the wire cases (4096 octets each at most); requests
    // carry the internal ones as radclient text, which radclient prints and
    // does not encode.
    const size = (c: Case) => {
      const [name, value] = initFor(c.def!, c.number);
      const probe = Packet.create(Code.AccountingRequest, dictionary, { [name]: value as never });
      return probe.encode(SECRET).length - 20;
    };
    const first = await exchangeBatches(dictionary, pack(wire, size, 3900), pack(internal, 150));
    // A value that prints as more or fewer lines than one on either side
    // shifts the rest of its batch: those batches are sent again, one value
    // per reply, so that each value is compared with its own lines.
    const again: Case[] = [];
    for (const batch of first) {
      if (batch.mine.length === batch.cases.length && batch.theirs.length === batch.cases.length) {
        batch.cases.forEach((c, k) => {
          if (batch.mine[k] !== batch.theirs[k]) {
            disagreements.push(describe(c, batch.theirs[k], batch.mine[k]));
          }
        });
      } else {
        again.push(...batch.cases);
      }
      batch.internal.forEach((c, k) => {
        const name = c.def!.valueNames.get(c.number) ?? String(c.number);
        const mine = `${c.def!.name} = ${name}`;
        if (batch.sent[k] !== mine) disagreements.push(describe(c, batch.sent[k], mine));
      });
    }
    const singles = await exchangeBatches(dictionary, pack(again, 1), []);
    for (const batch of singles) {
      const mine = batch.mine.join(" / ");
      const theirs = batch.theirs.join(" / ");
      if (mine !== theirs) disagreements.push(describe(batch.cases[0]!, theirs, mine));
    }
    assert.deepEqual(
      disagreements,
      [],
      `${disagreements.length} of ${all.length} VALUEs named differently:\n${
        disagreements.join("\n")
      }`,
    );
  },
);

/** What one batch of {@linkcode exchangeBatches} printed on each side. */
interface BatchResult {
  /** The wire cases of the reply, in order. */
  readonly cases: Case[];
  /** radkit's decoding of that reply, as FreeRADIUS lines. */
  readonly mine: string[];
  /** What radclient printed for that reply. */
  readonly theirs: string[];
  /** The internal cases of the request, in order. */
  readonly internal: Case[];
  /** What radclient printed for them in its "Sent" block. */
  readonly sent: string[];
}

/**
 * One radclient run: request i carries `requests[i]` as text; radkit answers
 * it with a reply holding `replies[i]`. A leading Acct-Session-Id in each
 * request and Reply-Message in each reply tells which block is which.
 */
async function exchangeBatches(
  dictionary: Dictionary,
  replies: Case[][],
  requests: Case[][],
): Promise<BatchResult[]> {
  const batches = Math.max(replies.length, requests.length);
  if (batches === 0) return [];
  const input: string[] = [];
  for (let i = 0; i < batches; i++) {
    const lines = [`Acct-Session-Id = "batch-${i}"`];
    for (const c of requests[i] ?? []) lines.push(`${c.attribute} = ${c.number}`);
    input.push(lines.join(", "));
  }

  const answered = new Map<number, { request: Packet; bytes: Uint8Array }>();
  const respond = (datagram: Uint8Array): Uint8Array => {
    const request = Packet.decode(datagram, { dictionary, secret: SECRET });
    const batch = Number(/^batch-(\d+)$/.exec(String(request.get("Acct-Session-Id")))?.[1]);
    const reply = request.reply(Code.AccountingResponse, { "Reply-Message": `batch-${batch}` });
    for (const c of replies[batch] ?? []) {
      const [name, value] = initFor(c.def!, c.number);
      reply.add(name, value as never);
    }
    const bytes = reply.encode(SECRET);
    answered.set(batch, { request, bytes });
    return bytes;
  };
  const result = await capture((port) => ({
    command: "radclient",
    args: ["-x", "-r", "3", "-t", "2", "-D", dirname(TREE), `127.0.0.1:${port}`, "acct", SECRET],
    input: input.join("\n\n") + "\n",
  }), respond);

  const sent = new Map<number, string[]>();
  for (const block of printedBlocks(result.stdout, "Sent")) {
    const batch = Number(/"batch-(\d+)"/.exec(block.lines.join("\n"))?.[1]);
    sent.set(batch, block.lines.filter((l) => !l.startsWith("Acct-Session-Id = ")));
  }
  const received = new Map<number, string[]>();
  for (const block of printedBlocks(result.stdout, "Received")) {
    const batch = Number(/^Reply-Message = "batch-(\d+)"$/.exec(block.lines[0] ?? "")?.[1]);
    received.set(batch, block.lines.slice(1));
  }
  assert.equal(received.size, batches, `radclient printed:\n${result.stdout}${result.stderr}`);

  const out: BatchResult[] = [];
  for (let i = 0; i < batches; i++) {
    const { request, bytes } = answered.get(i)!;
    const decoded = Packet.decode(bytes, { dictionary, secret: SECRET, request });
    out.push({
      cases: replies[i] ?? [],
      mine: [...decoded.attributes()].slice(1).flatMap(freeradiusLines),
      theirs: received.get(i) ?? [],
      internal: requests[i] ?? [],
      sent: sent.get(i) ?? [],
    });
  }
  return out;
}
