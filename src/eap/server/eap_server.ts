/**
 * The EAP server of RFC 3579 on a RADIUS server: it answers each
 * Access-Request that carries EAP-Message with an Access-Challenge (the
 * next EAP-Request, and a State naming the conversation), an Access-Accept
 * (EAP-Success, with the method's keys as MS-MPPE keys) or an
 * Access-Reject (EAP-Failure). Identity first, then the preferred method
 * the user's credential can check; a Nak picks another (RFC 3748 §5.3).
 *
 * @module
 */
import type { AnyAttributes } from "../../attribute_map.ts";
import { Code } from "../../codec/code.ts";
import { EAP_MESSAGE } from "../../codec/packet_codec.ts";
import { randomBytes } from "../../crypto/random.ts";
import { checkCredential, type PasswordCredential } from "../../mschap/credential.ts";
import type { AttributesInit, Packet } from "../../packet.ts";
import { toHex } from "../_hex.ts";
import { EapCode } from "../code.ts";
import { readEap } from "../eap_message.ts";
import { eapReply } from "../eap_reply.ts";
import { EapError } from "../error.ts";
import { decodeNak, isNak } from "../nak.ts";
import type { EapDataPacket, EapPacket } from "../packet.ts";
import { EapType } from "../type.ts";
import { notificationRequest, readIdentity } from "../methods/identity.ts";
import {
  EAP_METHOD_NAMES,
  type EapMethodName,
  isEapMethodName,
  type MethodFailure,
  type ServerMethodContext,
} from "../methods/method.ts";
import { type PasswordMethodName, SERVER_METHODS } from "../methods/registry.ts";
import type { ServerMethod } from "../methods/method.ts";
import { eapTlsServer, type EapTlsServerOptions } from "../tls/eap_tls_server.ts";
import { tunnelServers } from "../tls/tunnel_servers.ts";
import {
  type EapConversation,
  type EapConversationStore,
  MemoryEapConversationStore,
} from "./conversation_store.ts";
import { mppeKeyAttributes } from "./mppe.ts";
import { EapCounters, type EapRejectReason, type EapServerStats } from "./stats.ts";

/** RFC 2865 §5.24. */
const STATE = 24;
/** EAP-Key-Name: RADIUS attribute 102 (RFC 4072 §4.1, RFC 7268 §2.4). */
const EAP_KEY_NAME = 102;
/** RFC 3579 §3.1 splits at 253 octets: 16 attributes fill a RADIUS packet. Twice that is plenty. */
const MAX_FRAGMENTS = 32;
/** RFC 2865 §5.1: the most a User-Name holds, and so the most an identity may be here. */
const MAX_IDENTITY = 253;

/**
 * Looks up what the server knows of a user's password: `{ password }` or
 * `{ ntHash }` (see `PasswordCredential`), or `undefined` for an unknown
 * user (who then fails as a wrong password does). May be async. What it
 * throws or rejects with comes out of {@linkcode EapServer.handle}
 * unchanged, and the conversation is left as it was, so that the NAS's
 * retransmission can try again.
 *
 * @example Usage
 * ```ts
 * import { type EapCredentialLookup, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const users = new Map([["bob", { password: "hello" }], ["carol", { ntHash: ntPasswordHash("s3cret") }]]);
 * const lookup: EapCredentialLookup = (identity) => users.get(identity);
 * assert.deepEqual(lookup("bob"), { password: "hello" });
 * ```
 */
export type EapCredentialLookup = (
  identity: string,
) => PasswordCredential | undefined | Promise<PasswordCredential | undefined>;

/**
 * Who an EAP conversation authenticated: what
 * {@linkcode EapServerOptions.authorize} is told.
 *
 * @example Usage
 * ```ts
 * import type { EapAuthenticatedUser } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const user: EapAuthenticatedUser = { identity: "bob", outerIdentity: "anonymous", method: "peap/mschapv2" };
 * assert.equal(user.method.split("/")[0], "peap");
 * ```
 */
