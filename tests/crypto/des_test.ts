import { test } from "node:test";
import assert from "node:assert/strict";
import { desEncryptBlock } from "../../src/crypto/mod.ts";
import { expandDesKey } from "../../src/crypto/des.ts";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const bytes = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const encrypt = (key: string, plain: string): string =>
  hex(desEncryptBlock(bytes(key), bytes(plain)));

// NIST SP 800-20 (the NBS known-answer tests of FIPS 46-3 DES), Appendix A.
// Table A.1, the Variable Plaintext test: key 0101…01 (all key bits zero),
// plaintext bit i set; these are the ciphertexts for i = 1..64.
const tableA1 = [
  "95f8a5e5dd31d900",
  "dd7f121ca5015619",
  "2e8653104f3834ea",
  "4bd388ff6cd81d4f",
  "20b9e767b2fb1456",
  "55579380d77138ef",
  "6cc5defaaf04512f",
  "0d9f279ba5d87260",
  "d9031b0271bd5a0a",
  "424250b37c3dd951",
  "b8061b7ecd9a21e5",
  "f15d0f286b65bd28",
  "add0cc8d6e5deba1",
  "e6d5f82752ad63d1",
  "ecbfe3bd3f591a5e",
  "f356834379d165cd",
  "2b9f982f20037fa9",
  "889de068a16f0be6",
  "e19e275d846a1298",
  "329a8ed523d71aec",
  "e7fce22557d23c97",
  "12a9f5817ff2d65d",
  "a484c3ad38dc9c19",
  "fbe00a8a1ef8ad72",
  "750d079407521363",
  "64feed9c724c2faf",
  "f02b263b328e2b60",
  "9d64555a9a10b852",
  "d106ff0bed5255d7",
  "e1652c6b138c64a5",
  "e428581186ec8f46",
  "aeb5f5ede22d1a36",
  "e943d7568aec0c5c",
  "df98c8276f54b04b",
  "b160e4680f6c696f",
  "fa0752b07d9c4ab8",
  "ca3a2b036dbc8502",
  "5e0905517bb59bcf",
  "814eeb3b91d90726",
  "4d49db1532919c9f",
  "25eb5fc3f8cf0621",
  "ab6a20c0620d1c6f",
  "79e90dbc98f92cca",
  "866ecedd8072bb0e",
  "8b54536f2f3e64a8",
  "ea51d3975595b86b",
  "caffc6ac4542de31",
  "8dd45a2ddf90796c",
  "1029d55e880ec2d0",
  "5d86cb23639dbea9",
  "1d1ca853ae7c0c5f",
  "ce332329248f3228",
  "8405d1abe24fb942",
  "e643d78090ca4207",
  "48221b9937748a23",
  "dd7c0bbd61fafd54",
  "2fbc291a570db5c4",
  "e07c30d7e4e26e12",
  "0953e2258e8e90a1",
  "5b711bc4ceebf2ee",
  "cc083f1e6d9e85f6",
  "d2fd8867d50d2dfe",
  "06e7ea22ce92708f",
  "166b40b44aba4bd6",
];

