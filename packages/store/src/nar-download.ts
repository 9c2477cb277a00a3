// Streams the NAR a narinfo points to: fetch, decompress (bounded by NarSize while it decodes), and verify
// FileSize/FileHash, NarSize/NarHash and the content address before the stream ends. Optionally keeps a copy in
// the local NAR cache, with its listing, committed only after every check passed.

import { CodecError, decompressStream } from "@narwhal/codecs";
import { HashSink, formatHash, type NarInfo } from "@narwhal/store-path";
import type { BlobStore } from "@narwhal/blob-store";
import { formatNarListingNode, listNar } from "@narwhal/nar";
import { asStoreError, guard } from "./blob-io.js";
import { NarInspector } from "./nar-inspector.js";
import type { ContentAddressProof } from "./content-address-proof.js";
import { StoreError, messageOf, objectName } from "./errors.js";
import type { LocalNarCache, PendingNar } from "./local-nar-cache.js";

export interface NarDownloadContext {
  readonly blobs: BlobStore;
  readonly storeUrl: string;
  /** Key of the narinfo that named this NAR, for messages. */
  readonly narInfoKey: string;
  readonly localCache?: LocalNarCache | undefined;
  /** Set when the narinfo is trusted only by its content address: the NAR must prove it. */
  readonly contentAddressProof?: ContentAddressProof | undefined;
  /** The consumer takes NarReadOptions.reuseChunks' lease. */
  readonly reuseChunks?: boolean;
}

/**
 * How a consumer of narFromPath reads. `reuseChunks`: each chunk stays valid only until the next one is asked for
 * (the decoder writes the next into the same memory, see @narwhal/codecs' reuseOutput). For consumers done with a
 * chunk and every view of it before they pull the next, such as restoreNar and a verifying read. The store uses it
 * only when nothing else on the way keeps chunks queued (the local NAR cache's listing, a content-address proof
 * that parses the NAR).
 */
export interface NarReadOptions {
  readonly reuseChunks?: boolean;
}

export async function* downloadNar(
  info: NarInfo,
  context: NarDownloadContext,
): AsyncGenerator<Buffer, void, undefined> {
  const { blobs, storeUrl, narInfoKey } = context;
  const key = info.url;
  const where = objectName(key, storeUrl);
  const object = await guard(key, storeUrl, "read", () => blobs.get(key));
  if (object === undefined) {
    throw new StoreError(
      "NAR_MISSING",
      `NAR ${where} does not exist, but ${narInfoKey} for ${info.storePath.path} points to it`,
      {
        key,
        storeUrl,
      },
    );
  }
  const fileSink = new HashSink(info.fileHash?.algorithm ?? "sha256");
  const narSink = new HashSink(info.narHash.algorithm);
  const pending: PendingNar | undefined = await context.localCache?.startNar(info.storePath.hashPart);
  // The local cache keeps the listing of what it keeps, parsed from these same bytes (not from a second read).
  const listing = pending === undefined ? undefined : new NarInspector(listNar);
  let committed = false;
  try {
    let decoded: AsyncIterable<Buffer>;
    try {
      decoded = decompressStream(info.compression, fileSink.passThrough(object.body), {
        maxOutputBytes: info.narSize,
        reuseOutput: context.reuseChunks === true && listing === undefined && context.contentAddressProof === undefined,
      });
    } catch (error) {
      throw new StoreError("UNSUPPORTED", `cannot read NAR ${where}: ${messageOf(error)}`, {
        key,
        storeUrl,
        cause: error,
      });
    }
    try {
      for await (const chunk of decoded) {
        narSink.update(chunk);
        if (narSink.size > info.narSize) break; // reported as a NarSize mismatch below
        await context.contentAddressProof?.update(chunk);
        await pending?.write(chunk);
        await listing?.push(chunk).catch(() => undefined); // a malformed NAR fails its NarHash check below
        yield chunk;
      }
    } catch (error) {
      if (error instanceof StoreError) throw error;
      if (error instanceof CodecError && error.code === "OUTPUT_LIMIT_EXCEEDED") {
        throw new StoreError(
          "NAR_SIZE_MISMATCH",
          `NAR ${where} decompresses to more than NarSize ${info.narSize} bytes (${narInfoKey})`,
          {
            key,
            storeUrl,
            cause: error,
          },
        );
      }
      if (error instanceof CodecError) {
        throw new StoreError("NAR_CORRUPT", `cannot read NAR ${where} (${info.compression}): ${messageOf(error)}`, {
          key,
          storeUrl,
          cause: error,
        });
      }
      throw asStoreError(error, key, storeUrl, "read");
    }
    verifyNar(info, fileSink, narSink, where, narInfoKey, key, storeUrl);
    await context.contentAddressProof?.verify(where);
    if (pending !== undefined) {
      // Nix's local-nar-cache form of the listing: the root node alone, without the version wrapper.
      const listed = await listing!.finish().catch((error: unknown) => {
        throw new StoreError(
          "NAR_CORRUPT",
          `NAR ${where} matches its hashes but is not a valid NAR: ${messageOf(error)}`,
          { key, storeUrl, cause: error },
        );
      });
      const root = formatNarListingNode(listed.root);
      await pending.commit();
      committed = true;
      await context.localCache!.saveListing(info.storePath.hashPart, root);
    }
  } finally {
    if (pending !== undefined && !committed) await pending.discard();
  }
}

