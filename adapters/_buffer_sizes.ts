/**
 * The `receiveBufferSize` and `sendBufferSize` bind options, checked once for
 * every adapter.
 *
 * @module
 */
import type { BindOptions } from "../src/transport.ts";

/** `SO_RCVBUF` and `SO_SNDBUF` take a C `int`. */
const MAX_BUFFER_SIZE = 2_147_483_647;

/** The buffer sizes a bind asks for, in bytes; `undefined` where the system default stays. */
export interface RequestedBufferSizes {
  /** `SO_RCVBUF`, if asked for. */
  readonly receive: number | undefined;
  /** `SO_SNDBUF`, if asked for. */
  readonly send: number | undefined;
}

/**
 * Reads the buffer sizes a bind asks for.
 *
 * @param options The bind options.
 * @returns The sizes, each `undefined` when left out.
 * @throws {RangeError} When a size is not an integer from 1 to 2,147,483,647.
 */
export function requestedBufferSizes(options: BindOptions): RequestedBufferSizes {
  return {
    receive: checked("receiveBufferSize", options.receiveBufferSize),
    send: checked("sendBufferSize", options.sendBufferSize),
  };
}

/**
 * The Error a bind rejects with when the runtime cannot set the buffer sizes
 * asked for: `code` `"ENOTSUP"`, and a message that says which runtime cannot
 * and what to do instead.
 *
 * @param where The address being bound, for the message.
 * @param requested What was asked for (at least one size).
 * @param why Which runtime cannot, and why.
 * @returns The Error to reject with.
 */
export function bufferSizesUnsupported(
  where: string,
  requested: RequestedBufferSizes,
  why: string,
): Error {
  const options: string[] = [];
  const sysctls: string[] = [];
  if (requested.receive !== undefined) {
    options.push("receiveBufferSize");
    sysctls.push(`net.core.rmem_default=${requested.receive}`);
  }
  if (requested.send !== undefined) {
    options.push("sendBufferSize");
    sysctls.push(`net.core.wmem_default=${requested.send}`);
  }
  const error = new Error(
    `Cannot bind ${where} with ${options.join(" and ")}: ${why}; leave the option out and ` +
      `raise the system default instead (Linux: sysctl -w ${sysctls.join(" ")}), ` +
      "or run on Node.js or Bun, which can set it",
  );
  return Object.assign(error, { code: "ENOTSUP" });
}

function checked(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_BUFFER_SIZE) {
    throw new RangeError(
      `Invalid ${name} ${value}: must be an integer number of bytes from 1 to ${MAX_BUFFER_SIZE}`,
    );
  }
  return value;
}
