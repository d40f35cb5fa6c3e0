/**
 * The bytes of a request that outlives the transport's datagram callback.
 *
 * A transport hands each datagram over (see `DatagramTransport`), but the
 * `data` may be a view into a larger block: Deno's adapter receives
 * datagram after datagram into 128 KiB blocks, and any runtime hands a
 * datagram padded past its Length field (RFC 2865 §3: padding, ignored) in
 * one buffer with its padding. A decoded request views those bytes, so a
 * request that waits (an async client lookup, an async handler) would keep
 * the whole block alive. Such requests get a copy of their Length bytes;
 * requests handled within the callback keep the view, copy-free.
 *
 * @module
 */

/**
 * The packet's bytes on their own: `data` itself when nothing else shares
 * its buffer, else a copy of its first `length` bytes.
 *
 * @param data The datagram as the transport handed it over.
 * @param length The packet's Length field (checked).
 * @returns Bytes whose buffer holds the packet only.
 */
export function ownBytes(data: Uint8Array, length: number): Uint8Array {
  return data.buffer.byteLength > length ? data.slice(0, length) : data;
}

const AsyncFunction = (async () => {}).constructor;

/**
 * Whether `handler` is an `async` function, whose requests always outlive
 * the callback.
 *
 * @param handler A request handler.
 * @returns `true` for an async function (also when bound).
 */
export function isAsyncFunction(handler: unknown): boolean {
  return handler instanceof AsyncFunction;
}