export interface EapAuthenticatedUser {
  /**
   * The identity that was authenticated: the inner identity of PEAP and
   * TTLS, else the EAP identity.
   */
  readonly identity: string;
  /** The identity of the outer EAP-Response/Identity (with PEAP and TTLS often `anonymous@realm`). */
  readonly outerIdentity: string;
  /** How: `"mschapv2"`, `"tls"`, `"peap/mschapv2"`, `"ttls/pap"`, `"ttls/eap-mschapv2"`, … */
  readonly method: string;
}

/**
 * Options of {@linkcode EapServer}.
 *
 * @example Usage
 * ```ts
 * import { EapServer, type EapServerOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: EapServerOptions = {
 *   credentials: (identity) => identity === "bob" ? { password: "hello" } : undefined,
 *   methods: ["md5", "gtc"], // offered in this order; a Nak picks among them
 *   conversationTimeout: 30_000,
 *   failureMessage: "Wrong user name or password",
 * };
 * assert.ok(new EapServer(options));
 * ```
 */
export interface EapServerOptions {
  /** What the server knows of each user's password. */
  credentials: EapCredentialLookup;
  /**
   * The methods offered, most preferred first (default
   * `["mschapv2", "md5", "gtc"]`). The first one the user's credential can
   * check is proposed (MD5 and GTC need the cleartext password, MS-CHAPv2
   * works with an NT hash too); a Nak chooses another of these.
   */
  methods?: readonly EapMethodName[];
  /**
   * The TLS methods: PEAP and EAP-TTLS need the TLS engine and the
   * server's certificate and key; EAP-TLS (RFC 5216, RFC 9190) also the CA
   * client certificates must chain to. With it the default methods are
   * `["peap", "ttls", "tls", "mschapv2", "md5", "gtc"]` (without `"tls"`
   * when `ca` is not given). TLS sessions live in this process: a shared
   * `store` must bring each conversation back to the server that began it.
   */
  tls?: EapTlsServerOptions;
  /**
   * The EAP methods offered inside PEAP and TTLS (TTLS/EAP), most preferred
   * first (default `["mschapv2", "gtc", "md5"]`). TTLS's PAP, CHAP and
   * MS-CHAPv2 without EAP are always accepted.
   */
  innerMethods?: readonly PasswordMethodName[];
  /**
   * Called once a peer has authenticated, before the Access-Accept goes
   * out: add to `reply` what the user gets (`request` is the last
   * Access-Request of the conversation) (a VLAN:
   * `Tunnel-Type`/`Tunnel-Medium-Type`/`Tunnel-Private-Group-Id`,
   * `Session-Timeout`, …), or return `false` to refuse the user after all
   * (an Access-Reject with EAP-Failure, counted as `"not-authorized"`).
   * For PEAP and TTLS `user.identity` is the inner identity. What it
   * throws comes out of {@linkcode EapServer.handle}.
   */
  authorize?: (
    user: EapAuthenticatedUser,
    reply: Packet<AnyAttributes>,
    request: Packet<AnyAttributes>,
  ) => boolean | void | Promise<boolean | void>;
  /**
   * Where conversations are kept between rounds (default: a
   * {@linkcode MemoryEapConversationStore} of `maxConversations`).
   */
  store?: EapConversationStore;
  /** The most conversations the default store keeps; the oldest goes first (default 65,536). */
  maxConversations?: number;
  /** Milliseconds a conversation waits for the peer's next Response (default 60,000). */
  conversationTimeout?: number;
  /** The most Access-Challenges in one conversation (default 50): a Nak loop or endless challenge ends. */
  maxRounds?: number;
  /** The text of the EAP-GTC Request (default `"Password: "`). */
  gtcPrompt?: string;
  /**
   * When set, a failed authentication is announced with this text in an
   * EAP-Request/Notification (RFC 3748 §5.2) before the EAP-Failure.
   */
  failureMessage?: string;
}

