/**
 * A socket's hold on the process where the runtime cannot release it: Deno
 * unrefs only the newest of several pending receives (`DatagramConn.unref()`
 * in Deno 2.9), and its `node:dgram` only the receive after the next datagram.
 * There the adapter unrefs every receive from the start, and this timer keeps
 * the process alive while the socket is referenced.
 *
 * @module
 */

/** The longest delay timers accept: the timer only has to exist, never to fire. */
const FOREVER = 2_147_483_647;

/** Keeps the process alive from creation until {@linkcode KeepAlive.unref}. */
export class KeepAlive {
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts referenced, as a freshly bound socket is. */
  constructor() {
    this.ref();
  }

  /** Keeps the process alive (again); idempotent. */
  ref(): void {
    this.#timer ??= setInterval(() => {}, FOREVER);
  }

  /** Lets the process exit; idempotent. Also what closing the socket calls. */
  unref(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
