/**
 * Timers that do not keep an otherwise idle process alive.
 *
 * @module
 */

/**
 * Lets the process exit while only this timer is pending: `unref()` on
 * Node.js and Bun, whose timers are objects; `Deno.unrefTimer` on Deno,
 * whose timers are numbers.
 *
 * @param timer What `setTimeout` returned.
 *
 * @example Usage
 * ```ts ignore
 * unrefTimer(setTimeout(probe, 30000));
 * ```
 */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === "number") {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  } else {
    (timer as { unref?: () => void }).unref?.();
  }
}