// Table A.2, the Variable Key test: plaintext 0, key bit i set (parity bits skipped).
const tableA2: ReadonlyArray<readonly [string, string]> = [
  ["8001010101010101", "95a8d72813daa94d"],
  ["4001010101010101", "0eec1487dd8c26d5"],
  ["2001010101010101", "7ad16ffb79c45926"],
  ["1001010101010101", "d3746294ca6a6cf3"],
  ["0801010101010101", "809f5f873c1fd761"],
  ["0401010101010101", "c02faffec989d1fc"],
  ["0201010101010101", "4615aa1d33e72f10"],
  ["0180010101010101", "2055123350c00858"],
  ["0140010101010101", "df3b99d6577397c8"],
  ["0120010101010101", "31fe17369b5288c9"],
  ["0110010101010101", "dfdd3cc64dae1642"],
  ["0108010101010101", "178c83ce2b399d94"],
  ["0104010101010101", "50f636324a9b7f80"],
  ["0102010101010101", "a8468ee3bc18f06d"],
  ["0101800101010101", "a2dc9e92fd3cde92"],
  ["0101400101010101", "cac09f797d031287"],
  ["0101200101010101", "90ba680b22aeb525"],
  ["0101100101010101", "ce7a24f350e280b6"],
  ["0101080101010101", "882bff0aa01a0b87"],
  ["0101040101010101", "25610288924511c2"],
  ["0101020101010101", "c71516c29c75d170"],
  ["0101018001010101", "5199c29a52c9f059"],
  ["0101014001010101", "c22f0a294a71f29f"],
  ["0101012001010101", "ee371483714c02ea"],
  ["0101011001010101", "a81fbd448f9e522f"],
  ["0101010801010101", "4f644c92e192dfed"],
  ["0101010401010101", "1afa9a66a6df92ae"],
  ["0101010201010101", "b3c1cc715cb879d8"],
  ["0101010180010101", "19d032e64ab0bd8b"],
  ["0101010140010101", "3cfaa7a7dc8720dc"],
  ["0101010120010101", "b7265f7f447ac6f3"],
  ["0101010110010101", "9db73b3c0d163f54"],
  ["0101010108010101", "8181b65babf4a975"],
  ["0101010104010101", "93c9b64042eaa240"],
  ["0101010102010101", "5570530829705592"],
  ["0101010101800101", "8638809e878787a0"],
  ["0101010101400101", "41b9a79af79ac208"],
  ["0101010101200101", "7a9be42f2009a892"],
  ["0101010101100101", "29038d56ba6d2745"],
  ["0101010101080101", "5495c6abf1e5df51"],
  ["0101010101040101", "ae13dbd561488933"],
  ["0101010101020101", "024d1ffa8904e389"],
  ["0101010101018001", "d1399712f99bf02e"],
  ["0101010101014001", "14c1d7c1cffec79e"],
  ["0101010101012001", "1de5279dae3bed6f"],
  ["0101010101011001", "e941a33f85501303"],
  ["0101010101010801", "da99dbbc9a03f379"],
  ["0101010101010401", "b7fc92f91d8e92e9"],
  ["0101010101010201", "ae8e5caa3ca04e85"],
  ["0101010101010180", "9cc62df43b6eed74"],
  ["0101010101010140", "d863dbb5c59a91a0"],
  ["0101010101010120", "a1ab2190545b91d7"],
  ["0101010101010110", "0875041e64c570f7"],
  ["0101010101010108", "5a594528bebef1cc"],
  ["0101010101010104", "fcdb3291de21f0c0"],
  ["0101010101010102", "869efd7f9f265a09"],
];

// Table A.3, the Permutation Operation test: plaintext 0.
const tableA3: ReadonlyArray<readonly [string, string]> = [
  ["1046913489980131", "88d55e54f54c97b4"],
  ["1007103489988020", "0c0cc00c83ea48fd"],
  ["10071034c8980120", "83bc8ef3a6570183"],
  ["1046103489988020", "df725dcad94ea2e9"],
  ["1086911519190101", "e652b53b550be8b0"],
  ["1086911519580101", "af527120c485cbb0"],
  ["5107b01519580101", "0f04ce393db926d5"],
  ["1007b01519190101", "c9f00ffc74079067"],
  ["3107915498080101", "7cfd82a593252b4e"],
  ["3107919498080101", "cb49a2f9e91363e3"],
  ["10079115b9080140", "00b588be70d23f56"],
  ["3107911598080140", "406a9a6ab43399ae"],
  ["1007d01589980101", "6cb773611dca9ada"],
  ["9107911589980101", "67fd21c17dbb5d70"],
  ["9107d01589190101", "9592cb4110430787"],
  ["1007d01598980120", "a6b7ff68a318ddd3"],
  ["1007940498190101", "4d102196c914ca16"],
  ["0107910491190401", "2dfa9f4573594965"],
  ["0107910491190101", "b46604816c0e0774"],
  ["0107940491190401", "6e7e6221a4f34e87"],
  ["19079210981a0101", "aa85e74643233199"],
  ["1007911998190801", "2e5a19db4d1962d6"],
  ["10079119981a0801", "23a866a809d30894"],
  ["1007921098190101", "d812d961f017d320"],
  ["100791159819010b", "055605816e58608f"],
  ["1004801598190101", "abd88e8b1b7716f1"],
  ["1004801598190102", "537ac95be69da1e1"],
  ["1004801598190108", "aed0f6ae3c25cdd8"],
  ["1002911598100104", "b3e35a5ee53e7b8d"],
  ["1002911598190104", "61c79c71921a2ef8"],
  ["1002911598100201", "e2f5728f0995013c"],
  ["1002911698100101", "1aeac39a61f0a464"],
];

