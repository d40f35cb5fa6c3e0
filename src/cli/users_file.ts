/**
 * The subset of FreeRADIUS's `users` file that `radkit serve` reads:
 *
 * ```
 * # comment
 * bob     Cleartext-Password := "hello"
 *         Reply-Message := "Hello, bob",
 *         Framed-IP-Address = 192.0.2.10
 *
 * DEFAULT Auth-Type := Reject
 *         Reply-Message = "Denied"
 * ```
 *
 * An entry is a name (or `DEFAULT`) and check items on one line, then its
 * reply items on the indented lines that follow. Check items:
 * `Cleartext-Password := "…"` (also `User-Password ==`, the old spelling),
 * `Auth-Type := Accept | Reject`, and `Attr == value` / `Attr != value`
 * comparisons with the request. Reply items take `=`, `:=` and `+=`;
 * `Fall-Through = Yes` goes on to the next matching entry. Entries are
 * tried in file order, as FreeRADIUS's `files` module does; as there, `:=`
 * replaces what an earlier entry set and `=` only sets what is unset.
 *
 * @module
 */
import {
  type AttributesInit,
  Code,
  Dictionary,
  type Packet,
  type PasswordVerification,
  verifyPassword,
} from "../../mod.ts";
import type { AttributePair, AttributeText } from "./args.ts";
import { addAttributes, parsePairs, secretNames, unquote } from "./args.ts";
import { formatAttribute } from "./output.ts";

/** One check item of an entry. */
export interface CheckItem {
  /** The attribute name. */
  readonly name: string;
  /** The operator as written. */
  readonly op: string;
  /** The value, unquoted. */
  readonly value: string;
}

/** One entry of a users file. */
export interface UserEntry {
  /** The user name, or `"DEFAULT"` for an entry that matches everyone. */
  readonly name: string;
  /** The check items of its first line. */
  readonly check: readonly CheckItem[];
  /** Its reply items, with their operators. */
  readonly reply: readonly AttributePair[];
  /** Whether `Fall-Through = Yes` is among its reply items. */
  readonly fallThrough: boolean;
  /** The line it starts on. */
  readonly line: number;
}

/** What {@linkcode authorize} decided for an Access-Request. */
export interface Decision {
  /** `Code.AccessAccept` or `Code.AccessReject`. */
  readonly code: Code;
  /** The reply items to send. */
  readonly reply: readonly AttributeText[];
  /**
   * What the password check adds: MS-CHAP2-Success and the MPPE keys to an
   * Access-Accept, MS-CHAP-Error to an Access-Reject.
   */
  readonly attributes?: AttributesInit;
  /** Why, for the log: `"PAP"`, `"MS-CHAPv2"`, `"Auth-Type Accept"`, `"bad password"`, `"no entry"`, … */
  readonly reason: string;
}

/** How the log names the methods of {@linkcode verifyPassword}. */
const METHOD_NAMES: Record<string, string> = {
  pap: "PAP",
  chap: "CHAP",
  mschap: "MS-CHAP",
  mschapv2: "MS-CHAPv2",
};

