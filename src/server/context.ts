/**
 * What the server tells a handler (and the `onError` hook) about a request
 * besides the packet itself.
 *
 * @module
 */
import type { Packet } from "../packet.ts";
import type { PortName } from "../ports.ts";
import type { Address } from "../transport.ts";
import type { TlsDetails } from "../stream_transport.ts";
import type { NasSettings } from "./nas_table.ts";

/**
 * What a handler learns about a request besides the packet itself.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, type RequestContext, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const contexts: RequestContext[] = [];
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret", name: "lab" }],
 *   handleAccessRequest(request, context) {
 *     contexts.push(context);
 *     return request.reply(Code.AccessAccept);
 *   },
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * await client.accessRequest({ "User-Name": "bob" }).finally(() => client.close());
 * const [context] = contexts;
 * assert.equal(context?.nasName, "lab");
 * assert.equal(context?.port, "auth");
 * assert.equal(context?.local.port, 1812);
 * assert.equal(context?.from.hostname, "127.0.0.1");
 * assert.equal(context?.signal.aborted, false);
 * await server.close();
 * ```
 */
export interface RequestContext {
  /** The NAS entry that matched, as given (or as the lookup function returned it). */
  readonly nas: NasSettings;
  /** The NAS's name: its `name`, else the entry's `address` or the source address. */
  readonly nasName: string;
  /** The source of the request; the reply goes back there. */
  readonly from: Address;
  /**
   * Which port received it; over TCP and TLS, which one it would be for
   * (one connection carries every kind of request).
   */
  readonly port: PortName;
  /** The local address of that port (or of the connection). */
  readonly local: Address;
  /** What carried it: `"udp"`, `"tcp"` (RFC 6613) or `"tls"` (RFC 6614). */
  readonly transport: "udp" | "tcp" | "tls";
  /**
   * Over TLS, the session: protocol, ALPN and the client's certificate
   * (which the server has already checked against the client's entry).
   */
  readonly tls: TlsDetails | undefined;
  /**
   * Aborts when the server gives up on this request: when
   * {@linkcode Server.close} has waited `closeTimeout` for the handler and
   * closes anyway (the reply would never be sent). That is the only case;
   * a request the handler finishes is never aborted. Pass it on to
   * cancellable work (`fetch(url, { signal })`, a database query) so that
   * it stops too. Its `reason` is a `DOMException` named `"AbortError"`.
   */
  readonly signal: AbortSignal;
}

/**
 * What {@linkcode ServerOptions.onError} learns about a failed request: its
 * {@linkcode RequestContext} and the request itself.
 *
 * @example Usage
 * ```ts
 * import { Client, Dictionary, type HandlerErrorContext, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const failures: string[] = [];
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret", name: "lab" }],
 *   handleAccessRequest() {
 *     throw new Error("database down");
 *   },
 *   onError(error, context: HandlerErrorContext) {
 *     failures.push(`${context.request.codeName} from ${context.nasName}: ${(error as Error).message}`);
 *   },
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret", retries: 0, timeout: 50 });
 * await assert.rejects(client.accessRequest({ "User-Name": "bob" }));
 * assert.deepEqual(failures, ["Access-Request from lab: database down"]);
 * await client.close();
 * await server.close();
 * ```
 */
export interface HandlerErrorContext extends RequestContext {
  /** The request whose handling failed. */
  readonly request: Packet;
}

/**
 * The server's context object. The AbortController behind `signal` is made
 * only when a handler reads it: most never do, and one per request would
 * cost every request.
 */
export class Context implements HandlerErrorContext {
  readonly nas: NasSettings;
  readonly nasName: string;
  readonly from: Address;
  readonly port: PortName;
  readonly local: Address;
  readonly transport: "udp" | "tcp" | "tls";
  readonly tls: TlsDetails | undefined;
  readonly request: Packet;
  #controller: AbortController | undefined;
  #reason: unknown;
  #abandoned = false;

  constructor(
    nas: NasSettings,
    nasName: string,
    from: Address,
    port: PortName,
    local: Address,
    request: Packet,
    transport: "udp" | "tcp" | "tls" = "udp",
    tls: TlsDetails | undefined = undefined,
  ) {
    this.nas = nas;
    this.nasName = nasName;
    this.from = from;
    this.port = port;
    this.local = local;
    this.request = request;
    this.transport = transport;
    this.tls = tls;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abandoned) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the signal (now, or as soon as a handler reads it). */
  abandon(reason: unknown): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
