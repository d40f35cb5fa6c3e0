/**
 * The 256 RADIUS Identifiers of one client socket (RFC 2865 §3: the
 * Identifier matches a reply to its request, per source address and port).
 *
 * @module
 */

/**
 * Hands out the Identifiers 0..255 of one socket, each to one exchange at a
 * time. Identifiers are handed out in a cycle from a random start, so a
 * released one is reused as late as possible: a late reply to an old
 * exchange then meets no exchange, or one whose authenticator it fails.
 *
 * @example Usage
 * ```ts ignore
 * const ids = new IdAllocator(250);
 * assert.equal(ids.acquire(), 250);
 * assert.equal(ids.available, 255);
 * ids.release(250);
 * ```
 */
export class IdAllocator {
  #used: Uint8Array = new Uint8Array(256);
  #available = 256;
  #next: number;

  /**
   * Creates an allocator with every Identifier free.
   *
   * @param start The first Identifier to hand out, 0..255.
   */
  constructor(start: number = Math.floor(Math.random() * 256)) {
    this.#next = start & 0xff;
  }

  /** How many Identifiers are free. */
  get available(): number {
    return this.#available;
  }

  /**
   * Takes the next free Identifier.
   *
   * @returns The Identifier, or `undefined` when all 256 are in use.
   */
  acquire(): number | undefined {
    if (this.#available === 0) return undefined;
    let id = this.#next;
    while (this.#used[id] === 1) id = (id + 1) & 0xff;
    this.#used[id] = 1;
    this.#available--;
    this.#next = (id + 1) & 0xff;
    return id;
  }

  /**
   * Gives an Identifier back once its exchange has ended.
   *
   * @param id The Identifier.
   * @returns Whether it was in use.
   */
  release(id: number): boolean {
    if (this.#used[id] !== 1) return false;
    this.#used[id] = 0;
    this.#available++;
    return true;
  }
}
