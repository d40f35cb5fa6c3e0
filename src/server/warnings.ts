/**
 * The warnings the server logs about dropped datagrams. Those that point at
 * a configured client's setup (a wrong secret, a NAS without
 * Message-Authenticator) are logged once per client, keyed by the client
 * (its NAS entry, or what the lookup returned), never by source address:
 * datagrams from addresses that are no client cannot use up or silence
 * them. Those anyone can cause (an unknown source, an overload) are
 * rate-limited instead, with a count of what was held back.
 *
 * @module
 */
import type { DropReason } from "./stats.ts";
import type { LimitedLog } from "./log_limiter.ts";

/** Warnings about a configured client, logged once per client. */
const CLIENT_WARNINGS: Partial<Record<DropReason, string>> = {
  "bad-authenticator":
    "Dropping requests whose Request Authenticator does not verify: the shared secrets most likely differ",
  "bad-message-authenticator":
    "Dropping requests whose Message-Authenticator does not verify: the shared secrets most likely differ",
  "missing-message-authenticator":
    'Dropping Access-Requests without Message-Authenticator (BlastRADIUS): make the NAS send one, or set requireMessageAuthenticator: false for this client (with "auto", the NAS sent one before)',
  "proxy-state-without-message-authenticator":
    "Dropping Access-Requests with Proxy-State but no Message-Authenticator (BlastRADIUS): make the NAS send one, or set limitProxyState: false for this client",
  "eap-without-message-authenticator":
    "Dropping Access-Requests with EAP-Message but no Message-Authenticator (RFC 3579 §3.2 requires one): fix the NAS",
};

/** Warnings anyone can cause: rate-limited, never once-only. */
const LIMITED_WARNINGS: Partial<Record<DropReason, string>> = {
  "unknown-client": "Dropping requests from an address that matches no client: add it to clients",
  "too-many-attributes":
    "Dropping packets with more attributes than maxAttributes (FreeRADIUS's max_attributes)",
  "overloaded":
    "Dropping requests: maxInFlight requests are in flight (handlers and client lookups not settled yet)",
  "client-overloaded":
    "Dropping requests from a client that has maxInFlight requests in flight already",
  "lookup-overloaded":
    "Dropping datagrams: maxPendingLookups calls of the clients function are pending",
};

/**
 * Client names remembered as warned. Only verified lookups of configured
 * clients add names; past this the set starts over (a warning may be
 * logged again, never lost).
 */
const WARNED_LIMIT = 4096;

/** Decides which drops are worth a warning and logs it. */
export class DropWarnings {
  #log: LimitedLog;
  #warned = new Set<string>();

  /** @param log Where warnings go, rate-limited per reason. */
  constructor(log: LimitedLog) {
    this.#log = log;
  }

  /**
   * Logs the warning a drop deserves, if any.
   *
   * @param reason Why the datagram was dropped.
   * @param client The name of the configured client it came from, if known.
   * @param fields The fields of the warning.
   */
  dropped(
    reason: DropReason,
    client: string | undefined,
    fields: () => Record<string, unknown>,
  ): void {
    const limited = LIMITED_WARNINGS[reason];
    if (limited !== undefined) {
      this.#log.log("warn", reason, limited, fields);
      return;
    }
    const warning = CLIENT_WARNINGS[reason];
    if (warning === undefined || client === undefined) return;
    const key = `${reason}|${client}`;
    if (this.#warned.has(key)) return;
    // A warning held back by the rate limit stays due: the client's next drop tries again.
    if (!this.#log.log("warn", reason, `${warning} (logged once per client)`, fields)) return;
    if (this.#warned.size >= WARNED_LIMIT) this.#warned.clear();
    this.#warned.add(key);
  }
}
