/**
 * Text ↔ bytes for IP addresses. IPv6 text follows RFC 5952 (lower case,
 * longest run of zero groups compressed, embedded IPv4 accepted on input).
 *
 * @module
 */

/** Parses dotted-quad IPv4 text into `out[offset..offset+4)`; false if invalid. */
export function parseIPv4(text: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "."
    if (c === 46) {
      if (digits === 0 || index > 3) return false;
      out[offset + index++] = part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // "01" is ambiguous (octal in some parsers): reject leading zeros.
      if (digits > 0 && part === 0) return false;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return false;
    } else {
      return false;
    }
  }
  return index === 4;
}

/** Formats 4 bytes as dotted-quad text. */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** Parses IPv6 text (RFC 4291 §2.2 forms) into 16 bytes at `out[offset]`; false if invalid. */
export function parseIPv6(text: string, out: Uint8Array, offset: number): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.startsWith("::")) {
    gap = 0;
    i = 2;
    if (text.length === 2) {
      out.fill(0, offset, offset + 16);
      return true;
    }
  } else if (text.charCodeAt(0) === 58) {
    return false;
  }
  while (i < text.length) {
    const rest = text.slice(i);
    const colon = rest.indexOf(":");
    const piece = colon === -1 ? rest : rest.slice(0, colon);
    if (piece.includes(".")) {
      // Embedded IPv4 (RFC 4291 §2.2 form 3) must be the last piece.
      if (colon !== -1 || groups.length > 6) return false;
      const v4 = new Uint8Array(4);
      if (!parseIPv4(piece, v4, 0)) return false;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      i = text.length;
      break;
    }
    if (piece.length === 0 || piece.length > 4 || !/^[0-9a-fA-F]+$/.test(piece)) return false;
    groups.push(parseInt(piece, 16));
    if (colon === -1) {
      i = text.length;
      break;
    }
    i += colon + 1;
    if (text.charCodeAt(i) === 58) {
      if (gap !== -1) return false; // a second "::"
      gap = groups.length;
      i++;
      if (i === text.length) break;
    } else if (i === text.length) {
      return false; // trailing single ":"
    }
  }
  if (gap === -1 ? groups.length !== 8 : groups.length > 7) return false;
  const missing = 8 - groups.length;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    const value = gap !== -1 && k >= gap && k < gap + missing ? 0 : groups[g++]!;
    out[offset + 2 * k] = value >> 8;
    out[offset + 2 * k + 1] = value & 0xff;
  }
  return true;
}

/** Formats 16 bytes as RFC 5952 IPv6 text. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const groups = new Array<number>(8);
  for (let k = 0; k < 8; k++) {
    groups[k] = (bytes[offset + 2 * k]! << 8) | bytes[offset + 2 * k + 1]!;
  }
  // RFC 5952 §4.2: compress the longest run of two or more zero groups (the first on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8;) {
    if (groups[k] !== 0) {
      k++;
      continue;
    }
    let end = k;
    while (end < 8 && groups[end] === 0) end++;
    if (end - k > bestLength) {
      bestStart = k;
      bestLength = end - k;
    }
    k = end;
  }
  if (bestStart === -1) return groups.map((g) => g.toString(16)).join(":");
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(":");
  const tail = groups.slice(bestStart + bestLength).map((g) => g.toString(16)).join(":");
  return `${head}::${tail}`;
}
