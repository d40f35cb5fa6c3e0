// Sends COUNT datagrams of SIZE bytes to 127.0.0.1:PORT, one after the other,
// each numbered in its first four bytes, then exits. Run by buffer_sizes_test.ts
// while its receiving socket cannot read, so that only the kernel's receive
// buffer decides how many survive.
//
//   <runtime> tests/adapters/_burst_sender.ts PORT COUNT SIZE
import { createSocket } from "node:dgram";
import process from "node:process";

const [port, count, size] = process.argv.slice(2).map(Number) as [number, number, number];
const socket = createSocket("udp4");
const data = new Uint8Array(size);
for (let i = 0; i < count; i++) {
  new DataView(data.buffer).setUint32(0, i);
  await new Promise<void>((resolve, reject) =>
    socket.send(data, port, "127.0.0.1", (error) => error ? reject(error) : resolve())
  );
}
socket.close();
