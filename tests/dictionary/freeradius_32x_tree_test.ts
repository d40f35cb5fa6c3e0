// Acceptance: FreeRADIUS's current v3.2.x dictionary tree (newer syntax than
// Debian's 3.2.1: type bool, the secret flag; a copy with its CC-BY-4.0
// notice in fixtures/freeradius-3.2) loads as that version's dict.c loads it,
// and every attribute that goes on the wire round-trips through the codec.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Code } from "../../src/codec/code.ts";
import type { AttributeValue } from "../../src/codec/values.ts";
import type { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";
import { Packet } from "../../src/packet.ts";
import { checkTree } from "./_tree_check.ts";

const DIR = fileURLToPath(new URL("./fixtures/freeradius-3.2", import.meta.url)).replace(/\/$/, "");

async function loadTree(): Promise<Dictionary> {
  const { summary, main } = await checkTree({
    dir: DIR,
    onTop: [
      "dictionary.alvarion.wimax.v2_2",
      "dictionary.cisco.vpn3000",
      "dictionary.dhcp",
      "dictionary.motorola.illegal",
      "dictionary.nokia.conflict",
      "dictionary.vqp",
    ],
    alternatives: [
      "dictionary.infinera.broken",
      "dictionary.openser",
      "dictionary.rfc5090",
      "dictionary.starent.vsa1",
      "dictionary.wimax.alvarion",
      "dictionary.wimax.wichorus",
    ],
    broken: [
      {
        // VALUEs for an attribute no file defines; dict_init refuses them
        // ("No ATTRIBUTE "FreeDHCP-Opcode" defined for VALUE").
        file: "dictionary.freedhcp",
        line: 238,
        message: /attribute "FreeDHCP-Opcode", which no file/,
        remove: /^VALUE\s+FreeDHCP-Opcode\s.*$/gm,
      },
      {
        // Huawei-DHCP-Option twice in one file, as 158 and as 187:
        // dict_addattr refuses it ("Duplicate attribute name").
        file: "dictionary.huawei.v2",
        line: 154,
        message: /"Huawei-DHCP-Option" is already defined as number 26\.2011\.187/,
      },
    ],
  });
  console.log(`FreeRADIUS v3.2.x dictionaries: ${summary}`);
  return main;
}

let tree: Promise<Dictionary> | undefined;
const loaded = (): Promise<Dictionary> => tree ??= loadTree();

test("the FreeRADIUS v3.2.x dictionary tree loads; a line scan agrees with it", async () => {
  const dictionary = await loaded();
  const internal = dictionary.attribute("FreeRADIUS-Client-Protocol-Error");
  assert.equal(internal?.type, "bool");
  assert.equal(internal?.valueNames.get(1), "yes");
  assert.equal(dictionary.attribute("CHAP-Password")?.flags.secret, true);
  assert.equal(dictionary.attribute("CHAP-Password")?.flags.encrypt, 0);
});

/** One value of the attribute's type, as decode() gives it back. */
function sample(def: AttributeDef, seed: number): AttributeValue | undefined {
  const named = (n: number): AttributeValue => def.valueNames.get(n) ?? n;
  switch (def.type) {
    case "string":
      return `v${seed}`;
    case "octets":
      return new Uint8Array(def.size ?? 3).fill(seed & 0xff);
    case "ipaddr":
    case "combo-ip":
      return `10.0.${(seed >> 8) & 0xff}.${seed & 0xff}`;
    case "ipv6addr":
      return `2001:db8::${(seed & 0xffff).toString(16)}`;
    case "ipv4prefix":
      return "192.0.2.0/24";
    case "ipv6prefix":
      return "2001:db8::/32";
    case "ifid":
      return "11:2233:4455:6677";
    case "ether":
      return "00:11:22:33:44:55";
    case "integer":
    case "short":
    case "byte":
      return named(def.valueNames.keys().next().value as number ?? 1);
    case "signed":
      return -seed;
    case "integer64":
      return BigInt(seed) << 33n;
    case "bool":
      return true;
    case "date":
      return new Date(1_700_000_000_000);
    case "abinary":
      return "ip in drop srcip 10.0.0.0/8 tcp srcport = 22"; // see the abinary tests
    default:
      return undefined; // containers: their children are sampled
  }
}

/** The attribute as Packet.create() takes it: a TLV child is nested in its TLV parents. */
function wrap(def: AttributeDef, value: AttributeValue): [string, AttributeValue] {
  let name = def.name;
  let wrapped = value;
  for (let parent = def.parent; parent?.type === "tlv"; parent = parent.parent) {
    wrapped = { [name]: wrapped };
    name = parent.name;
  }
  return [name, wrapped];
}

function onTheWire(def: AttributeDef): boolean {
  if (def.flags.virtual) return false;
  let top = def;
  while (top.parent !== undefined) top = top.parent;
  return top.vendor !== undefined || top.code < 256;
}

test("every attribute of the v3.2.x tree that goes on the wire round-trips", async () => {
  const dictionary = await loaded();
  let checked = 0;
  const problems: string[] = [];
  for (const def of dictionary.attributes()) {
    // Aliases print as the last name; Message-Authenticator is computed.
    if (dictionary.byOid(def.oid) !== def || !onTheWire(def) || def.oid === "80") continue;
    const value = sample(def, checked + 1);
    if (value === undefined) continue;
    const [name, given] = wrap(def, value);
    try {
      const request = Packet.create(Code.AccountingRequest, dictionary, { [name]: given });
      const datagram = request.encode("s3cret");
      const decoded = Packet.decode(datagram, { dictionary, secret: "s3cret" });
      assert.deepEqual(decoded.get(name), given, `${def.name} (${def.oid})`);
      if (def.flags.encrypt !== 2) { // a salt is random: the bytes differ each time
        assert.deepEqual(decoded.encode("s3cret"), datagram, `${def.name} (${def.oid}) re-encoded`);
      }
      checked++;
    } catch (error) {
      const message = (error as Error).message.split("\n")[0];
      problems.push(`${def.name} (${def.oid}, ${def.type}): ${message}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 7000, `only ${checked} attributes checked`);
  console.log(`FreeRADIUS v3.2.x dictionaries: ${checked} attributes round-tripped`);
});
