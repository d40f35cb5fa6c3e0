"""pyrad side of tests/interop/codec_pyrad_test.ts.

Usage: python3 codec_pyrad.py build|decode  (JSON on stdin, JSON on stdout)

build:  {"secret", "values": {...}} -> {"access": hex, "chap": hex, "acct": hex}
        Packets built with pyrad 2.1 (AuthPacket / AcctPacket, PwCrypt,
        "Name:tag" keys for tagged attributes, vendor attributes).
decode: {"secret", "password", "packets": {label: hex}} -> {label: {...}}
        Each datagram read with pyrad 2.1 and reported as JSON values.

pyrad 2.1 lacks some things, done here in plain Python instead:
- Message-Authenticator (RFC 2869 section 5.14, RFC 3579 section 3.2): hmac.
- Tunnel-Password: Packet.SaltCrypt raises TypeError on Python 3
  (ord() of an int), and pyrad has no salt decryption; RFC 2868
  section 3.5 is implemented below.
- CHAP: pyrad has no CHAP-Password builder and AuthPacket.VerifyChapPasswd
  raises TypeError on Python 3 (it hashes a str); RFC 2865 section 2.2 /
  RFC 1994 is one MD5 below.
- Tags when decoding: pyrad 2.1 encodes "Name:tag" keys but decodes tagged
  values as if untagged, so tags are split off here (RFC 2868 section 3.1).
"""

import binascii
import hashlib
import hmac
import json
import os
import struct
import sys

from pyrad import packet as rp
from pyrad import tools
from pyrad.dictionary import Dictionary

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARY = Dictionary(os.path.join(HERE, "fixtures", "codec_pyrad.dictionary"))
MESSAGE_AUTHENTICATOR = 80
TUNNEL_PASSWORD = 69


def salt_encrypt(secret, vector, tag, salt, value):
    """RFC 2868 section 3.5: Tag, Salt, then the hidden length-prefixed value."""
    plain = bytes([len(value)]) + value
    plain += b"\x00" * (-len(plain) % 16)
    out = b""
    last = vector + salt
    for i in range(0, len(plain), 16):
        digest = hashlib.md5(secret + last).digest()
        block = bytes(a ^ b for a, b in zip(plain[i:i + 16], digest))
        out += block
        last = block
    return bytes([tag]) + salt + out


def salt_decrypt(secret, vector, raw):
    tag, salt, hidden = raw[0], raw[1:3], raw[3:]
    plain = b""
    last = vector + salt
    for i in range(0, len(hidden), 16):
        block = hidden[i:i + 16]
        digest = hashlib.md5(secret + last).digest()
        plain += bytes(a ^ b for a, b in zip(block, digest))
        last = block
    return {"tag": tag, "salt": salt[0] >= 0x80, "value": plain[1:1 + plain[0]].decode("utf-8")}


def attribute_offsets(datagram):
    """(type, value offset, value length) of each top-level attribute."""
    offset = 20
    length = struct.unpack("!H", datagram[2:4])[0]
    while offset < length:
        kind, size = datagram[offset], datagram[offset + 1]
        yield kind, offset + 2, size - 2
        offset += size


def message_authenticator(secret, datagram, vector=None):
    """HMAC-MD5 of the datagram with the MA zeroed (and the vector, if given, as authenticator)."""
    for kind, offset, size in attribute_offsets(datagram):
        if kind == MESSAGE_AUTHENTICATOR:
            data = bytearray(datagram)
            data[offset:offset + size] = b"\x00" * size
            if vector is not None:
                data[4:20] = vector
            return offset, hmac.new(secret, bytes(data), hashlib.md5).digest()
    return None, None


def chap_response(ident, password, challenge):
    return bytes([ident]) + hashlib.md5(bytes([ident]) + password + challenge).digest()


