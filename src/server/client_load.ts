/**
 * Requests in flight per client, for `NasSettings.maxInFlight`.
 *
 * @module
 */
import type { ResolvedNas } from "./nas_table.ts";

/**
 * Counts, per client name, the requests whose handler has not settled, for
 * the clients that set `maxInFlight`. Keyed by name (the entry's `name` or
 * address, or the source address of a lookup result without a name), so a
 * lookup that builds a new object per call still shares one count per NAS.
 * A name leaves the map when its count drops to 0: the map holds at most
 * as many names as requests are in flight.
 */
export class ClientLoad {
  #counts = new Map<string, number>();

  /**
   * Whether the client may have one more request in flight.
   *
   * @param client The resolved client.
   * @returns `false` when it has `maxInFlight` in flight already.
   */
  admits(client: ResolvedNas): boolean {
    const max = client.maxInFlight;
    return max === undefined || (this.#counts.get(client.name) ?? 0) < max;
  }

  /**
   * Counts a request of `client` as in flight.
   *
   * @param client The resolved client.
   * @returns Whether it is counted (the client has a limit), so that
   *   {@linkcode ClientLoad.remove} must be called when it settles.
   */
  add(client: ResolvedNas): boolean {
    if (client.maxInFlight === undefined) return false;
    this.#counts.set(client.name, (this.#counts.get(client.name) ?? 0) + 1);
    return true;
  }

  /**
   * Ends a request counted by {@linkcode ClientLoad.add}.
   *
   * @param client The resolved client.
   */
  remove(client: ResolvedNas): void {
    const count = (this.#counts.get(client.name) ?? 0) - 1;
    if (count > 0) this.#counts.set(client.name, count);
    else this.#counts.delete(client.name);
  }
}