/**
 * An EAP server for EAP-MD5, EAP-GTC, EAP-MSCHAPv2 and (given `tls`)
 * EAP-TLS, to call from an Access-Request handler:
 * {@linkcode EapServer.handle} returns the reply for a request with
 * EAP-Message and `undefined` for any other. Each
 * Access-Challenge carries a new random 16-octet State; the conversation
 * is kept under it in the store until the next Response (a State is used
 * once). Anything wrong (a State never issued or expired, a Response that
 * does not answer the last Request, an EAP packet that does not decode, a
 * Nak loop, …) gets an Access-Reject with EAP-Failure, counted by reason in
 * {@linkcode EapServer.stats}; nothing from the network makes `handle`
 * throw. Passwords are never logged (nothing is).
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, EapServer, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const users = new Map([["bob", "hello"]]);
 * const eap = new EapServer({
 *   credentials: (identity) => {
 *     const password = users.get(identity);
 *     return password === undefined ? undefined : { password };
 *   },
 * });
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 *   handleAccessRequest: async (request) =>
 *     await eap.handle(request) ?? request.reply(Code.AccessReject),
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * const { reply, msk } = await client.eap({ identity: "bob", method: "mschapv2", password: "hello" });
 * assert.equal(reply.code, Code.AccessAccept);
 * assert.equal(msk?.length, 32);
 * assert.equal(reply.get("MS-MPPE-Recv-Key")?.length, 16);
 * assert.equal(eap.stats().accepted, 1);
 * await client.close();
 * await server.close();
 * ```
 */
export class EapServer {
  readonly #credentials: EapCredentialLookup;
  readonly #methods: readonly EapMethodName[];
  readonly #innerMethods: readonly PasswordMethodName[];
  readonly #authorize: EapServerOptions["authorize"];
  readonly #table: ReadonlyMap<EapMethodName, ServerMethod>;
  readonly #store: EapConversationStore;
  readonly #timeout: number;
  readonly #maxRounds: number;
  readonly #gtcPrompt: string;
  readonly #failureMessage: string | undefined;
  readonly #counters = new EapCounters();

