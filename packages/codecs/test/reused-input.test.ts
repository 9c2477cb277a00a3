// compressStream is done with each input piece by the time it pulls the next, so a source (the NAR serializer) may
// write every piece into the same memory. The source here does exactly that, and scribbles over the piece it handed
// out as soon as the next one is asked for: whatever a codec still held of it would come out wrong.

import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CompressOptions,
  closeCompressionPools,
  compressStream,
  decompressStream,
  listCodecs,
  registerCodec,
} from "../src/index.js";
import type { Codec } from "../src/index.js";
import { collect } from "./helpers.js";

// Real bytes (the running Node binary and a text file), ~2.2 MiB.
const body = Buffer.concat([readFileSync(process.execPath).subarray(0, 2_200_000), readFileSync("/etc/services")]);

// Full 1 MiB pieces (as the serializer hands out) and short ones (under a Node.js stream's high-water mark).
const PIECE_SIZES = [1 << 20, 700, 64 * 1024, 5, 300_000, 16 * 1024];

/** `data` in pieces that all live in one buffer, overwritten with 0x5a when the next piece is pulled. */
async function* oneReusedBuffer(data: Buffer): AsyncGenerator<Uint8Array> {
  const shared = Buffer.alloc(Math.max(...PIECE_SIZES));
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = Math.min(PIECE_SIZES[i % PIECE_SIZES.length]!, data.length - offset);
    data.copy(shared, 0, offset, offset + size);
    offset += size;
    yield shared.subarray(0, size);
    shared.fill(0x5a);
  }
}

async function roundTrip(codec: Codec, options: CompressOptions): Promise<Buffer> {
  const { name, backend, levels } = codec;
  const level = Math.min(Math.max(1, levels.min), levels.max); // fast
  const compressed = await collect(compressStream(name, oneReusedBuffer(body), { ...options, backend, level }));
  return collect(
    decompressStream(
      name,
      (async function* () {
        yield compressed;
      })(),
      { backend },
    ),
  );
}

const modes: [string, CompressOptions][] = [
  ["one stream", {}],
  [
    "parallel (the codec's own threads where it has them)",
    { parallel: true, threads: 2, singleStreamFallback: true, onWarning: () => {} },
  ],
  [
    "parallel in chunks",
    {
      parallel: true,
      threads: 2,
      strategy: "chunks",
      chunkSize: 512 * 1024,
      singleStreamFallback: true,
      onWarning: () => {},
    },
  ],
];

afterAll(() => closeCompressionPools());

const backends = listCodecs().flatMap((method) => method.backends);

describe.each(backends.map((codec) => [`${codec.name} (${codec.backend})`, codec] as const))(
  "a source that reuses its buffer, %s",
  (_label, codec) => {
    it.each(modes)("compresses to the bytes it was given: %s", async (_mode, options) => {
      const decoded = await roundTrip(codec, options);
      expect(decoded.length).toBe(body.length);
      expect(decoded.equals(body)).toBe(true);
    });
  },
);

describe("a plugin that keeps pieces after pulling the next", () => {
  // Collects everything first, as a codec buffering input would; it does not say releasesInput.
  const hoarder: Codec = {
    name: "hoard-test",
    backend: "hoard-test",
    extension: ".hoard",
    levels: { min: 0, max: 0, default: 0 },
    concatenable: false,
    nativeThreads: false,
    compress: () =>
      async function* (source) {
        const kept: Uint8Array[] = [];
        for await (const piece of source) kept.push(piece);
        yield Buffer.concat(kept);
      },
    decompress: () =>
      async function* (source) {
        yield* source as AsyncIterable<Buffer>;
      },
  };
  registerCodec(hoarder);

  it("is handed copies, so its output is still the input", async () => {
    const out = await collect(compressStream("hoard-test", oneReusedBuffer(body)));
    expect(out.equals(body)).toBe(true);
  });

  it("would see the scribbles if it claimed releasesInput (what the copies prevent)", async () => {
    registerCodec({ ...hoarder, name: "hoard-test-claims", releasesInput: true });
    const out = await collect(compressStream("hoard-test-claims", oneReusedBuffer(body)));
    expect(out.length).toBe(body.length);
    expect(out.equals(body)).toBe(false);
  });
});
