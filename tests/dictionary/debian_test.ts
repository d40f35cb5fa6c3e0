// Acceptance: every dictionary file Debian ships with FreeRADIUS 3.2
// (/usr/share/freeradius) loads, and an independent line scan of the files
// agrees with what the parser built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { needs } from "../_peers.ts";
import { checkTree } from "./_tree_check.ts";

test(
  "Dictionary.load() reads all Debian FreeRADIUS dictionaries; a line scan agrees with it",
  needs("dictionaries"),
  async () => {
    // The files the main `dictionary` does not $INCLUDE, and how each is
    // loaded. FreeRADIUS itself (3.2.1, checked with radclient -D) treats them
    // the same.
    const { summary, main } = await checkTree({
      dir: "/usr/share/freeradius",
      onTop: [
        "dictionary.alvarion.wimax.v2_2",
        "dictionary.cisco.vpn3000",
        "dictionary.dhcp",
        "dictionary.motorola.illegal",
        "dictionary.nokia.conflict",
        "dictionary.vqp",
      ],
      // Their own headers say they conflict with files of the tree. FreeRADIUS
      // refuses them too, except dictionary.starent.vsa1, whose `VENDOR
      // Starent 8164 format=1,1` it silently lets replace format=2,2; radkit
      // refuses the format change.
      alternatives: [
        "dictionary.openser",
        "dictionary.rfc5090",
        "dictionary.starent.vsa1",
        "dictionary.wimax.alvarion",
        "dictionary.wimax.wichorus",
      ],
      // VALUEs for FreeDHCP-Opcode, which no file defines. FreeRADIUS 3.2.1
      // refuses it the same way ("No ATTRIBUTE "FreeDHCP-Opcode" defined for VALUE").
      broken: [{
        file: "dictionary.freedhcp",
        line: 238,
        message: /attribute "FreeDHCP-Opcode", which no file/,
        remove: /^VALUE\s+FreeDHCP-Opcode\s.*$/gm,
      }],
    });
    console.log(`Debian FreeRADIUS dictionaries: ${summary}`);

    // dictionary.compat's older names come before the RFC files; FreeRADIUS
    // prints the RFC names (radclient -x).
    const names = (attribute: string, numbers: number[]) =>
      numbers.map((n) => main.attribute(attribute)?.valueNames.get(n));
    const service = [
      "Login-User",
      "Framed-User",
      "Callback-Login-User",
      "Callback-Framed-User",
      "Outbound-User",
      "Administrative-User",
      "NAS-Prompt-User",
    ];
    assert.deepEqual(names("Service-Type", [1, 2, 3, 4, 5, 6, 7]), service);
    assert.deepEqual(names("User-Service-Type", [1, 2, 3, 4, 5, 6, 7]), service);
    assert.deepEqual(names("Framed-Compression", [1]), ["Van-Jacobson-TCP-IP"]);
    assert.deepEqual(names("Auth-Type", [1]), ["Local"]);
  },
);
