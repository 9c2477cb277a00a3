// Whether an object already sitting at `nar/<NarHash>.nar<ext>` may be reused for a new narinfo: only when it
// decodes (bounded by NarSize) to exactly the NAR with that NarHash. Its FileSize and FileHash come from the check.

import { decompressStream } from "@narwhal/codecs";
import type { BlobStore } from "@narwhal/blob-store";
import { HashSink, type Hash } from "@narwhal/store-path";
import { guard } from "./blob-io.js";

export interface ReusableNarObject {
  readonly fileSize: number;
  readonly fileHash: Hash;
}

/**
 * Reads the object and checks it against the NAR's hash and size; undefined when it is absent, unreadable, or
 * holds anything else (the caller then uploads the NAR over it); a GET that fails outright propagates.
 */
export async function checkExistingNarObject(
  blobs: BlobStore,
  key: string,
  nar: { readonly narHash: Hash; readonly narSize: number },
  compression: string,
  storeUrl: string,
): Promise<ReusableNarObject | undefined> {
  const object = await guard(key, storeUrl, "read", () => blobs.get(key));
  if (object === undefined) return undefined;
  const fileSink = new HashSink("sha256");
  const narSink = new HashSink(nar.narHash.algorithm);
  try {
    for await (const chunk of decompressStream(compression, fileSink.passThrough(object.body), {
      maxOutputBytes: nar.narSize,
    })) {
      narSink.update(chunk);
    }
  } catch {
    return undefined; // corrupt, truncated or longer than NarSize: not this NAR
  }
  const decoded = narSink.finish();
  if (decoded.size !== nar.narSize || !decoded.hash.equals(nar.narHash)) return undefined;
  const file = fileSink.finish();
  return { fileSize: file.size, fileHash: file.hash };
}