  /**
   * Creates an EAP server.
   *
   * @param options The credential lookup, the methods, the store and its bounds.
   * @throws {TypeError} for options that cannot work, saying which.
   */
  constructor(options: EapServerOptions) {
    if (typeof options?.credentials !== "function") {
      throw new TypeError(
        "EapServer needs credentials: (identity) => ({ password }) | ({ ntHash }) | undefined",
      );
    }
    this.#credentials = options.credentials;
    const table = new Map<EapMethodName, ServerMethod>(Object.entries(SERVER_METHODS) as [
      EapMethodName,
      ServerMethod,
    ][]);
    const tls = options.tls === undefined ? undefined : checkTls(options.tls);
    if (tls !== undefined) {
      for (const method of tunnelServers(tls)) table.set(method.name, method);
      if (tls.ca !== undefined) table.set("tls", eapTlsServer(tls));
    }
    const methods = options.methods ?? [
      ...(tls === undefined ? [] : ["peap", "ttls"] as const),
      ...(tls?.ca === undefined ? [] : ["tls"] as const),
      ...EAP_METHOD_NAMES,
    ];
    if (
      !Array.isArray(methods) || methods.length === 0 || !methods.every(isEapMethodName) ||
      new Set(methods).size !== methods.length
    ) {
      throw new TypeError(
        `EapServer methods must list some of "mschapv2", "md5", "gtc", "peap", "ttls", "tls" once each, got ${
          JSON.stringify(methods)
        }`,
      );
    }
    const needsTls = methods.filter((name) => !table.has(name));
    if (needsTls.length > 0) {
      throw new TypeError(
        `EapServer methods include ${needsTls.map((name) => `"${name}"`).join(", ")}, which need${
          needsTls.length > 1 ? "" : "s"
        } tls: { engine: tlsEngine(), cert, key${
          needsTls.includes("tls") ? ", ca" : ""
        } } (tlsEngine from "@radkit/radius/adapters/…")`,
      );
    }
    const innerMethods = options.innerMethods ?? ["mschapv2", "gtc", "md5"];
    if (
      !Array.isArray(innerMethods) || innerMethods.length === 0 ||
      !innerMethods.every((name) => Object.hasOwn(SERVER_METHODS, name)) ||
      new Set(innerMethods).size !== innerMethods.length
    ) {
      throw new TypeError(
        `EapServer innerMethods must list some of "mschapv2", "gtc", "md5" once each, got ${
          JSON.stringify(innerMethods)
        }`,
      );
    }
    if (options.authorize !== undefined && typeof options.authorize !== "function") {
      throw new TypeError("EapServer authorize must be a function (user, reply) => boolean | void");
    }
    this.#methods = [...methods];
    this.#innerMethods = [...innerMethods];
    this.#authorize = options.authorize;
    this.#table = table;
    this.#timeout = positiveInteger("conversationTimeout", options.conversationTimeout, 60_000);
    this.#maxRounds = positiveInteger("maxRounds", options.maxRounds, 50);
    const maxEntries = positiveInteger("maxConversations", options.maxConversations, 65_536);
    const store = options.store;
    if (
      store !== undefined &&
      (typeof store?.get !== "function" || typeof store.set !== "function" ||
        typeof store.delete !== "function")
    ) {
      throw new TypeError(
        "EapServer store must have get(key), set(key, conversation, ttl) and delete(key)",
      );
    }
    this.#store = store ?? new MemoryEapConversationStore({ maxEntries });
    this.#gtcPrompt = text("gtcPrompt", options.gtcPrompt) ?? "Password: ";
    this.#failureMessage = text("failureMessage", options.failureMessage);
  }

  /**
   * Answers an Access-Request that carries EAP-Message; return the reply
   * from the server's `handleAccessRequest`. An Access-Request without
   * EAP-Message is not this server's: `undefined`.
   *
   * @param request The verified Access-Request (the `Server` has already
   * dropped any with EAP-Message and no valid Message-Authenticator).
   * @returns The Access-Challenge, Access-Accept or Access-Reject; or
   * `undefined` without EAP-Message.
   * @throws What the credential lookup or the store throws.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, EapCode, EapServer, EapType, Packet, readEap, setEapMessage } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const eap = new EapServer({ credentials: () => ({ password: "hello" }), methods: ["gtc"] });
   * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
   * assert.equal(await eap.handle(request), undefined); // no EAP-Message
   * setEapMessage(request, {
   *   code: EapCode.Response,
   *   identifier: 7,
   *   type: EapType.Identity,
   *   data: new TextEncoder().encode("bob"),
   * });
   * const challenge = await eap.handle(request);
   * assert.equal(challenge?.code, Code.AccessChallenge);
   * assert.equal(challenge?.get("State")?.length, 16);
   * const gtc = challenge && readEap(challenge);
   * assert.ok(gtc && "type" in gtc && gtc.type === EapType.GTC && gtc.identifier === 8);
   * ```
   */
  async handle<A extends object>(request: Packet<A>): Promise<Packet<A> | undefined> {
    if (request?.code !== Code.AccessRequest) {
      throw new TypeError("EapServer.handle() answers Access-Requests: pass the request received");
    }
    const loose = request as unknown as Packet<AnyAttributes>;
    const dictionary = request.dictionary;
    const fragments = loose.getAll(dictionary.standard(EAP_MESSAGE)?.name ?? `Attr-${EAP_MESSAGE}`)
      .filter((value) => value instanceof Uint8Array);
    if (fragments.length === 0) return undefined;
    // An Identifier to answer with, before the packet is known to decode.
    const guess = secondOctet(fragments);
    // Consecutive EAP-Message attributes arrive joined into one value; only
    // runs split by other attributes are seen apart here.
    if (fragments.length > MAX_FRAGMENTS) return this.#reject(request, "too-many-fragments", guess);
    let eap: EapPacket;
    try {
      eap = readEap(request)!;
    } catch (error) {
      if (error instanceof EapError) return this.#reject(request, error.reason, guess);
      throw error;
    }
    if (eap.code !== EapCode.Response || !("type" in eap)) {
      return this.#reject(request, "not-a-response", eap.identifier);
    }
    const state = loose.get(dictionary.standard(STATE)?.name ?? `Attr-${STATE}`);
    if (!(state instanceof Uint8Array)) {
      if (eap.type !== EapType.Identity) {
        return this.#reject(request, "missing-state", eap.identifier);
      }
      return await this.#begin(request, eap);
    }
    return await this.#continue(request, eap, toHex(state));
  }

