// The users-file subset of radkit serve: parsing and FreeRADIUS's matching rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addChapPassword,
  type AnyAttributes,
  type AttributesInit,
  Code,
  Dictionary,
  Packet,
} from "../../mod.ts";
import { authorize, parseUsers } from "../../src/cli/users_file.ts";

const dictionary: Dictionary = Dictionary.default();
const request = (attributes: Record<string, string>) =>
  Packet.create(Code.AccessRequest, dictionary, attributes as AttributesInit<AnyAttributes>);

const USERS = `# comment
bob     Cleartext-Password := "hello"
        Reply-Message := "Hello, bob",
        Framed-IP-Address = 192.0.2.10

"eve x" Auth-Type := Accept

dave    Cleartext-Password := "pw"
        Reply-Message = "first",
        Fall-Through = Yes

DEFAULT NAS-Port != 9
        Reply-Message = "ignored: already set",
        Class := "fell-through"

DEFAULT Auth-Type := Reject
        Reply-Message = "Denied"
`;

test("parseUsers() reads names, quoted names, check and reply items", () => {
  const users = parseUsers(USERS, "users");
  assert.deepEqual(users.map((u) => u.name), ["bob", "eve x", "dave", "DEFAULT", "DEFAULT"]);
  assert.deepEqual(users[0]!.check, [{
    name: "Cleartext-Password",
    tag: undefined,
    op: ":=",
    value: "hello",
  }]);
  assert.equal(users[2]!.fallThrough, true);
  assert.equal(users[0]!.line, 2);
});

test("parseUsers() names the line of what it does not support", () => {
  assert.throws(() => parseUsers("bob Auth-Type := PAP\n", "u"), /u line 1: Auth-Type PAP/);
  assert.throws(() => parseUsers("\tReply-Message = x\n", "u"), /u line 1: a reply item before/);
  assert.throws(() => parseUsers("bob NAS-Port > 3\n", "u"), /check operator ">"/);
  assert.throws(() => parseUsers('bob Cleartext-Password := "x\n', "u"), /unterminated/);
});

test("authorize(): PAP, CHAP, Auth-Type and no entry", () => {
  const users = parseUsers(USERS, "users");
  const ok = authorize(users, request({ "User-Name": "bob", "User-Password": "hello" }));
  assert.equal(ok.code, Code.AccessAccept);
  assert.equal(ok.reason, "PAP");
  assert.deepEqual(ok.reply.map((r) => r.name), ["Reply-Message", "Framed-IP-Address"]);
  const chap = request({ "User-Name": "bob" });
  addChapPassword(chap, "hello");
  assert.equal(authorize(users, chap).reason, "CHAP");
  const bad = authorize(users, request({ "User-Name": "bob", "User-Password": "x" }));
  assert.deepEqual([bad.code, bad.reply.length], [Code.AccessReject, 0]);
  assert.equal(authorize(users, request({ "User-Name": "eve x" })).code, Code.AccessAccept);
  const nobody = authorize(users, request({ "User-Name": "zed", "User-Password": "x" }));
  assert.equal(nobody.code, Code.AccessReject);
  assert.deepEqual(nobody.reply.map((r) => r.value), ["Denied"]);
});

test("authorize(): Fall-Through continues; = keeps, := replaces, != compares", () => {
  const users = parseUsers(USERS, "users");
  // dave falls through to the first DEFAULT (NAS-Port is not 9), which does not fall through.
  const dave = authorize(
    users,
    request({ "User-Name": "dave", "User-Password": "pw", "NAS-Port": "1" }),
  );
  assert.equal(dave.code, Code.AccessAccept);
  assert.deepEqual(dave.reply.map((r) => `${r.name}=${r.value}`), [
    "Reply-Message=first",
    "Class=fell-through",
  ]);
  // With NAS-Port 9 the first DEFAULT does not match and the rejecting one does.
  const port9 = authorize(
    users,
    request({ "User-Name": "dave", "User-Password": "pw", "NAS-Port": "9" }),
  );
  assert.equal(port9.code, Code.AccessReject);
  assert.equal(port9.reason, "Auth-Type Reject");
});
