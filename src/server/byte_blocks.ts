/**
 * Small byte arrays carved out of shared blocks: one allocation per block
 * instead of one per array. Deno backs every typed array with its own
 * malloc'd memory (no small arrays inside the JavaScript heap), so an
 * allocation per reply costs there what encoding half of it does.
 *
 * Fit for the server's replies: the duplicate cache keeps them for its TTL
 * and lets them go in the order they were made, so a block is freed soon
 * after its last reply.
 *
 * @module
 */

/** Hands out views into 64 KiB blocks, a new block when one is full. */
export class ByteBlocks {
  #block: Uint8Array;
  #used = 0;
  readonly #blockSize: number;

  /** @param blockSize Bytes per block; arrays above a quarter of it get their own. */
  constructor(blockSize = 65536) {
    this.#blockSize = blockSize;
    this.#block = new Uint8Array(blockSize);
  }

  /**
   * A zeroed (when the block is fresh) view of `length` bytes that no other
   * call returns.
   *
   * @param length Bytes wanted.
   * @returns A view into the current block, or a new array for a large `length`.
   */
  take(length: number): Uint8Array {
    if (length > this.#blockSize >>> 2) return new Uint8Array(length);
    if (this.#used + length > this.#blockSize) {
      this.#block = new Uint8Array(this.#blockSize);
      this.#used = 0;
    }
    const view = this.#block.subarray(this.#used, this.#used + length);
    this.#used += length;
    return view;
  }
}