/** An NT-Password check value: 32 hex digits, optionally `0x`-prefixed, as FreeRADIUS takes it. */
function ntHashOf(value: string): Uint8Array | undefined {
  const hex = value.replace(/^0x/i, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
}

const SUPPORTED_CHECK_OPS = new Set([":=", "=", "==", "!="]);
const SUPPORTED_REPLY_OPS = new Set(["=", ":=", "+="]);

/**
 * Parses a users file.
 *
 * @param text The file's text.
 * @param file Its name, for error messages.
 * @returns The entries in file order.
 * @throws {SyntaxError} naming the line that is not in the supported subset.
 *
 * @example Usage
 * ```ts
 * import { parseUsers } from "./users_file.ts";
 * import assert from "node:assert/strict";
 *
 * const users = parseUsers(
 *   'bob Cleartext-Password := "hello"\n\tReply-Message := "Hello, bob",\n\tFramed-IP-Address = 192.0.2.10\n' +
 *     "DEFAULT Auth-Type := Reject\n",
 *   "users",
 * );
 * assert.equal(users.length, 2);
 * assert.equal(users[0]!.check[0]!.value, "hello");
 * assert.deepEqual(users[0]!.reply.map((r) => r.name), ["Reply-Message", "Framed-IP-Address"]);
 * assert.equal(users[1]!.name, "DEFAULT");
 * ```
 */
export function parseUsers(text: string, file: string): UserEntry[] {
  const entries: {
    name: string;
    check: CheckItem[];
    reply: AttributePair[];
    fallThrough: boolean;
    line: number;
  }[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineNo = index + 1;
    if (raw.trim() === "" || raw.trim().startsWith("#")) continue;
    const where = `${file} line ${lineNo}`;
    if (/^[ \t]/.test(raw)) {
      const entry = entries.at(-1);
      if (entry === undefined) {
        throw new SyntaxError(`Cannot read ${where}: a reply item before any user entry`);
      }
      for (const item of items(raw, where)) {
        if (!SUPPORTED_REPLY_OPS.has(item.op)) {
          throw new SyntaxError(
            `Cannot read ${where}: operator "${item.op}" is not supported in reply items (use =, := or +=)`,
          );
        }
        if (item.name.toLowerCase() === "fall-through") {
          entry.fallThrough = /^yes$/i.test(item.value);
        } else entry.reply.push(item);
      }
      continue;
    }
    const match = /^("(?:[^"\\]|\\.)*"|\S+)\s*(.*)$/.exec(raw)!;
    const name = match[1]!.startsWith('"')
      ? match[1]!.slice(1, -1).replace(/\\(.)/g, "$1")
      : match[1]!;
    const check = match[2]!.trim() === "" ? [] : items(match[2]!, where);
    for (const item of check) {
      if (!SUPPORTED_CHECK_OPS.has(item.op)) {
        throw new SyntaxError(
          `Cannot read ${where}: check operator "${item.op}" is not supported (use :=, == or !=)`,
        );
      }
      const lower = item.name.toLowerCase();
      if (lower === "auth-type" && !/^(accept|reject)$/i.test(item.value)) {
        throw new SyntaxError(
          `Cannot read ${where}: Auth-Type ${item.value} is not supported (use Accept or Reject)`,
        );
      }
      if (lower === "nt-password" && ntHashOf(item.value) === undefined) {
        throw new SyntaxError(
          `Cannot read ${where}: NT-Password must be 32 hex digits (the MD4 of the UTF-16LE password), optionally 0x-prefixed`,
        );
      }
      if (
        !["cleartext-password", "user-password", "nt-password", "auth-type"].includes(lower) &&
        item.op !== "==" && item.op !== "!="
      ) {
        throw new SyntaxError(
          `Cannot read ${where}: check item ${item.name} ${item.op} is not supported (compare with == or !=)`,
        );
      }
    }
    entries.push({ name, check, reply: [], fallThrough: false, line: lineNo });
  }
  return entries;
}

let bundledSecret: ((name: string) => boolean) | undefined;
/**
 * Names whose values errors must not quote: the bundled dictionary's secret
 * attributes, and Cleartext-Password, FreeRADIUS's internal attribute (1100,
 * `secret` in its dictionary) that users files give and the bundled
 * dictionary does not define.
 */
function isSecretName(name: string): boolean {
  bundledSecret ??= secretNames(Dictionary.default());
  return name.toLowerCase() === "cleartext-password" || bundledSecret(name);
}

/** Attribute pairs with their operators, with the line named in errors. */
function items(text: string, where: string): AttributePair[] {
  try {
    return parsePairs(text, isSecretName);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SyntaxError(`Cannot read ${where}: ${reason}`, { cause: error });
  }
}

function valueText(request: Packet, name: string): string | undefined {
  const attribute = request.attributes().find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (attribute === undefined) return undefined;
  const text = formatAttribute(attribute).replace(/^[^=]*= /, "");
  return text.startsWith('"') ? unquote(text.slice(1, -1), '"') : text;
}

function matches(entry: UserEntry, request: Packet, userName: string | undefined): boolean {
  if (entry.name !== "DEFAULT" && entry.name !== userName) return false;
  for (const item of entry.check) {
    if (item.op !== "==" && item.op !== "!=") continue;
    const lower = item.name.toLowerCase();
    if (lower === "user-password" || lower === "cleartext-password") continue;
    const actual = valueText(request, item.name);
    // As in FreeRADIUS, a comparison with an attribute the request lacks fails.
    if (actual === undefined || (actual === item.value) !== (item.op === "==")) return false;
  }
  return true;
}

