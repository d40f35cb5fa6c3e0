/**
 * Where the server's pipeline takes requests from and sends replies to: a
 * UDP port, or one TCP/TLS connection.
 *
 * @module
 */
import type { PortName } from "../ports.ts";
import type { TlsDetails } from "../stream_transport.ts";
import type { Address } from "../transport.ts";
import type { DropReason } from "./stats.ts";

/** How requests arrived: the transport under RADIUS. */
export type TransportKind = "udp" | "tcp" | "tls";

/** Sends replies: a bound UDP socket, or a connection (which ignores `to`). */
export interface ReplySink {
  readonly local: Address;
  send(
    data: Uint8Array,
    to: { readonly hostname: string; readonly port: number },
  ): Promise<void> | void;
}

/** One source of requests, as the pipeline sees it. */
export interface Listener {
  /** The port the request counts as received on (a stream carries all of them). */
  readonly port: PortName;
  /** Prefix of duplicate-cache keys: per UDP port, or per connection (RFC 6613 §2.6.1). */
  readonly tag: string;
  readonly transport: TransportKind;
  socket: ReplySink | undefined;
  /** Datagrams delivered before `bind` resolved. */
  early: [Uint8Array, Address][] | undefined;
  /** The peer of a connection (a UDP port has none: each datagram has its own). */
  readonly peer?: Address | undefined;
  /** The TLS session the requests came over. */
  readonly tls?: TlsDetails | undefined;
  /** RADIUS/1.1 (RFC 9765) was negotiated: Tokens, no secret, nothing hidden. */
  readonly radius11?: boolean | undefined;
  /** The request's Token, for a RADIUS/1.1 listener (one per request). */
  readonly token?: number | undefined;
  /**
   * Told each request's outcome once it is final: a reply handed over
   * (`undefined`) or a drop (its reason). Streams count requests in flight
   * per connection with it, and close a connection that sent an invalid
   * packet.
   */
  settled?(reason: DropReason | undefined): void;
}
