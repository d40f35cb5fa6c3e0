// The shared blocks the server encodes replies into.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteBlocks } from "../../src/server/byte_blocks.ts";

test("ByteBlocks hands out views that never overlap, a new block when one is full", () => {
  const blocks = new ByteBlocks(64);
  const views = [5, 11, 16, 16, 16, 7, 9].map((length) => blocks.take(length));
  assert.deepEqual(views.map((view) => view.length), [5, 11, 16, 16, 16, 7, 9]);
  views.forEach((view, i) => view.fill(i + 1));
  views.forEach((view, i) => assert.ok(view.every((byte) => byte === i + 1), `view ${i} intact`));
  // 5 + 11 + 16 + 16 + 16 = 64 fill the first block; the 7 and 9 start a second.
  assert.equal(views[0]!.buffer, views[4]!.buffer);
  assert.notEqual(views[5]!.buffer, views[0]!.buffer);
  assert.equal(views[5]!.buffer, views[6]!.buffer);
});

test("ByteBlocks gives an array above a quarter block its own memory", () => {
  const blocks = new ByteBlocks(64);
  const small = blocks.take(8);
  const large = blocks.take(17);
  assert.equal(large.length, 17);
  assert.equal(large.buffer.byteLength, 17);
  assert.notEqual(large.buffer, small.buffer);
});
