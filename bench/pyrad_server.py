"""A pyrad 2.1 (Debian python3-pyrad) RADIUS auth server for bench/server_bench.ts.

Usage: /usr/bin/python3 bench/pyrad_server.py SECRET
Binds 127.0.0.1 on a free port, prints READY {"port": N, "pid": N}, then
answers Access-Requests until its stdin closes: bob/hello gets an
Access-Accept with Framed-IP-Address and Reply-Message, anything else an
Access-Reject. Requests are decoded and replies built with pyrad (AuthPacket,
PwDecrypt, CreateReply, ReplyPacket) in the usual single-threaded recvfrom
loop.

pyrad 2.1 cannot check (or add) a Message-Authenticator, so unlike radkit and
FreeRADIUS this server does NOT verify the requests' Message-Authenticator
(BlastRADIUS) and its replies carry none: it does less work per request.
"""

import json
import os
import select
import socket
import sys

from pyrad import packet as rp
from pyrad.dictionary import Dictionary

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARY = Dictionary(os.path.join(HERE, "..", "tests", "interop", "fixtures", "codec_pyrad.dictionary"))


def main():
    secret = sys.argv[1].encode()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print("READY " + json.dumps({"port": sock.getsockname()[1], "pid": os.getpid()}), flush=True)
    sock.setblocking(False)
    stdin = sys.stdin.buffer
    while True:
        readable, _, _ = select.select([sock, stdin], [], [])
        if stdin in readable:
            if not os.read(stdin.fileno(), 4096):
                return
        if sock not in readable:
            continue
        # Drain what is queued before going back to select.
        while True:
            try:
                data, peer = sock.recvfrom(4096)
            except BlockingIOError:
                break
            try:
                request = rp.AuthPacket(packet=data, secret=secret, dict=DICTIONARY)
                user = request["User-Name"][0] if "User-Name" in request else ""
                password = request.PwDecrypt(request["User-Password"][0]) if "User-Password" in request else ""
                reply = request.CreateReply()
                if user == "bob" and password == "hello":
                    reply.code = rp.AccessAccept
                    reply["Framed-IP-Address"] = "192.168.0.1"
                    reply["Reply-Message"] = "Hello, bob"
                else:
                    reply.code = rp.AccessReject
                sock.sendto(reply.ReplyPacket(), peer)
            except Exception as error:  # a bad request must not stop the server
                print("dropped: %r" % error, file=sys.stderr, flush=True)


main()
