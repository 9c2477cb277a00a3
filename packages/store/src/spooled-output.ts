// Holds bytes back until their source has been verified: a stream is written to a private temp file (memory stays
// bounded), and only once the source ended without error are the bytes handed on; the temp file is then removed.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";

/** Yields `source`'s bytes only after `source` was read to its end (and every check inside it passed). */
export async function* afterVerification(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
  const dir = await mkdtemp(join(tmpdir(), "narwhal-verified-"));
  try {
    const file = join(dir, "bytes");
    await pipeline(Readable.from(source, { objectMode: false }), createWriteStream(file, { flags: "wx", mode: 0o600 }));
    yield* createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