// Table A.4, the Substitution Table test: key, plaintext, ciphertext.
const tableA4: ReadonlyArray<readonly [string, string, string]> = [
  ["7ca110454a1a6e57", "01a1d6d039776742", "690f5b0d9a26939b"],
  ["0131d9619dc1376e", "5cd54ca83def57da", "7a389d10354bd271"],
  ["07a1133e4a0b2686", "0248d43806f67172", "868ebb51cab4599a"],
  ["3849674c2602319e", "51454b582ddf440a", "7178876e01f19b2a"],
  ["04b915ba43feb5b6", "42fd443059577fa2", "af37fb421f8c4095"],
  ["0113b970fd34f2ce", "059b5e0851cf143a", "86a560f10ec6d85b"],
  ["0170f175468fb5e6", "0756d8e0774761d2", "0cd3da020021dc09"],
  ["43297fad38e373fe", "762514b829bf486a", "ea676b2cb7db2b7a"],
  ["07a7137045da2a16", "3bdd119049372802", "dfd64a815caf1a0f"],
  ["04689104c2fd3b2f", "26955f6835af609a", "5c513c9c4886c088"],
  ["37d06bb516cb7546", "164d5e404f275232", "0a2aeeae3ff4ab77"],
  ["1f08260d1ac2465e", "6b056e18759f5cca", "ef1bf03e5dfa575a"],
  ["584023641aba6176", "004bd6ef09176062", "88bf0db6d70dee56"],
  ["025816164629b007", "480d39006ee762f2", "a1f9915541020b56"],
  ["49793ebc79b3258f", "437540c8698f3cfa", "6fbf1cafcffd0556"],
  ["4fb05e1515ab73a7", "072d43a077075292", "2f22e49bab7ca1ac"],
  ["49e95d6d4ca229bf", "02fe55778117f12a", "5a6b612cc26cce4a"],
  ["018310dc409b26d6", "1d9d5c5018f728c2", "5f4c038ed12b2e41"],
  ["1c587f1c13924fef", "305532286d6f295a", "63fac0d034d9f793"],
];

test("desEncryptBlock() passes NIST SP 800-20 Table A.1 (variable plaintext)", () => {
  for (let i = 0; i < 64; i++) {
    const plain = new Uint8Array(8);
    plain[i >> 3] = 0x80 >> (i & 7);
    assert.equal(encrypt("0101010101010101", hex(plain)), tableA1[i], `bit ${i + 1}`);
  }
});

test("desEncryptBlock() passes NIST SP 800-20's inverse permutation test (Table A.1 back)", () => {
  // With the weak key 0101…01, encryption is an involution: each Table A.1
  // ciphertext encrypts back to its plaintext.
  for (let i = 0; i < 64; i++) {
    const plain = new Uint8Array(8);
    plain[i >> 3] = 0x80 >> (i & 7);
    assert.equal(encrypt("0101010101010101", tableA1[i]!), hex(plain), `bit ${i + 1}`);
  }
});

test("desEncryptBlock() passes NIST SP 800-20 Table A.2 (variable key)", () => {
  for (const [key, cipher] of tableA2) {
    assert.equal(encrypt(key, "0000000000000000"), cipher, `key ${key}`);
  }
});

