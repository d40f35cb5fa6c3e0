// Proves the interop machinery: a real FreeRADIUS 3.2 started from the
// repository's test configuration answers a real radclient.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { FREERADIUS_SECRET, startFreeRadius } from "../_freeradius.ts";
import { radclient } from "../_radclient.ts";

test(
  "FreeRADIUS from tests/freeradius accepts bob/hello sent by radclient",
  needs("freeradius", "radclient"),
  async () => {
    assertPeers("freeradius", "radclient");
    const server = await startFreeRadius();
    try {
      // The client entry requires Message-Authenticator (BlastRADIUS); "0x00"
      // asks radclient to compute it.
      const accept = await radclient(
        `127.0.0.1:${server.authPort}`,
        "auth",
        FREERADIUS_SECRET,
        'User-Name = "bob", User-Password = "hello", Message-Authenticator = 0x00\n',
      );
      assert.match(
        accept.stdout,
        /Received Access-Accept Id \d+ from 127\.0\.0\.1/,
        accept.stdout + accept.stderr,
      );
      assert.match(accept.stdout, /Reply-Message = "Hello, bob"/);

      const reject = await radclient(
        `127.0.0.1:${server.authPort}`,
        "auth",
        FREERADIUS_SECRET,
        'User-Name = "bob", User-Password = "wrong", Message-Authenticator = 0x00\n',
      );
      assert.match(reject.stdout, /Received Access-Reject/, reject.stdout + reject.stderr);
    } finally {
      await server.stop();
    }
  },
);
