/**
 * Where an EAP server keeps its conversations between Access-Challenges,
 * keyed by the State it sent (RFC 3579 §2.1, RFC 2865 §5.24): an interface
 * for any store (several servers may share one), and a bounded in-memory
 * default.
 *
 * @module
 */
import type { EapMethodName } from "../methods/method.ts";

/**
 * One EAP conversation between Access-Challenges. Plain JSON (bytes are
 * hex), so that a shared store can keep it as `JSON.stringify` text.
 * Its fields are the server's business; a store keeps them as they are.
 *
 * @example Usage
 * ```ts
 * import type { EapConversation } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const conversation: EapConversation = {
 *   identity: "bob",
 *   identifier: 2,
 *   method: "md5",
 *   methodState: { challenge: "00112233445566778899aabbccddeeff", identifier: 2 },
 *   tried: ["md5"],
 *   nakAllowed: true,
 *   rounds: 1,
 * };
 * assert.deepEqual(JSON.parse(JSON.stringify(conversation)), conversation);
 * ```
 */
export interface EapConversation {
  /** The identity of the EAP-Response/Identity. */
  readonly identity: string;
  /** The Identifier of the EAP-Request last sent; the Response must echo it (RFC 3748 §4.1). */
  readonly identifier: number;
  /** The method under way. */
  readonly method: EapMethodName;
  /** The method's own state: JSON values only. */
  readonly methodState: { readonly [key: string]: string | number | boolean };
  /** The methods proposed so far, the current one last. */
  readonly tried: readonly EapMethodName[];
  /** Whether the last Request was a method's first, which a Nak may answer (RFC 3748 §5.3.1). */
  readonly nakAllowed: boolean;
  /** Access-Challenges sent so far. */
  readonly rounds: number;
  /**
   * Set when an EAP-Request/Notification announcing a failure was sent:
   * its Response gets the EAP-Failure, counted with this reason.
   */
  readonly failing?: "authentication-failed" | "peer-failure";
}

/**
 * A store of EAP conversations, keyed by the State attribute (as lowercase
 * hex) of the Access-Challenge that continues them. Each method may be
 * synchronous or return a Promise: a store shared by several servers (a
 * database, a cache server) implements the three with its client, keeping
 * each entry for `ttl` milliseconds. A State is used once: the server
 * deletes it once the conversation has moved on to a new one.
 *
 * @example Usage
 * ```ts
 * import { type EapConversation, type EapConversationStore, EapServer } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // A store that keeps JSON text, as a cache server would.
 * const texts = new Map<string, string>();
 * const store: EapConversationStore = {
 *   get: (key) => {
 *     const text = texts.get(key);
 *     return text === undefined ? undefined : JSON.parse(text) as EapConversation;
 *   },
 *   set: (key, conversation, _ttl) => void texts.set(key, JSON.stringify(conversation)),
 *   delete: (key) => void texts.delete(key),
 * };
 * const eap = new EapServer({ credentials: () => ({ password: "hello" }), store });
 * assert.ok(eap instanceof EapServer);
 * ```
 */
export interface EapConversationStore {
  /** The conversation stored under `key`, or `undefined` (never stored, deleted or expired). */
  get(key: string): EapConversation | undefined | Promise<EapConversation | undefined>;
  /** Stores a conversation under `key` for `ttl` milliseconds. */
  set(key: string, conversation: EapConversation, ttl: number): void | Promise<void>;
  /** Forgets the conversation under `key`, if any. */
  delete(key: string): void | Promise<void>;
}

/**
 * Options of {@linkcode MemoryEapConversationStore}.
 *
 * @example Usage
 * ```ts
 * import { MemoryEapConversationStore, type MemoryEapConversationStoreOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: MemoryEapConversationStoreOptions = { maxEntries: 1000 };
 * assert.equal(new MemoryEapConversationStore(options).maxEntries, 1000);
 * ```
 */
export interface MemoryEapConversationStoreOptions {
  /** The most conversations kept; storing one more forgets the oldest (default 65,536). */
  maxEntries?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

interface Entry {
  readonly conversation: EapConversation;
  readonly expires: number;
}

/**
 * The default {@linkcode EapConversationStore}: a Map in this process,
 * bounded in entries (the oldest is forgotten first) and in time (an entry
 * older than its `ttl` is gone). Expired entries are removed as new ones
 * are stored, so a flood of new conversations costs at most `maxEntries`
 * entries however long it lasts.
 *
 * @example Usage
 * ```ts
 * import { type EapConversation, MemoryEapConversationStore } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * let now = 0;
 * const store = new MemoryEapConversationStore({ maxEntries: 2, now: () => now });
 * const conversation: EapConversation = {
 *   identity: "bob", identifier: 1, method: "gtc", methodState: {},
 *   tried: ["gtc"], nakAllowed: true, rounds: 1,
 * };
 * store.set("a1", conversation, 1000);
 * store.set("b2", conversation, 1000);
 * store.set("c3", conversation, 1000); // forgets a1, the oldest
 * assert.deepEqual([store.get("a1"), store.size], [undefined, 2]);
 * now = 1000; // b2 and c3 have expired
 * assert.equal(store.get("b2"), undefined);
 * ```
 */
export class MemoryEapConversationStore implements EapConversationStore {
  /** The most conversations kept. */
  readonly maxEntries: number;
  readonly #now: () => number;
  // Insertion order is storage order: with one ttl for all, the first entry expires first.
  readonly #entries = new Map<string, Entry>();

  /**
   * Creates an empty store.
   *
   * @param options Its bound and clock.
   * @throws {RangeError} for a `maxEntries` that is not a positive integer.
   */
  constructor(options: MemoryEapConversationStoreOptions = {}) {
    const max = options.maxEntries ?? 65_536;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${String(max)}`);
    }
    this.maxEntries = max;
    this.#now = options.now ?? Date.now;
  }

  /** The number of conversations held (expired ones not yet removed included). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The conversation under `key`, unless it has expired.
   *
   * @param key The State as hex.
   * @returns The conversation, or `undefined`.
   */
  get(key: string): EapConversation | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.conversation;
  }

  /**
   * Stores a conversation, forgetting expired ones and, beyond
   * `maxEntries`, the oldest.
   *
   * @param key The State as hex.
   * @param conversation The conversation.
   * @param ttl How long to keep it, in milliseconds.
   */
  set(key: string, conversation: EapConversation, ttl: number): void {
    const now = this.#now();
    this.#entries.delete(key);
    this.#entries.set(key, { conversation, expires: now + ttl });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && entry.expires > now) break;
      this.#entries.delete(oldest);
    }
  }

  /**
   * Forgets the conversation under `key`.
   *
   * @param key The State as hex.
   */
  delete(key: string): void {
    this.#entries.delete(key);
  }
}
