/**
 * Byte strings joined end to end: TLS flights put together (records and
 * sealed application data), the Session-Id's parts.
 *
 * @module
 */

/** `parts` one after the other; a lone non-empty part is returned as it is. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const nonEmpty = parts.filter((part) => part.length > 0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const out = new Uint8Array(nonEmpty.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of nonEmpty) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