/** What the matching entries say about a request. */
interface Collected {
  readonly matched: boolean;
  readonly password: string | undefined;
  readonly ntHash: Uint8Array | undefined;
  readonly authType: string | undefined;
  readonly reply: AttributePair[];
}

/** Walks the entries that match a request, as FreeRADIUS's `files` module does. */
function collect(users: readonly UserEntry[], request: Packet, identity?: string): Collected {
  const userName = request.get("User-Name");
  const name = identity ?? (typeof userName === "string" ? userName : undefined);
  let password: string | undefined;
  let ntHash: Uint8Array | undefined;
  let authType: string | undefined;
  const reply: AttributePair[] = [];
  let matched = false;
  for (const entry of users) {
    if (!matches(entry, request, name)) continue;
    matched = true;
    for (const item of entry.check) {
      // As FreeRADIUS: ":=" replaces what an earlier entry set, "=" (and the
      // old "User-Password ==") sets only what is not set yet.
      const replace = item.op === ":=";
      const lower = item.name.toLowerCase();
      if (lower === "cleartext-password" || lower === "user-password") {
        if (replace || password === undefined) password = item.value;
      }
      if (lower === "nt-password" && (replace || ntHash === undefined)) {
        ntHash = ntHashOf(item.value);
      }
      if (lower === "auth-type" && (replace || authType === undefined)) {
        authType = item.value.toLowerCase();
      }
    }
    for (const item of entry.reply) {
      const index = reply.findIndex((r) => r.name.toLowerCase() === item.name.toLowerCase());
      if (item.op === ":=" && index !== -1) {
        reply.splice(index, 1, item);
        for (let i = reply.length - 1; i > index; i--) {
          if (reply[i]!.name.toLowerCase() === item.name.toLowerCase()) reply.splice(i, 1);
        }
      } else if (item.op === "=" && index !== -1) continue;
      else reply.push(item);
    }
    if (!entry.fallThrough) break;
  }
  return { matched, password, ntHash, authType, reply };
}

/**
 * The reply items the entries give a request that a method other than the
 * users file's own check (EAP) accepted.
 *
 * @param users The entries.
 * @param request The last Access-Request of the conversation.
 * @param identity The user name to match instead of the request's User-Name
 * (the inner identity of PEAP and TTLS).
 * @returns The reply items of the matching entries.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { parseUsers, replyItems } from "./users_file.ts";
 * import assert from "node:assert/strict";
 *
 * const users = parseUsers('bob Cleartext-Password := "hello"\n  Reply-Message := "hi"\n', "users");
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * assert.deepEqual(replyItems(users, request).map((item) => item.value), ["hi"]);
 * ```
 */
export function replyItems(
  users: readonly UserEntry[],
  request: Packet,
  identity?: string,
): readonly AttributeText[] {
  return collect(users, request, identity).reply;
}

/**
 * Decides an Access-Request from the users entries, as FreeRADIUS's `files`
 * module and PAP/CHAP would: the first matching entry (by name or
 * `DEFAULT`, and its comparisons) gives the known password, `Auth-Type`
 * and reply items; `Fall-Through = Yes` continues with the next match. A
 * known password checks User-Password (PAP) or CHAP-Password (CHAP).
 * Reply items go out with an Access-Accept, and with an Access-Reject only
 * from `Auth-Type := Reject`.
 *
 * @param users The entries.
 * @param request The verified Access-Request (User-Password revealed).
 * @returns Accept or Reject, the reply items and a reason for the log.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { authorize, parseUsers } from "./users_file.ts";
 * import assert from "node:assert/strict";
 *
 * const users = parseUsers('bob Cleartext-Password := "hello"\n\tReply-Message = "Hi"\n', "users");
 * const request = (password: string) =>
 *   Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob", "User-Password": password });
 * assert.equal(authorize(users, request("hello")).code, Code.AccessAccept);
 * assert.equal(authorize(users, request("hello")).reply[0]!.value, "Hi");
 * assert.equal(authorize(users, request("nope")).code, Code.AccessReject);
 * ```
 */
