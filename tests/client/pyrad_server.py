"""A small RADIUS server built on pyrad 2.1, for tests/client/pyrad_test.ts.

Usage: python3 pyrad_server.py SECRET
Binds 127.0.0.1 on three free ports, prints {"auth", "acct", "coa"} as one
JSON line, then answers until its stdin closes:

- Access-Request: the request's Message-Authenticator must verify (else the
  request is dropped); bob/hello gets Access-Accept with Reply-Message
  "Hello, bob", anything else Access-Reject with "Denied".
- Status-Server (auth port): Access-Accept.
- Accounting-Request: the Request Authenticator must verify (pyrad's
  VerifyAcctRequest); Accounting-Response echoing Acct-Status-Type as
  Reply-Message "acct <status>" (the VALUE name, as pyrad decodes it).
- CoA-Request: CoA-ACK for User-Name bob, else CoA-NAK; Disconnect-Request:
  Disconnect-ACK. The Request Authenticator must verify (VerifyCoARequest).

Requests are decoded and replies built with pyrad (AuthPacket, AcctPacket,
CoAPacket, CreateReply, PwDecrypt, ReplyPacket). pyrad 2.1 has no
Message-Authenticator support, so it is verified and added here in plain
Python (RFC 3579 section 3.2, RFC 5997 section 3).
"""

import hashlib
import hmac
import json
import os
import select
import socket
import struct
import sys

from pyrad import packet as rp
from pyrad.dictionary import Dictionary

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARY = Dictionary(os.path.join(HERE, "..", "interop", "fixtures", "codec_pyrad.dictionary"))
MESSAGE_AUTHENTICATOR = 80
STATUS_SERVER = 12
DISCONNECT_REQUEST, DISCONNECT_ACK = 40, 41


def find_attribute(data, wanted):
    offset = 20
    length = struct.unpack("!H", data[2:4])[0]
    while offset + 2 <= length:
        if data[offset] == wanted:
            return offset + 2
        offset += data[offset + 1]
    return None


def request_message_authenticator_ok(data, secret):
    offset = find_attribute(data, MESSAGE_AUTHENTICATOR)
    if offset is None:
        return False
    zeroed = bytearray(data)
    zeroed[offset:offset + 16] = b"\x00" * 16
    mac = hmac.new(secret, bytes(zeroed), hashlib.md5).digest()
    return hmac.compare_digest(mac, data[offset:offset + 16])


def with_message_authenticator(raw, request_authenticator, secret):
    """Appends a Message-Authenticator to a pyrad reply and re-signs it."""
    out = bytearray(raw) + bytes([MESSAGE_AUTHENTICATOR, 18]) + b"\x00" * 16
    struct.pack_into("!H", out, 2, len(out))
    signed = bytearray(out)
    signed[4:20] = request_authenticator
    out[-16:] = hmac.new(secret, bytes(signed), hashlib.md5).digest()
    out[4:20] = hashlib.md5(bytes(out[0:4]) + request_authenticator + bytes(out[20:]) + secret).digest()
    return bytes(out)


def answer(kind, data, secret):
    code = data[0]
    if kind == "auth":
        if not request_message_authenticator_ok(data, secret):
            return None
        request = rp.AuthPacket(packet=data, secret=secret, dict=DICTIONARY)
        reply = request.CreateReply()
        if code == STATUS_SERVER:
            reply.code = rp.AccessAccept
        else:
            user = request["User-Name"][0] if "User-Name" in request else ""
            password = request.PwDecrypt(request["User-Password"][0]) if "User-Password" in request else ""
            ok = user == "bob" and password == "hello"
            reply.code = rp.AccessAccept if ok else rp.AccessReject
            reply["Reply-Message"] = "Hello, bob" if ok else "Denied"
        return with_message_authenticator(reply.ReplyPacket(), request.authenticator, secret)
    if kind == "acct":
        request = rp.AcctPacket(packet=data, secret=secret, dict=DICTIONARY)
        if not request.VerifyAcctRequest():
            return None
        reply = request.CreateReply()
        reply["Reply-Message"] = "acct %s" % request["Acct-Status-Type"][0]
        return reply.ReplyPacket()
    request = rp.CoAPacket(packet=data, secret=secret, dict=DICTIONARY)
    if not request.VerifyCoARequest():
        return None
    reply = request.CreateReply()
    if code == DISCONNECT_REQUEST:
        reply.code = DISCONNECT_ACK
    else:
        user = request["User-Name"][0] if "User-Name" in request else ""
        reply.code = rp.CoAACK if user == "bob" else rp.CoANAK
    return reply.ReplyPacket()


def main():
    secret = sys.argv[1].encode()
    sockets = {}
    for kind in ("auth", "acct", "coa"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sockets[sock] = kind
    print(json.dumps({kind: sock.getsockname()[1] for sock, kind in sockets.items()}), flush=True)
    while True:
        readable, _, _ = select.select(list(sockets) + [sys.stdin], [], [])
        for source in readable:
            if source is sys.stdin:
                if not sys.stdin.buffer.read1(4096):
                    return
                continue
            data, peer = source.recvfrom(4096)
            try:
                reply = answer(sockets[source], data, secret)
            except Exception as error:  # a bad request must not stop the server
                print("dropped: %r" % error, file=sys.stderr, flush=True)
                continue
            if reply is not None:
                source.sendto(reply, peer)


main()
