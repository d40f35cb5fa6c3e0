// Free high ports for the real peers the interop tests start (FreeRADIUS,
// radsecproxy): a port is free when this process can bind it itself, on
// every protocol and address the peer will bind. Another process can still
// take it before the peer does; the start helpers retry for that.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A protocol and loopback address a peer will bind a port on. */
export type Binding = "udp4" | "udp6" | "tcp4" | "tcp6";

const hosts: Record<Binding, string> = {
  udp4: "127.0.0.1",
  udp6: "::1",
  tcp4: "127.0.0.1",
  tcp6: "::1",
};

// Ports this process already handed out: two peers started by the same test
// file never get the same one, even before either has bound it.
const handedOut = new Set<number>();

/**
 * A port in 20000–59999 that every binding in `on` can use now, different
 * from all ports handed out before in this process.
 */
export async function freePort(on: readonly Binding[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (handedOut.has(port)) continue;
    if (await allBind(port, on)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No free port found for ${on.join(", ")}`);
}

async function allBind(port: number, on: readonly Binding[]): Promise<boolean> {
  for (const binding of on) {
    const free = binding.startsWith("udp")
      ? await canBindUdp(port, binding as "udp4" | "udp6")
      : await canBindTcp(port, hosts[binding]);
    if (!free) return false;
  }
  return true;
}

function canBindUdp(port: number, type: "udp4" | "udp6"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(type);
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, hosts[type], () => socket.close(() => resolve(true)));
  });
}

function canBindTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