export function authorize(users: readonly UserEntry[], request: Packet): Decision {
  const { matched, password, ntHash, authType, reply } = collect(users, request);
  if (!matched) return { code: Code.AccessReject, reply: [], reason: "no entry" };
  if (authType === "reject") return { code: Code.AccessReject, reply, reason: "Auth-Type Reject" };
  if (authType === "accept") return { code: Code.AccessAccept, reply, reason: "Auth-Type Accept" };
  if (password === undefined && ntHash === undefined) {
    return { code: Code.AccessReject, reply: [], reason: "no password known" };
  }
  // PAP, CHAP, MS-CHAPv1 and MS-CHAPv2, whichever the request carries.
  const result: PasswordVerification = verifyPassword(
    request,
    password !== undefined ? { password } : { ntHash: ntHash! },
  );
  const method = result.method === undefined ? undefined : METHOD_NAMES[result.method];
  if (result.ok) {
    return { code: Code.AccessAccept, reply, attributes: result.reply, reason: method! };
  }
  const why = result.reason === "wrong-password"
    ? method === "PAP" ? "bad password" : `bad ${method} password`
    : result.reason === "no-password"
    ? "no password"
    : `${method === undefined ? "" : `${method}: `}${result.reason}`;
  return { code: Code.AccessReject, reply: [], attributes: result.reply, reason: why };
}

/**
 * The password (or NT hash) the users file knows for an EAP identity: the
 * first entry named so (or `DEFAULT`) that has one, as FreeRADIUS's `files`
 * module hands `Cleartext-Password` to its `eap` module. `Auth-Type :=
 * Reject` refuses the identity. Entries that compare other attributes
 * (`==`, `!=`) are skipped: an EAP conversation is decided by its method,
 * not by the attributes of one of its packets.
 *
 * @param users The entries.
 * @param identity The EAP identity.
 * @returns `{ password }`, `{ ntHash }`, or `undefined` for an unknown or refused identity.
 *
 * @example Usage
 * ```ts
 * import { eapCredentials, parseUsers } from "./users_file.ts";
 * import assert from "node:assert/strict";
 *
 * const users = parseUsers('bob Cleartext-Password := "hello"\n', "users");
 * assert.deepEqual(eapCredentials(users, "bob"), { password: "hello" });
 * assert.equal(eapCredentials(users, "eve"), undefined);
 * ```
 */
export function eapCredentials(
  users: readonly UserEntry[],
  identity: string,
): { password: string } | { ntHash: Uint8Array } | undefined {
  for (const entry of users) {
    if (entry.name !== "DEFAULT" && entry.name !== identity) continue;
    if (entry.check.some((item) => item.op === "==" || item.op === "!=")) continue;
    let found: { password: string } | { ntHash: Uint8Array } | undefined;
    for (const item of entry.check) {
      const lower = item.name.toLowerCase();
      if (lower === "auth-type" && item.value.toLowerCase() === "reject") return undefined;
      if (lower === "cleartext-password" || lower === "user-password") {
        found = { password: item.value };
      } else if (lower === "nt-password" && found === undefined) {
        const ntHash = ntHashOf(item.value);
        if (ntHash !== undefined) found = { ntHash };
      }
    }
    if (found !== undefined) return found;
    if (!entry.fallThrough) return undefined;
  }
  return undefined;
}

/**
 * Checks every reply item of the entries against the dictionary, so that a
 * misspelt attribute fails at start-up, not at the first request.
 *
 * @param users The entries.
 * @param request Any packet using the dictionary (its attributes stay unchanged).
 * @param file The users file name, for error messages.
 * @throws {SyntaxError} naming the entry's line and what is wrong.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet } from "../../mod.ts";
 * import { checkReplyItems, parseUsers } from "./users_file.ts";
 * import assert from "node:assert/strict";
 *
 * const probe = Packet.create(Code.AccessRequest, Dictionary.default());
 * const users = parseUsers("bob Auth-Type := Accept\n\tReply-Mesage = x\n", "users");
 * assert.throws(() => checkReplyItems(users, probe, "users"), /line 1.*did you mean "Reply-Message"/);
 * ```
 */
export function checkReplyItems(users: readonly UserEntry[], request: Packet, file: string): void {
  for (const entry of users) {
    const scratch = request.reply(Code.AccessAccept);
    try {
      addAttributes(scratch, entry.reply);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SyntaxError(`Cannot use ${file} line ${entry.line} (${entry.name}): ${reason}`, {
        cause: error,
      });
    }
  }
}