  /**
   * The counters so far, as a snapshot.
   *
   * @returns Conversations started, Access-Challenges, Accepts, and Rejects by reason.
   *
   * @example Usage
   * ```ts
   * import { Code, Dictionary, EapCode, EapServer, EapType, Packet, setEapMessage } from "@radkit/radius";
   * import assert from "node:assert/strict";
   *
   * const eap = new EapServer({ credentials: () => undefined });
   * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "State": "0x0102" });
   * setEapMessage(request, { code: EapCode.Response, identifier: 1, type: EapType.GTC, data: new Uint8Array(1) });
   * assert.equal((await eap.handle(request))?.code, Code.AccessReject);
   * assert.equal(eap.stats().rejectedBy["unknown-state"], 1);
   * ```
   */
  stats(): EapServerStats {
    return this.#counters.snapshot();
  }

  /** An EAP-Response/Identity without State: a new conversation. */
  async #begin<A extends object>(request: Packet<A>, eap: EapDataPacket): Promise<Packet<A>> {
    if (eap.data.length > MAX_IDENTITY) {
      return this.#reject(request, "identity-too-long", eap.identifier);
    }
    const identity = readIdentity(eap.data);
    if (identity === undefined) return this.#reject(request, "bad-identity", eap.identifier);
    const credential = await this.#lookup(identity);
    this.#counters.started++;
    // An unknown user is offered the first method and fails like a wrong password.
    const method =
      this.#methods.find((name) =>
        credential === undefined || this.#method(name).verifies(credential)
      ) ?? this.#methods[0]!;
    return await this.#propose(request, { identity, tried: [], rounds: 0 }, eap.identifier, method);
  }

  /** A Response with a State: the next step of a conversation. */
  async #continue<A extends object>(
    request: Packet<A>,
    eap: EapDataPacket,
    key: string,
  ): Promise<Packet<A>> {
    const conversation = await this.#store.get(key);
    if (conversation === undefined) return this.#reject(request, "unknown-state", eap.identifier);
    if (eap.identifier !== conversation.identifier) {
      await this.#store.delete(key);
      return this.#reject(request, "identifier-mismatch", eap.identifier);
    }
    if (conversation.failing !== undefined) {
      await this.#store.delete(key);
      const reason = eap.type === EapType.Notification ? conversation.failing : "unexpected-type";
      return this.#reject(request, reason, eap.identifier);
    }
    if (isNak(eap)) return await this.#nak(request, eap, key, conversation);
    const method = this.#method(conversation.method);
    if (eap.type !== method.type) {
      await this.#store.delete(key);
      return this.#reject(request, "unexpected-type", eap.identifier);
    }
    const identifier = (eap.identifier + 1) & 0xff;
    const step = await method.step(
      conversation.methodState,
      eap.data,
      this.#context(conversation.identity, identifier),
    );
    await this.#store.delete(key);
    switch (step.next) {
      case "request":
        return await this.#challenge(
          request,
          {
            ...conversation,
            identifier,
            methodState: step.state,
            nakAllowed: false,
            rounds: conversation.rounds + 1,
          },
          { code: EapCode.Request, identifier, type: method.type, data: step.data },
          eap.identifier,
        );
      case "success": {
        const keys = step.msk === undefined ? {} : mppeKeyAttributes(request.dictionary, step.msk);
        const reply = eapReply(
          request,
          { code: EapCode.Success, identifier: eap.identifier },
          keys as AttributesInit<A>,
        );
        const keyName = request.dictionary.standard(EAP_KEY_NAME)?.name;
        if (step.sessionId !== undefined && keyName !== undefined && loose(request).has(keyName)) {
          // RFC 4072 §2.2.2: a NAS that wants the Session-Id sends EAP-Key-Name
          // (empty there; RADIUS has no empty attributes, so wpa_supplicant
          // sends one octet); the server answers with it when keys are derived.
          loose(reply).set(keyName, step.sessionId);
        }
        if (this.#authorize !== undefined) {
          const user: EapAuthenticatedUser = {
            identity: step.identity ?? conversation.identity,
            outerIdentity: conversation.identity,
            method: step.method ?? conversation.method,
          };
          const verdict = await this.#authorize(
            user,
            reply as unknown as Packet<AnyAttributes>,
            request as unknown as Packet<AnyAttributes>,
          );
          if (verdict === false) return this.#reject(request, "not-authorized", eap.identifier);
        }
        this.#counters.accepted++;
        return reply;
      }
      case "failure":
        return await this.#fail(request, conversation, eap.identifier, step.reason);
    }
  }

  /** A Nak (RFC 3748 §5.3): the first method it lists that is offered, untried and checkable. */
  async #nak<A extends object>(
    request: Packet<A>,
    eap: EapDataPacket,
    key: string,
    conversation: EapConversation,
  ): Promise<Packet<A>> {
    if (!conversation.nakAllowed) {
      await this.#store.delete(key);
      return this.#reject(request, "unexpected-nak", eap.identifier);
    }
    let desired;
    try {
      desired = decodeNak(eap);
    } catch (error) {
      if (!(error instanceof EapError)) throw error;
      await this.#store.delete(key);
      return this.#reject(request, error.reason, eap.identifier);
    }
    const credential = await this.#lookup(conversation.identity);
    await this.#store.delete(key);
    let chosen: EapMethodName | undefined;
    for (const type of desired) {
      chosen = this.#methods.find((name) =>
        this.#method(name).type === type && !conversation.tried.includes(name) &&
        (credential === undefined || this.#method(name).verifies(credential))
      );
      if (chosen !== undefined) break;
    }
    if (chosen === undefined) return this.#reject(request, "no-common-method", eap.identifier);
    return await this.#propose(request, conversation, eap.identifier, chosen);
  }

  /** The first Request of a method. */
  async #propose<A extends object>(
    request: Packet<A>,
    before: Pick<EapConversation, "identity" | "tried" | "rounds">,
    answered: number,
    name: EapMethodName,
  ): Promise<Packet<A>> {
    const identifier = (answered + 1) & 0xff;
    const method = this.#method(name);
    const { data, state } = method.start(this.#context(before.identity, identifier));
    return await this.#challenge(
      request,
      {
        identity: before.identity,
        identifier,
        method: name,
        methodState: state,
        tried: [...before.tried, name],
        nakAllowed: true,
        rounds: before.rounds + 1,
      },
      { code: EapCode.Request, identifier, type: method.type, data },
      answered,
    );
  }

  /** An authentication that failed: announced first if `failureMessage` is set. */
  async #fail<A extends object>(
    request: Packet<A>,
    conversation: EapConversation,
    answered: number,
    reason: MethodFailure,
  ): Promise<Packet<A>> {
    if (
      this.#failureMessage === undefined ||
      (reason !== "authentication-failed" && reason !== "peer-failure")
    ) {
      return this.#reject(request, reason, answered);
    }
    const identifier = (answered + 1) & 0xff;
    return await this.#challenge(
      request,
      {
        ...conversation,
        identifier,
        nakAllowed: false,
        rounds: conversation.rounds + 1,
        failing: reason,
      },
      notificationRequest(identifier, this.#failureMessage),
      answered,
    );
  }

  /**
   * An Access-Challenge with a new State, the conversation stored under it;
   * or, past `maxRounds`, an Access-Reject answering Identifier `answered`.
   */
  async #challenge<A extends object>(
    request: Packet<A>,
    conversation: EapConversation,
    eap: EapDataPacket,
    answered: number,
  ): Promise<Packet<A>> {
    if (conversation.rounds > this.#maxRounds) {
      return this.#reject(request, "too-many-rounds", answered);
    }
    const state = randomBytes(16);
    await this.#store.set(toHex(state), conversation, this.#timeout);
    this.#counters.challenges++;
    const name = request.dictionary.standard(STATE)?.name ?? `Attr-${STATE}`;
    return eapReply(request, eap, { [name]: state } as AttributesInit<A>);
  }

  #reject<A extends object>(
    request: Packet<A>,
    reason: EapRejectReason,
    identifier: number,
  ): Packet<A> {
    this.#counters.reject(reason);
    return eapReply(request, { code: EapCode.Failure, identifier });
  }

  #method(name: EapMethodName): ServerMethod {
    return this.#table.get(name)!;
  }

  #context(identity: string, identifier: number): ServerMethodContext {
    let lookup: Promise<PasswordCredential | undefined> | undefined;
    return {
      identity,
      identifier,
      gtcPrompt: this.#gtcPrompt,
      credentials: () => lookup ??= this.#lookup(identity),
      credentialsOf: (inner) =>
        inner === identity ? lookup ??= this.#lookup(identity) : this.#lookup(inner),
      innerMethods: this.#innerMethods,
    };
  }

  async #lookup(identity: string): Promise<PasswordCredential | undefined> {
    const credential = await this.#credentials(identity);
    if (credential !== undefined) checkCredential(credential);
    return credential;
  }
}

