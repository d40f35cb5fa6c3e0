"""pyrad 2.1 as a NAS, for tests/server/pyrad_test.ts.

Usage: python3 pyrad_client.py  (JSON on stdin, JSON on stdout)

stdin:  {"host", "authport", "acctport", "secret", "password",
         "messageAuthenticator": true|false}
stdout: {"auth": {"code", "attributes"}, "acct": {"code"}}

Sends one PAP Access-Request and one Accounting-Request with pyrad's
Client, which retries and verifies each reply's Response Authenticator.

pyrad 2.1 has no Message-Authenticator support. With
"messageAuthenticator": true the Access-Request gets one here, in plain
Python (RFC 3579 section 3.2: HMAC-MD5 over the packet with the attribute
zeroed), the way a BlastRADIUS-safe NAS sends it. Without it, the server's
client entry must allow that (requireMessageAuthenticator: false).
"""

import hashlib
import hmac
import json
import os
import struct
import sys

from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARY = Dictionary(os.path.join(HERE, "fixtures", "pyrad.dictionary"))
MESSAGE_AUTHENTICATOR = 80


class SignedAuthPacket(packet.AuthPacket):
    """An AuthPacket whose datagram starts with a Message-Authenticator."""

    def RequestPacket(self):
        raw = packet.AuthPacket.RequestPacket(self)
        body = bytes([MESSAGE_AUTHENTICATOR, 18]) + b"\x00" * 16 + raw[20:]
        unsigned = raw[:2] + struct.pack("!H", 20 + len(body)) + raw[4:20] + body
        mac = hmac.new(self.secret, unsigned, hashlib.md5).digest()
        return unsigned[:22] + mac + unsigned[38:]


def attributes(reply):
    return {key: [str(value) for value in reply[key]] for key in reply.keys()}


def main():
    request = json.load(sys.stdin)
    client = Client(
        server=request["host"],
        authport=request["authport"],
        acctport=request["acctport"],
        secret=request["secret"].encode(),
        dict=DICTIONARY,
    )
    client.retries = 2
    client.timeout = 2

    auth = client.CreateAuthPacket(code=packet.AccessRequest, User_Name="bob")
    auth["User-Password"] = auth.PwCrypt(request["password"])
    auth["NAS-Identifier"] = "pyrad"
    if request["messageAuthenticator"]:
        auth.__class__ = SignedAuthPacket
    auth_reply = client.SendPacket(auth)

    acct = client.CreateAcctPacket(User_Name="bob")
    acct["Acct-Status-Type"] = "Start"
    acct["Acct-Session-Id"] = "pyrad-1"
    acct_reply = client.SendPacket(acct)

    json.dump({
        "auth": {"code": auth_reply.code, "attributes": attributes(auth_reply)},
        "acct": {"code": acct_reply.code},
    }, sys.stdout)


main()
