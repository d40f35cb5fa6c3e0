// The Dictionary API: loading from files, extending, the bundled default
// dictionary, and the lookups.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { DictionaryError } from "../../src/errors.ts";

const TREE: Record<string, string> = {
  "/etc/raddb/dictionary": "$INCLUDE dictionary.base\n$INCLUDE- dictionary.optional\n" +
    "$INCLUDE vendors/dictionary.cisco\n",
  "/etc/raddb/dictionary.base": "ATTRIBUTE User-Name 1 string\nATTRIBUTE Service-Type 6 integer\n",
  "/etc/raddb/vendors/dictionary.cisco": "VENDOR Cisco 9\n$INCLUDE dictionary.cisco.more\n",
  "/etc/raddb/vendors/dictionary.cisco.more": "ATTRIBUTE Cisco-AVPair 1 string Cisco\n",
};

function reader(tree: Record<string, string>, reads: string[] = []) {
  return (path: string): string => {
    reads.push(path);
    const text = tree[path];
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return text;
  };
}

test("Dictionary.load() reads every included file once, relative to its includer", async () => {
  const reads: string[] = [];
  const dictionary = await Dictionary.load("/etc/raddb/dictionary", reader(TREE, reads));
  assert.deepEqual(reads.sort(), [
    "/etc/raddb/dictionary",
    "/etc/raddb/dictionary.base",
    "/etc/raddb/dictionary.optional",
    "/etc/raddb/vendors/dictionary.cisco",
    "/etc/raddb/vendors/dictionary.cisco.more",
  ]);
  assert.equal(dictionary.byOid("26.9.1")?.name, "Cisco-AVPair");
  assert.equal(dictionary.standard(6)?.name, "Service-Type");
});

test("Dictionary.load() accepts an async reader", async () => {
  const dictionary = await Dictionary.load(
    "/etc/raddb/dictionary",
    (path) => Promise.resolve(reader(TREE)(path)),
  );
  assert.equal(dictionary.attribute("user-name")?.code, 1);
});

test("Dictionary.load() reports an unreadable entry file with the reader's error", async () => {
  await assert.rejects(
    Dictionary.load("/nowhere/dictionary", reader(TREE)),
    (error: unknown) => {
      assert.ok(error instanceof DictionaryError);
      assert.equal(error.file, "/nowhere/dictionary");
      assert.equal(error.line, 0);
      assert.match(error.message, /^Cannot parse \/nowhere\/dictionary: cannot read .*ENOENT/);
      return true;
    },
  );
});

test("Dictionary.load() reports a missing include at the $INCLUDE line, naming both files", async () => {
  const tree = { ...TREE, "/etc/raddb/dictionary.base": "\n$INCLUDE ../shared/dictionary.gone\n" };
  await assert.rejects(
    Dictionary.load("/etc/raddb/dictionary", reader(tree)),
    (error: unknown) => {
      assert.ok(error instanceof DictionaryError);
      assert.equal(error.file, "/etc/raddb/dictionary.base");
      assert.equal(error.line, 2);
      assert.match(error.message, /cannot read "\/etc\/shared\/dictionary\.gone"/);
      assert.match(error.message, /ENOENT/);
      return true;
    },
  );
});

test("Dictionary.load() detects include loops", async () => {
  const tree = {
    "d/dictionary": "$INCLUDE dictionary.a\n",
    "d/dictionary.a": "$INCLUDE dictionary\n",
  };
  await assert.rejects(
    Dictionary.load("d/dictionary", reader(tree)),
    /d\/dictionary\.a line 1: \$INCLUDE dictionary makes an include loop: d\/dictionary -> d\/dictionary\.a -> d\/dictionary/,
  );
});

test("extend() adds VALUEs and vendor attributes to what the base defines", () => {
  const base = Dictionary.parse("ATTRIBUTE Service-Type 6 integer\nVENDOR Cisco 9\n");
  const more = base.extend(
    "VALUE Service-Type Login-User 1\nBEGIN-VENDOR Cisco\nATTRIBUTE Cisco-AVPair 1 string\n" +
      "END-VENDOR Cisco\n",
    { filename: "dictionary.local" },
  );
  assert.notEqual(more, base);
  assert.equal(more.attribute("Service-Type")?.valueNumbers.get("login-user"), 1);
  assert.equal(more.vendor(9)?.attributes.get(1)?.name, "Cisco-AVPair");
  assert.equal(base.vendor(9)?.attributes.size, 0);
  assert.equal(base.attribute("Service-Type")?.valueNames.size, 0);
});

test("extend() applies FreeRADIUS re-definition rules against the base", () => {
  const base = Dictionary.parse("ATTRIBUTE User-Name 1 string\n", { filename: "dictionary.base" });
  assert.equal(base.extend("ATTRIBUTE User-Name 1 string\n").attribute("User-Name")?.code, 1);
  assert.equal(base.extend("ATTRIBUTE Login-Name 1 string\n").standard(1)?.name, "Login-Name");
  assert.throws(
    () => base.extend("ATTRIBUTE User-Name 2 string\n", { filename: "dictionary.mine" }),
    /^DictionaryError: Cannot parse dictionary\.mine line 1: attribute "User-Name" is already defined as number 1 at dictionary\.base line 1/,
  );
});