def build(secret, v):
    out = {}

    # Access-Request: PAP, tags, Tunnel-Password, VSAs, Message-Authenticator.
    req = rp.AuthPacket(code=rp.AccessRequest, id=v["id"], secret=secret,
                        authenticator=binascii.unhexlify(v["authenticator"]), dict=DICTIONARY)
    req.AddAttribute("Message-Authenticator", b"\x00" * 16)
    req.AddAttribute("User-Name", v["userName"])
    req.AddAttribute("User-Password", req.PwCrypt(v["password"]))
    req.AddAttribute("NAS-IP-Address", v["nasIp"])
    req.AddAttribute("NAS-Port", v["nasPort"])
    req.AddAttribute("Called-Station-Id", v["calledStationId"])
    for t in v["tunnels"]:
        req.AddAttribute("Tunnel-Type:%d" % t["tag"], t["type"])
        req.AddAttribute("Tunnel-Medium-Type:%d" % t["tag"], t["medium"])
        req.AddAttribute("Tunnel-Private-Group-Id:%d" % t["tag"], t["group"])
    req[TUNNEL_PASSWORD] = [salt_encrypt(secret, req.authenticator, v["tunnelPassword"]["tag"],
                                         b"\x85\x21", v["tunnelPassword"]["value"].encode())]
    req.AddAttribute("ADSL-Agent-Circuit-Id", v["circuitId"].encode())
    req.AddAttribute("Actual-Data-Rate-Upstream", v["rateUp"])
    req.AddAttribute("MS-RAS-Version", v["rasVersion"])
    raw = bytearray(req.RequestPacket())
    offset, mac = message_authenticator(secret, bytes(raw))
    raw[offset:offset + 16] = mac
    out["access"] = binascii.hexlify(bytes(raw)).decode()

    # Access-Request with CHAP against the Request Authenticator.
    chap = rp.AuthPacket(code=rp.AccessRequest, id=(v["id"] + 1) % 256, secret=secret,
                         authenticator=binascii.unhexlify(v["authenticator"]), dict=DICTIONARY)
    chap.AddAttribute("User-Name", v["userName"])
    chap.AddAttribute("CHAP-Password",
                      chap_response(v["chapIdent"], v["password"].encode(), chap.authenticator))
    chap.AddAttribute("Message-Authenticator", b"\x00" * 16)
    raw = bytearray(chap.RequestPacket())
    offset, mac = message_authenticator(secret, bytes(raw))
    raw[offset:offset + 16] = mac
    out["chap"] = binascii.hexlify(bytes(raw)).decode()

    # Accounting-Request: pyrad computes the Request Authenticator.
    acct = rp.AcctPacket(code=rp.AccountingRequest, id=(v["id"] + 2) % 256, secret=secret,
                         dict=DICTIONARY)
    for name, value in v["acct"]:
        acct.AddAttribute(name, value.encode() if name == "ADSL-Agent-Circuit-Id" else value)
    out["acct"] = binascii.hexlify(acct.RequestPacket()).decode()
    return out


def value_json(value):
    if isinstance(value, bytes):
        return "0x" + binascii.hexlify(value).decode()
    return value


def tagged(attr, raw):
    """Split an RFC 2868 tag off a has_tag value pyrad 2.1 left whole."""
    if attr.type == "integer":
        tag, value = raw[0], b"\x00" + raw[1:]
    elif raw and raw[0] <= 0x1F:
        tag, value = raw[0], raw[1:]
    else:
        tag, value = None, raw
    if attr.values.HasBackward(value):
        return tag, attr.values.GetBackward(value)
    return tag, tools.DecodeAttr(attr.type, value)


def decode(secret, password, datagram):
    code = datagram[0]
    cls = rp.AcctPacket if code == rp.AccountingRequest else rp.AuthPacket
    pkt = cls(secret=secret, dict=DICTIONARY, packet=datagram)
    result = {"code": pkt.code, "id": pkt.id, "attributes": []}
    for key in pkt.keys():
        if not isinstance(key, str):
            result["attributes"].append({"name": repr(key), "values": [value_json(v) for v in dict.__getitem__(pkt, key)]})
            continue
        attr = DICTIONARY.attributes[key]
        if key == "Tunnel-Password":
            vector = pkt.authenticator
            values = [salt_decrypt(secret, vector, raw) for raw in dict.__getitem__(pkt, pkt._EncodeKey(key))]
            result["tunnelPassword"] = values
            continue
        if attr.has_tag:
            pairs = [tagged(attr, raw) for raw in dict.__getitem__(pkt, pkt._EncodeKey(key))]
            result["attributes"].append({"name": key, "values": [{"tag": t, "value": value_json(v)} for t, v in pairs]})
            continue
        result["attributes"].append({"name": key, "values": [value_json(v) for v in pkt[key]]})
    if "User-Password" in pkt:
        result["userPassword"] = pkt.PwDecrypt(pkt["User-Password"][0])
    if "CHAP-Password" in pkt:
        given = pkt["CHAP-Password"][0]
        challenge = pkt["CHAP-Challenge"][0] if "CHAP-Challenge" in pkt else pkt.authenticator
        result["chapValid"] = given == chap_response(given[0], password.encode(), challenge)
    if code == rp.AccountingRequest:
        result["acctValid"] = pkt.VerifyAcctRequest()
    offset, mac = message_authenticator(secret, datagram, None if code == rp.AccessRequest else b"\x00" * 16)
    if offset is not None:
        result["messageAuthenticatorValid"] = mac == datagram[offset:offset + 16]
    return result


def main():
    request = json.load(sys.stdin)
    secret = request["secret"].encode()
    if sys.argv[1] == "build":
        out = build(secret, request["values"])
    else:
        out = {label: decode(secret, request["password"], binascii.unhexlify(hexa))
               for label, hexa in request["packets"].items()}
    json.dump(out, sys.stdout)


main()