function verifyNar(
  info: NarInfo,
  fileSink: HashSink,
  narSink: HashSink,
  where: string,
  narInfoKey: string,
  key: string,
  storeUrl: string,
): void {
  const file = fileSink.finish();
  const nar = narSink.finish();
  const fail = (
    code: "FILE_SIZE_MISMATCH" | "FILE_HASH_MISMATCH" | "NAR_SIZE_MISMATCH" | "NAR_HASH_MISMATCH",
    rule: string,
  ): never => {
    throw new StoreError(code, `NAR ${where} does not match ${narInfoKey}: ${rule}`, { key, storeUrl });
  };
  if (info.fileSize !== undefined && file.size !== info.fileSize)
    fail("FILE_SIZE_MISMATCH", `FileSize is ${info.fileSize}, the object has ${file.size} bytes`);
  if (info.fileHash !== undefined && !file.hash.equals(info.fileHash)) {
    fail(
      "FILE_HASH_MISMATCH",
      `FileHash is ${formatHash(info.fileHash)}, the object hashes to ${formatHash(file.hash)}`,
    );
  }
  if (nar.size !== info.narSize)
    fail("NAR_SIZE_MISMATCH", `NarSize is ${info.narSize}, the decompressed NAR has ${nar.size} bytes`);
  if (!nar.hash.equals(info.narHash)) {
    fail(
      "NAR_HASH_MISMATCH",
      `NarHash is ${formatHash(info.narHash)}, the decompressed NAR hashes to ${formatHash(nar.hash)}`,
    );
  }
}

/** Serves a NAR from the local cache, still checking NarSize/NarHash (the file may have been altered on disk). */
export async function* readCachedNar(
  info: NarInfo,
  cache: LocalNarCache,
  proof?: ContentAddressProof,
): AsyncGenerator<Buffer, void, undefined> {
  const sink = new HashSink(info.narHash.algorithm);
  const file = cache.narFile(info.storePath.hashPart);
  for await (const chunk of cache.readNar(info.storePath.hashPart)) {
    sink.update(chunk);
    if (sink.size > info.narSize) break;
    await proof?.update(chunk);
    yield chunk;
  }
  const result = sink.finish();
  if (result.size !== info.narSize || !result.hash.equals(info.narHash)) {
    throw new StoreError(
      "NAR_HASH_MISMATCH",
      `local NAR cache file ${file} does not match the narinfo of ${info.storePath.path}`,
      {
        key: file,
      },
    );
  }
  await proof?.verify(`local NAR cache file ${file}`);
}