function loose<A extends object>(packet: Packet<A>): Packet<AnyAttributes> {
  return packet as unknown as Packet<AnyAttributes>;
}

/** The second octet of the fragments joined (the EAP Identifier), or 0. */
function secondOctet(fragments: readonly Uint8Array[]): number {
  let skip = 1;
  for (const fragment of fragments) {
    if (fragment.length > skip) return fragment[skip]!;
    skip -= fragment.length;
  }
  return 0;
}

function checkTls(tls: EapTlsServerOptions): EapTlsServerOptions {
  if (typeof tls?.engine?.open !== "function") {
    throw new TypeError(
      'EapServer tls.engine must be a TlsEngine: pass tlsEngine() from "@radkit/radius/adapters/node", "/bun", "/deno" or "/auto"',
    );
  }
  for (const name of ["cert", "key", "ca"] as const) {
    const value: unknown = tls[name];
    if (name === "ca" && value === undefined) continue;
    if (typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TypeError(`EapServer tls.${name} must be PEM text or bytes`);
    }
  }
  const resumption: unknown = tls.resumption;
  const lifetime = typeof resumption === "object" && resumption !== null
    ? (resumption as { lifetime?: unknown }).lifetime
    : undefined;
  if (
    (resumption !== undefined && typeof resumption !== "boolean" &&
      (typeof resumption !== "object" || resumption === null)) ||
    (lifetime !== undefined && (!Number.isSafeInteger(lifetime) || (lifetime as number) < 1))
  ) {
    throw new TypeError(
      "EapServer tls.resumption must be true, false or { lifetime: seconds (a positive integer) }",
    );
  }
  return tls;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`EapServer ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function text(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`EapServer ${name} must be a non-empty string`);
  }
  return value;
}
