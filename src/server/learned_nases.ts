/**
 * What `requireMessageAuthenticator: "auto"` has learned: the NAS addresses
 * that sent an Access-Request with a Message-Authenticator that verified
 * (and no EAP-Message), from which one is required from then on. See
 * {@linkcode NasSettings.requireMessageAuthenticator} for the rules and how
 * they differ from FreeRADIUS's.
 *
 * @module
 */

/** How many addresses are kept at most, by default. */
export const LEARNED_LIMIT = 65536;

/**
 * A bounded set of source addresses, oldest first. Only a peer that knows
 * the shared secret can add one (its Message-Authenticator verified), so the
 * bound is for large networks, not for floods.
 */
export class LearnedNases {
  #addresses = new Set<string>();
  #limit: number;

  /**
   * Creates an empty set.
   *
   * @param limit The most addresses kept; the oldest goes first beyond it.
   */
  constructor(limit: number = LEARNED_LIMIT) {
    this.#limit = limit;
  }

  /** How many addresses are known. */
  get size(): number {
    return this.#addresses.size;
  }

  /**
   * Whether a Message-Authenticator is required from `address`.
   *
   * @param address The source IP, IPv4-mapped IPv6 turned into IPv4.
   * @returns `true` once learned.
   */
  has(address: string): boolean {
    return this.#addresses.has(address);
  }

  /**
   * Records that `address` sends a Message-Authenticator.
   *
   * @param address The source IP, IPv4-mapped IPv6 turned into IPv4.
   * @returns `true` if it was not known yet (so the server logs it once).
   */
  learn(address: string): boolean {
    const addresses = this.#addresses;
    if (addresses.has(address)) return false;
    if (addresses.size >= this.#limit) {
      addresses.delete(addresses.values().next().value!);
    }
    addresses.add(address);
    return true;
  }
}
