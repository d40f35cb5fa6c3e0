// Binds 127.0.0.1:0 with a 4 MiB receive buffer through adapters/deno.ts and
// prints one JSON line: the sizes granted, or the error's code and message.
// Run by buffer_sizes_test.ts with and without -A.
//
//   deno run --unstable-net --allow-net|-A tests/adapters/_sized_bind_child.ts
import { udp } from "../../adapters/deno.ts";

try {
  const socket = await udp().bind(
    { hostname: "127.0.0.1", port: 0, receiveBufferSize: 4_194_304 },
    () => {},
  );
  console.log(JSON.stringify({ granted: socket.bufferSizes?.() }));
  await socket.close();
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  console.log(JSON.stringify({ code, message }));
}