test("extend() keeps what the base's include function returned, without calling it again", () => {
  let calls = 0;
  const base = Dictionary.parse("$INCLUDE dictionary.a\n", {
    include: () => {
      calls++;
      return calls === 1 ? "ATTRIBUTE A 1 string\n" : "ATTRIBUTE A 1 integer\n";
    },
  });
  const more = base.extend("ATTRIBUTE B 2 string\n", { filename: "dictionary.b" });
  assert.equal(calls, 1);
  assert.equal(more.attribute("A")?.type, "string");
  assert.equal(more.attribute("B")?.code, 2);
});

test("extendFile() reads a file and its includes on top of a dictionary", async () => {
  const base = Dictionary.parse("ATTRIBUTE User-Name 1 string\n");
  const tree = {
    "/etc/raddb/dictionary": "$INCLUDE dictionary.site\n",
    "/etc/raddb/dictionary.site": "ATTRIBUTE Site-Id 3000 integer\nVALUE Site-Id Main 1\n",
  };
  const dictionary = await base.extendFile("/etc/raddb/dictionary", reader(tree));
  assert.equal(dictionary.attribute("Site-Id")?.valueNames.get(1), "Main");
  assert.equal(dictionary.attribute("User-Name")?.code, 1);
  assert.equal(base.attribute("Site-Id"), undefined);
});

test("Dictionary.default() is built once from the bundled dictionaries", () => {
  const dictionary = Dictionary.default();
  assert.equal(Dictionary.default(), dictionary);
  assert.equal(dictionary.standard(1)?.name, "User-Name");
  assert.equal(dictionary.attribute("User-Password")?.flags.encrypt, 1);
  assert.equal(dictionary.attribute("Tunnel-Password")?.flags.hasTag, true);
  assert.equal(dictionary.standard(26)?.type, "vsa");
  assert.equal(dictionary.vendor(311)?.name, "Microsoft");
  assert.equal(dictionary.attribute("Service-Type")?.valueNumbers.get("framed-user"), 2);
});

test("new Dictionary() is empty and can be extended", () => {
  const empty = new Dictionary();
  assert.equal([...empty.attributes()].length, 0);
  assert.equal([...empty.vendors()].length, 0);
  assert.equal(empty.standard(1), undefined);
  assert.equal(empty.extend("ATTRIBUTE A 1 string\n").standard(1)?.name, "A");
});

test("standard() answers only top-level attributes 1..255", () => {
  const dictionary = Dictionary.parse(
    "ATTRIBUTE Top 255 string\nATTRIBUTE Internal 1000 string\nVENDOR V 9\n" +
      "ATTRIBUTE V-One 1 string V\n",
  );
  assert.equal(dictionary.standard(255)?.name, "Top");
  for (const code of [0, 1, 256, 1000, -1, 1.5, Number.NaN]) {
    assert.equal(dictionary.standard(code), undefined, String(code));
  }
  assert.equal(dictionary.byOid("1000")?.name, "Internal");
  assert.equal(dictionary.byOid("26.9.1")?.name, "V-One");
  assert.equal(dictionary.byOid("26.9"), undefined);
  assert.equal(dictionary.byOid("1.0"), undefined);
});

test("attributes() and vendors() list every name, aliases included", () => {
  const dictionary = Dictionary.parse(
    "VENDOR A 9\nVENDOR B 9\nATTRIBUTE X 1 string\nATTRIBUTE Y 1 string\nATTRIBUTE Z 2 string B\n",
  );
  assert.deepEqual([...dictionary.attributes()].map((a) => `${a.name}=${a.oid}`), [
    "X=1",
    "Y=1",
    "Z=26.9.2",
  ]);
  assert.deepEqual([...dictionary.vendors()].map((v) => `${v.name}=${v.id}`), ["A=9", "B=9"]);
  assert.equal(dictionary.attribute("Z")?.vendor?.name, "B");
});

test("suggest() proposes the closest attribute names for UnknownAttributeError", () => {
  const dictionary = Dictionary.default();
  assert.deepEqual(dictionary.suggest("User-Nmae"), ["User-Name"]);
  assert.equal(dictionary.suggest("framed-ip-adress")[0], "Framed-IP-Address");
  assert.ok(dictionary.suggest("Framed-IP", 10).includes("Framed-IP-Netmask"));
  assert.equal(dictionary.suggest("Framed-IP", 2).length, 2);
  assert.deepEqual(dictionary.suggest("Qqqqqqqqqqqqqqqqqqqq"), []);
});

test("the model objects are frozen", () => {
  const def = Dictionary.parse("ATTRIBUTE A 1 string\n").standard(1)!;
  assert.ok(Object.isFrozen(def));
  assert.ok(Object.isFrozen(def.flags));
  assert.throws(() => {
    (def as { name: string }).name = "B";
  }, TypeError);
});

test("Dictionary.load() says so when the reader returns bytes instead of text", async () => {
  await assert.rejects(
    Dictionary.load(
      "d/dictionary",
      ((path: string) =>
        path === "d/dictionary" ? "$INCLUDE dictionary.x\n" : new Uint8Array(3)) as unknown as (
          path: string,
        ) => string,
    ),
    /d\/dictionary line 1: cannot read "d\/dictionary\.x" included by \$INCLUDE dictionary\.x: readText returned Uint8Array, not a string/,
  );
  assert.throws(
    () =>
      Dictionary.parse("$INCLUDE x\n", {
        include: (() => 42) as unknown as () => string,
      }),
    /the include function returned a number, not a string/,
  );
});
