// Type names of the ATTRIBUTE line, with the aliases FreeRADIUS 3.2 accepts
// (`dict_attr_types[]` in src/lib/dict.c); lookups are case-insensitive there
// (`fr_str2int` uses strcasecmp), which is why `String` appears in the Debian
// tree.
import type { AttributeType } from "./model.ts";

/** Every accepted type name, lower-cased, to the type it means. */
export const TYPE_NAMES: ReadonlyMap<string, AttributeType> = new Map<string, AttributeType>([
  ["string", "string"],
  ["octets", "octets"],
  ["ipaddr", "ipaddr"],
  ["ipv4prefix", "ipv4prefix"],
  ["cidr", "ipv4prefix"],
  ["ipv6addr", "ipv6addr"],
  ["ipv6prefix", "ipv6prefix"],
  ["ifid", "ifid"],
  ["ether", "ether"],
  ["integer", "integer"],
  ["uint32", "integer"],
  ["signed", "signed"],
  ["int32", "signed"],
  ["short", "short"],
  ["uint16", "short"],
  ["byte", "byte"],
  ["uint8", "byte"],
  ["integer64", "integer64"],
  ["uint64", "integer64"],
  ["date", "date"],
  // FreeRADIUS 3.2.9+ (`PW_TYPE_BOOLEAN`): one octet, 0 is false (src/lib/radius.c).
  ["bool", "bool"],
  ["combo-ip", "combo-ip"],
  ["abinary", "abinary"],
  ["tlv", "tlv"],
  ["vsa", "vsa"],
  ["extended", "extended"],
  ["long-extended", "long-extended"],
  ["evs", "evs"],
]);

/** Types that only contain other attributes and take no value of their own. */
export const CONTAINER_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>([
  "vsa",
  "extended",
  "long-extended",
  "evs",
]);

/**
 * The inclusive range of `VALUE` numbers per type. FreeRADIUS 3.2 allows
 * VALUEs on bool (0 and 1), byte, short, integer and (for dictionary.cablelabs) octets;
 * radkit also allows signed and integer64, whose numbers the model can hold.
 */
export const VALUE_RANGES: ReadonlyMap<AttributeType, readonly [bigint, bigint]> = new Map<
  AttributeType,
  readonly [bigint, bigint]
>([
  ["bool", [0n, 1n]],
  ["byte", [0n, 0xffn]],
  ["short", [0n, 0xffffn]],
  ["integer", [0n, 0xffffffffn]],
  ["octets", [0n, 0xffffffffn]],
  ["signed", [-0x80000000n, 0x7fffffffn]],
  ["integer64", [0n, 0xffffffffffffffffn]],
]);
