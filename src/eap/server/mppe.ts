/**
 * An EAP method's MSK as the MS-MPPE-Recv-Key and MS-MPPE-Send-Key of the
 * Access-Accept (RFC 3748 §7.10, RFC 2548 §2.4.2–2.4.3; the split of
 * RFC 5216 §2.3): the first half of the MSK is the receive key, the second
 * the send key, 32 octets each at most, as hostapd's RADIUS server and
 * FreeRADIUS send them. A 64-octet MSK (EAP-TLS) gives two 32-octet keys;
 * EAP-MSCHAPv2's 32-octet MSK its two 16-octet MPPE start keys, which is
 * what wpa_supplicant and eapol_test expect.
 *
 * @module
 */
import type { DictionaryView } from "../../codec/attribute.ts";

/** The RADIUS attributes that carry an MSK to the NAS. */
export function mppeKeyAttributes(
  dictionary: DictionaryView<object>,
  msk: Uint8Array,
): Record<string, Uint8Array> {
  for (const name of ["MS-MPPE-Recv-Key", "MS-MPPE-Send-Key"]) {
    if (dictionary.attribute(name) === undefined) {
      throw new Error(
        `The dictionary has no ${name}, which carries the EAP method's keys: use Dictionary.default() or load dictionary.microsoft`,
      );
    }
  }
  const half = msk.length > 64 ? 32 : msk.length >> 1;
  return {
    "MS-MPPE-Recv-Key": msk.slice(0, half),
    "MS-MPPE-Send-Key": msk.slice(half, 2 * half),
  };
}
