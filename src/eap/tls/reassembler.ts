/**
 * Incoming EAP-TLS fragments joined into one TLS message (RFC 5216 §2.1.5,
 * §3.1), within bounds on the total size and the number of fragments: a
 * peer cannot make the server hold more than `maxMessageLength` octets for
 * a conversation, nor keep it acknowledging forever.
 *
 * @module
 */
import { EapTlsError } from "./eap_tls_error.ts";
import type { EapTlsFrame } from "./frame.ts";

/**
 * The default bound on a reassembled TLS message: 64 KiB, as hostapd's
 * (a certificate chain is a few KiB; TLS 1.3's largest handshake flight
 * with a long chain stays well under it).
 */
export const DEFAULT_MAX_MESSAGE_LENGTH = 65_536;
/**
 * The default bound on fragments per message: 64 KiB in fragments of 512
 * octets (a peer's choice: wpa_supplicant sends 1,398 by default). An EAP
 * server's `maxRounds` bounds the whole conversation as well.
 */
export const DEFAULT_MAX_FRAGMENTS = 128;

/** The bounds of a {@linkcode TlsReassembler}. */
export interface ReassemblyLimits {
  /** Octets of one TLS message (default {@linkcode DEFAULT_MAX_MESSAGE_LENGTH}). */
  readonly maxMessageLength?: number;
  /** Fragments of one TLS message (default {@linkcode DEFAULT_MAX_FRAGMENTS}). */
  readonly maxFragments?: number;
}

/**
 * Joins fragments. {@linkcode TlsReassembler.push} answers `undefined`
 * while more are due (the caller then acknowledges the fragment) and the
 * whole message with the last one; after a throw the reassembler is empty
 * again, but a conversation that met one should end.
 */
export class TlsReassembler {
  readonly #maxMessageLength: number;
  readonly #maxFragments: number;
  #parts: Uint8Array[] = [];
  #received = 0;
  #declared: number | undefined;

  /** Creates a reassembler with these bounds. */
  constructor(limits: ReassemblyLimits = {}) {
    this.#maxMessageLength = limits.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.#maxFragments = limits.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
  }

  /** Whether fragments of an unfinished message are held. */
  get pending(): boolean {
    return this.#parts.length > 0;
  }

  /**
   * Takes the next fragment.
   *
   * @returns The whole TLS message after the last fragment, else `undefined`.
   * @throws {EapTlsError} `tls-length-inconsistent`, `tls-message-too-long`,
   * `tls-too-many-fragments` or `tls-empty-fragment`.
   */
  push(frame: EapTlsFrame): Uint8Array | undefined {
    try {
      return this.#push(frame);
    } catch (error) {
      this.#reset();
      throw error;
    }
  }

  #push(frame: EapTlsFrame): Uint8Array | undefined {
    const first = this.#parts.length === 0;
    const declared = frame.messageLength;
    if (declared !== undefined) {
      if (declared > this.#maxMessageLength) {
        throw new EapTlsError(
          "tls-message-too-long",
          `a TLS Message Length of ${declared} octets is over the bound of ${this.#maxMessageLength}`,
        );
      }
      if (!first && this.#declared !== undefined && declared !== this.#declared) {
        throw new EapTlsError(
          "tls-length-inconsistent",
          `a fragment says the TLS message is ${declared} octets, the first said ${this.#declared}`,
        );
      }
      if (first) this.#declared = declared;
    }
    if (frame.more && frame.data.length === 0) {
      throw new EapTlsError("tls-empty-fragment", "a fragment with the M flag carries no TLS data");
    }
    if (this.#parts.length + 1 > this.#maxFragments) {
      throw new EapTlsError(
        "tls-too-many-fragments",
        `more than ${this.#maxFragments} fragments for one TLS message`,
      );
    }
    const received = this.#received + frame.data.length;
    if (received > this.#maxMessageLength) {
      throw new EapTlsError(
        "tls-message-too-long",
        `over ${this.#maxMessageLength} octets of TLS data in one message`,
      );
    }
    if (this.#declared !== undefined && received > this.#declared) {
      throw new EapTlsError(
        "tls-length-inconsistent",
        `${received} octets received for a TLS message said to be ${this.#declared}`,
      );
    }
    if (frame.more) {
      this.#parts.push(frame.data.slice());
      this.#received = received;
      return undefined;
    }
    if (this.#declared !== undefined && received !== this.#declared) {
      throw new EapTlsError(
        "tls-length-inconsistent",
        `the last fragment ends the TLS message at ${received} octets, it was said to be ${this.#declared}`,
      );
    }
    const message = new Uint8Array(received);
    let offset = 0;
    for (const part of this.#parts) {
      message.set(part, offset);
      offset += part.length;
    }
    message.set(frame.data, offset);
    this.#reset();
    return message;
  }

  #reset(): void {
    this.#parts = [];
    this.#received = 0;
    this.#declared = undefined;
  }
}
