// addToStore is done with each NAR chunk when it pulls the next, so a NAR source (the serializer dumping a local
// path) may write every chunk into one buffer. The source here does, and scribbles over each chunk once the next is
// asked for: a NAR, listing or compressed object made from a chunk kept too long would read back wrong.

import { readFileSync } from "node:fs";
import { formatNarListing, listNar } from "@narwhal/nar";
import { afterAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BinaryCacheStore } from "../src/index.js";
import {
  chunksOf,
  collect,
  fakeStorePath,
  makeKey,
  narOfFiles,
  pathInfoFor,
  removeTempDirs,
  tempDir,
} from "./support/fixtures.js";

afterAll(removeTempDirs);

// Real files: a small NAR (read whole, then compressed at once) and one of several MiB (streamed to the compressor).
const node = readFileSync(process.execPath);
const small = narOfFiles({ "bin/tool": node.subarray(0, 200_000), "share/services": readFileSync("/etc/services") });
const large = narOfFiles({
  "bin/node-part": node.subarray(0, 3_500_000),
  "etc/services": readFileSync("/etc/services"),
});

const CHUNK_SIZES = [1 << 20, 333, 64 * 1024, 7, 200_000];

/** `nar` in chunks that share one buffer, overwritten with 0x5a when the next chunk is pulled. */
async function* oneReusedBuffer(nar: Buffer): AsyncGenerator<Uint8Array> {
  const shared = Buffer.alloc(Math.max(...CHUNK_SIZES));
  let offset = 0;
  for (let i = 0; offset < nar.length; i++) {
    const size = Math.min(CHUNK_SIZES[i % CHUNK_SIZES.length]!, nar.length - offset);
    nar.copy(shared, 0, offset, offset + size);
    offset += size;
    yield shared.subarray(0, size);
    shared.fill(0x5a);
  }
}

describe.each([
  ["compression=xz&compression-level=1&write-nar-listing=true"],
  ["compression=zstd&parallel-compression=true&write-nar-listing=true"],
  ["compression=none&write-nar-listing=true"],
  ["compression=bzip2&compression-level=1"],
])("a NAR source that reuses its buffer, %s", (settings) => {
  it.each([
    ["small", small],
    ["large", large],
  ])("stores the %s NAR it was given, and its listing", async (_size, narPromise) => {
    const nar = await narPromise;
    const dir = await tempDir("reused-chunks");
    const key = await makeKey("reuse-test-1");
    const store = await BinaryCacheStore.open(`file://${dir}?${settings}&secret-key=${key.secretFile}`);
    const path = fakeStorePath("reused-chunks");
    // wellFormed: false, so the NAR is also parsed (the listing's parser queues chunks).
    await store.addToStore({ info: { ...pathInfoFor(path, nar), wellFormed: false }, nar: oneReusedBuffer(nar) });

    const reader = await BinaryCacheStore.open(`file://${dir}`, { trustedPublicKeys: key.trusted });
    expect((await collect(reader.narFromPath(path.path))).equals(nar)).toBe(true);
    if (settings.includes("write-nar-listing=true")) {
      expect(await readFile(join(dir, `${path.hashPart}.ls`), "utf8")).toBe(
        formatNarListing(await listNar(chunksOf(nar))),
      );
    }
  });
});
