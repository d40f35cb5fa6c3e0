// Real RADIUS peers the interop tests talk to (FreeRADIUS, radclient, pyrad,
// radsecproxy, openssl, eapol_test, hostapd, the Debian dictionary tree). A
// missing peer skips its tests with a loud message on a developer machine;
// under CI=true it fails them, so that CI can never go green without having
// run them.
import { existsSync } from "node:fs";
import process from "node:process";

/** A peer the interop tests can need, and how to tell whether it is installed. */
export const peers = {
  freeradius: { path: "/usr/sbin/freeradius", install: "apt-get install freeradius" },
  radclient: { path: "/usr/bin/radclient", install: "apt-get install freeradius-utils" },
  pyrad: {
    path: "/usr/lib/python3/dist-packages/pyrad/__init__.py",
    install: "apt-get install python3-pyrad",
  },
  radsecproxy: { path: "/usr/sbin/radsecproxy", install: "apt-get install radsecproxy" },
  openssl: { path: "/usr/bin/openssl", install: "apt-get install openssl" },
  eapol_test: { path: "/usr/bin/eapol_test", install: "apt-get install eapoltest" },
  hostapd: { path: "/usr/sbin/hostapd", install: "apt-get install hostapd" },
  dictionaries: {
    path: "/usr/share/freeradius/dictionary",
    install: "apt-get install freeradius-common",
  },
} as const;

export type Peer = keyof typeof peers;

/** True when running in CI (`CI=true`), where every peer must be present. */
export const inCI: boolean = process.env.CI === "true";

/**
 * Options for `test()` that skip it when a peer is missing locally. Under CI
 * the test runs anyway and fails on the missing peer, with the reason.
 */
export function needs(...wanted: Peer[]): { skip: string | false } {
  const missing = wanted.filter((peer) => !existsSync(peers[peer].path));
  if (missing.length === 0 || inCI) return { skip: false };
  const how = missing.map((peer) => `${peers[peer].path} (${peers[peer].install})`).join(", ");
  console.warn(`\n!!! SKIPPING interop test: missing ${how}. CI=true makes this a failure.\n`);
  return { skip: `missing ${how}` };
}

/** Throws when a needed peer is missing (reached only under CI, see {@linkcode needs}). */
export function assertPeers(...wanted: Peer[]): void {
  for (const peer of wanted) {
    if (!existsSync(peers[peer].path)) {
      throw new Error(`CI=true but ${peers[peer].path} is missing: ${peers[peer].install}`);
    }
  }
}