test("desEncryptBlock() passes NIST SP 800-20 Table A.3 (permutation operation)", () => {
  for (const [key, cipher] of tableA3) {
    assert.equal(encrypt(key, "0000000000000000"), cipher, `key ${key}`);
  }
});

test("desEncryptBlock() passes NIST SP 800-20 Table A.4 (substitution tables)", () => {
  for (const [key, plain, cipher] of tableA4) {
    assert.equal(encrypt(key, plain), cipher, `key ${key}`);
  }
});

test('desEncryptBlock() matches the classic "Now is t" and 133457799BBCDFF1 examples', () => {
  // FIPS 81 Appendix B: "Now is t" (4e6f772069732074) under 0123456789abcdef.
  assert.equal(encrypt("0123456789abcdef", "4e6f772069732074"), "3fa40e8a984d4815");
  // The worked example of J. Orlin Grabbe, "The DES Algorithm Illustrated".
  assert.equal(encrypt("133457799bbcdff1", "0123456789abcdef"), "85e813540f0ab405");
});

test("desEncryptBlock() ignores the parity bit of each key byte", () => {
  assert.equal(encrypt("0000000000000000", "0000000000000000"), "8ca64de9c1b123a7");
  assert.equal(encrypt("0101010101010101", "0000000000000000"), "8ca64de9c1b123a7");
  assert.equal(encrypt("fefefefefefefefe", "ffffffffffffffff"), "7359b2163e4edc58");
  assert.equal(encrypt("ffffffffffffffff", "ffffffffffffffff"), "7359b2163e4edc58");
});

test("a 7-byte key is MS-CHAP's 56 key bits, spread over 8 bytes with parity (RFC 2433 §A.6)", () => {
  const spread = new Uint8Array(8);
  expandDesKey(bytes("ffffffffffffff"), 0, spread, 0);
  assert.equal(hex(spread), "fefefefefefefefe"); // 7 ones each: odd parity already
  expandDesKey(bytes("00000000000000"), 0, spread, 0);
  assert.equal(hex(spread), "0101010101010101");
  // 0x80 then zeros: the first key bit alone, in the top bit of the first byte.
  expandDesKey(bytes("80000000000000"), 0, spread, 0);
  assert.equal(hex(spread), "8001010101010101");
  // The last key bit lands in bit 1 of the last byte.
  expandDesKey(bytes("00000000000001"), 0, spread, 0);
  assert.equal(hex(spread), "0101010101010102");
  // Encryption with the 7-byte form equals encryption with its spread form.
  const key7 = bytes("0123456789abcd");
  expandDesKey(key7, 0, spread, 0);
  const plain = bytes("4e6f772069732074");
  assert.deepEqual(desEncryptBlock(key7, plain), desEncryptBlock(spread, plain));
});

test("desEncryptBlock() writes into a given buffer at an offset, and may encrypt in place", () => {
  const key = bytes("0123456789abcdef");
  const out = new Uint8Array(12);
  assert.equal(desEncryptBlock(key, bytes("4e6f772069732074"), out, 2), out);
  assert.equal(hex(out), "00003fa40e8a984d48150000");
  const block = bytes("4e6f772069732074");
  desEncryptBlock(key, block, block);
  assert.equal(hex(block), "3fa40e8a984d4815");
});

test("desEncryptBlock() refuses wrong sizes with a message that says what to pass", () => {
  const block = new Uint8Array(8);
  assert.throws(
    () => desEncryptBlock(new Uint8Array(16), block),
    /8 bytes \(or the 7-byte MS-CHAP form\), got 16/,
  );
  assert.throws(
    () => desEncryptBlock(new Uint8Array(8), new Uint8Array(16)),
    /one 8-byte block, got 16/,
  );
  assert.throws(() => desEncryptBlock(new Uint8Array(8), block, new Uint8Array(10), 4), RangeError);
  // @ts-expect-error a string is not a key
  assert.throws(() => desEncryptBlock("01234567", block), TypeError);
});
