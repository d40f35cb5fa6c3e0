// TCP peers the client's stream tests talk to besides a radkit Server: a
// proxy that can cut the connections it carries, and a peer that reads
// and never answers (or answers with bytes that cannot be framed).
import net from "node:net";

/** A listening node:net server on 127.0.0.1 and its port. */
async function listen(onSocket: (socket: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards every connection to 127.0.0.1:`target`; `cut()` ends those open now. */
export async function proxy(target: number) {
  const pairs: [net.Socket, net.Socket][] = [];
  let accepted = 0;
  const listener = await listen((socket) => {
    accepted++;
    const upstream = net.connect({ host: "127.0.0.1", port: target });
    upstream.on("error", () => {});
    socket.pipe(upstream);
    upstream.pipe(socket);
    pairs.push([socket, upstream]);
  });
  return {
    port: listener.port,
    /** Connections accepted so far. */
    get accepted() {
      return accepted;
    },
    /** Ends both sides of every connection carried now, in order (FIN), as a server closing it. */
    cut() {
      for (const [socket, upstream] of pairs.splice(0)) {
        socket.unpipe(upstream);
        upstream.unpipe(socket);
        upstream.destroy();
        socket.end();
      }
    },
    close: listener.close,
  };
}

/** Accepts connections and reads them; what `reply` returns, if given, goes back for every packet read. */
export async function silentPeer(reply?: (packet: Uint8Array) => Uint8Array) {
  const packets: Uint8Array[] = [];
  const waiters: (() => void)[] = [];
  const listener = await listen((socket) => {
    let buffered = new Uint8Array(0);
    socket.on("data", (chunk: Uint8Array) => {
      const joined = new Uint8Array(buffered.length + chunk.length);
      joined.set(buffered);
      joined.set(chunk, buffered.length);
      buffered = joined;
      while (buffered.length >= 4) {
        const length = (buffered[2]! << 8) | buffered[3]!;
        if (buffered.length < length) break;
        const packet = buffered.slice(0, length);
        packets.push(packet);
        buffered = buffered.slice(length);
        if (reply !== undefined) socket.write(reply(packet));
        for (const wake of waiters.splice(0)) wake();
      }
    });
  });
  return {
    port: listener.port,
    /** Packets read so far, from every connection. */
    packets,
    /** Connections open now. */
    get open() {
      return listener.sockets.size;
    },
    /** Resolves once `count` packets were read. */
    async received(count: number): Promise<void> {
      while (packets.length < count) await new Promise<void>((wake) => waiters.push(wake));
    },
    close: listener.close,
  };
}
