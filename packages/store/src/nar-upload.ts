// Adds one store path to a cache in the contract order: check references, stream the NAR (verified against the
// claimed NarHash/NarSize, parsed for its listing unless our own serializer made it and none is wanted, compressed)
// into `nar/<nix32 NarHash>.nar<ext>`, then the listing and debuginfo links, and the signed narinfo last. Any
// failure before the narinfo leaves no narinfo.

import { compressBuffer, compressStream, narExtension } from "@narwhal/codecs";
import { formatNarListing, listNar, type NarListing } from "@narwhal/nar";
import { signWithKeys, type SecretKey } from "@narwhal/signing";
import { HashSink, fingerprint, formatHash, type Hash, type NarInfo, type StorePath } from "@narwhal/store-path";
import type { StoreSettings } from "@narwhal/store-url";
import type { BlobStore } from "@narwhal/blob-store";
import { guard } from "./blob-io.js";
import { LISTING_CONTENT_TYPE, NAR_CONTENT_TYPE, listingKey, narInfoKey, narObjectKey } from "./cache-layout.js";
import { findDebugInfoLinks, writeDebugInfoLinks } from "./debug-info-index.js";
import { MissingReferencesError, StoreError, messageOf, objectName } from "./errors.js";
import { PUBLISH_WINDOW_MS, type LeanedOn, type NoticeCheck } from "./gc-notices.js";
import { NarInspector } from "./nar-inspector.js";
import { checkExistingNarObject } from "./nar-object-reuse.js";

/**
 * NARs up to this size are verified, compressed in one shot (the codec knows the exact input size) and stored
 * with a single request; larger ones stream through the compressor into a (multipart) upload.
 */
export const WHOLE_NAR_LIMIT = 1024 * 1024;

/** What a listing the caller already took says about the NAR object; lets the upload skip its own look-up. */
export type ListedNarObject = { readonly exists: false } | { readonly exists: true; readonly size: number };

/** What the caller knows about the path; the NAR itself is streamed and checked against narHash/narSize. */
export interface PathInfoToAdd {
  readonly storePath: StorePath;
  readonly narHash: Hash;
  readonly narSize: number;
  readonly references: readonly StorePath[];
  readonly deriver?: StorePath | undefined;
  readonly ca?: NarInfo["ca"];
  /** Signatures to keep (e.g. copied from the source store); the store's own keys are added. */
  readonly sigs?: readonly string[];
  /** narinfo lines narwhal does not know (e.g. `System:`), copied from a source cache and written back as they were. */
  readonly extraFields?: NarInfo["extraFields"];
  /**
   * The caller made this NAR with @narwhal/nar's own serializer (a local path or directory), so it is well formed:
   * it is then parsed only when a listing or debuginfo links are wanted. Hash and size are checked regardless.
   */
  readonly wellFormed?: boolean;
}

export interface AddToStoreResult {
  /** The narinfo as written (or as found, when the path was already valid). */
  readonly narInfo: NarInfo;
  /** False when a narinfo already existed and nothing was written. */
  readonly added: boolean;
  /** False when the NAR object already existed (dedup) and was not uploaded again. */
  readonly narUploaded: boolean;
}

export interface NarUploadContext {
  readonly blobs: BlobStore;
  readonly settings: StoreSettings;
  readonly storeUrl: string;
  /**
   * Whether the cache has a narinfo for this path (the reference check): asks the cache unless this store wrote
   * the narinfo itself, since a GC may have deleted one that was present when the copy began; with `askCache`
   * (after a GC run that named it) it asks even then.
   */
  hasNarInfo(path: StorePath, askCache?: boolean): Promise<boolean>;
  /** Whether this store wrote the path's narinfo itself (in this process). */
  wroteNarInfo(path: StorePath): boolean;
  /** Waits while a GC notice names something in `leanedOn` (gc-notices.ts); says whether it waited, and when it last read them. */
  awaitGcSweeps(leanedOn: LeanedOn, what: string): Promise<NoticeCheck>;
  /** The store's signing keys, loaded once per store. */
  secretKeys(): Promise<readonly SecretKey[]>;
  /** Writes a narinfo: the store's only narinfo writer, which also keeps its cache of narinfos current. */
  writeNarInfo(info: NarInfo): Promise<void>;
}

/**
 * A path whose NAR is stored (or was found stored) but whose narinfo is not written yet: the first half of
 * addToStore. Hand it to publishPathInfo once every reference has a narinfo.
 */
export interface UploadedNar {
  readonly info: PathInfoToAdd;
  /** The NAR object's key, `nar/<nix32 NarHash>.nar<ext>`. */
  readonly narKey: string;
  readonly compression: string;
  readonly fileHash?: Hash;
  readonly fileSize?: number;
  /** False when the object already existed (dedup) and nothing was uploaded. */
  readonly narUploaded: boolean;
  /** The NAR's listing; undefined when it was not parsed (a well-formed NAR, no listing or debuginfo wanted). */
  readonly listing: NarListing | undefined;
}

/** All of addToStore after the "already valid" check: references first, then the NAR, then the narinfo. */
export async function uploadPath(
  context: NarUploadContext,
  info: PathInfoToAdd,
  nar: AsyncIterable<Uint8Array>,
): Promise<NarInfo & { narUploaded: boolean }> {
  checkClaims(info, context.storeUrl);
  await checkReferences(context, info);
  return publishPathInfo(context, await uploadNarObject(context, info, nar));
}

/**
 * Every reference other than the path itself must have a narinfo; the error (MissingReferencesError) names the
 * first that does not in its message and all of them in `references`.
 */
async function checkReferences(context: NarUploadContext, info: PathInfoToAdd, askCache = false): Promise<void> {
  const { storeUrl } = context;
  const others = info.references.filter((reference) => !reference.equals(info.storePath));
  const present = await Promise.all(others.map((reference) => context.hasNarInfo(reference, askCache)));
  const missing = others.filter((_, index) => !present[index]);
  if (missing.length === 0) return;
  const first = missing[0]!;
  const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : "";
  throw new MissingReferencesError(
    `cannot add ${info.storePath.path} to ${storeUrl}: reference ${first.path} has no narinfo in ${storeUrl}${more}; add it first`,
    missing,
    { key: narInfoKey(first), storeUrl },
  );
}

/**
 * Right before a narinfo is published: wait while a GC run announced it is deleting something the narinfo needs
 * (its references, its NAR, its listing, the narinfo itself), then check the references in the cache (not in
 * memory) and, when the NAR object was found rather than uploaded here or a GC ran meanwhile, that it is still
 * there. Throws MissingReferencesError or NAR_MISSING, writing nothing, for the writer to upload those again.
 */
async function checkStillPresent(context: NarUploadContext, uploaded: UploadedNar): Promise<number> {
  const { info, narKey } = uploaded;
  // Everything this narinfo leans on was written by this process during its run, so it is younger than any GC's
  // grace period (the README's assumption) and no notice can name it: nothing to look up.
  const ownWork =
    uploaded.narUploaded &&
    info.references.every((reference) => reference.equals(info.storePath) || context.wroteNarInfo(reference));
  if (ownWork) return Date.now();
  const references = info.references.map((reference) => reference.hashPart);
  const { waited, readAt } = await context.awaitGcSweeps(
    {
      narInfos: [info.storePath.hashPart, ...references],
      objects: [narKey, listingKey(info.storePath.hashPart)],
    },
    info.storePath.path,
  );
  await checkReferences(context, info, waited);
  if (!uploaded.narUploaded || waited) {
    const { blobs, storeUrl } = context;
    if (!(await guard(narKey, storeUrl, "check", () => blobs.exists(narKey)))) {
      throw new StoreError(
        "NAR_MISSING",
        `cannot add ${info.storePath.path} to ${storeUrl}: its NAR ${objectName(narKey, storeUrl)} is gone (deleted by a garbage collection); upload it again`,
        { key: narKey, storeUrl },
      );
    }
  }
  return readAt;
}

/** Where the path's NAR goes in a cache that compresses with `compression`. */
export function narObjectKeyFor(info: PathInfoToAdd, compression: string): string {
  return narObjectKey(info.narHash, narExtension(compression));
}

/**
 * Phase one: streams the NAR (verified against NarHash/NarSize, parsed for its listing, compressed) into
 * `nar/<nix32 NarHash>.nar<ext>`, or only verifies it when that object exists. Writes no narinfo. It is done with
 * each chunk of `nar` (hashed, copied or compressed) when it pulls the next, so `nar` may reuse one buffer.
 */
export async function uploadNarObject(
  context: NarUploadContext,
  info: PathInfoToAdd,
  nar: AsyncIterable<Uint8Array>,
  listed?: ListedNarObject,
  /** Threads the compressor may use with parallel-compression; default one per core. */
  compressionThreads?: number,
): Promise<UploadedNar> {
  const { blobs, settings, storeUrl } = context;
  checkClaims(info, storeUrl);
  await context.secretKeys(); // a bad key file fails before any upload
  const compression = settings.compression;
  const narKey = narObjectKeyFor(info, compression);

  const wantListing = settings["write-nar-listing"] || settings["index-debug-info"];
  const inspector = wantListing || info.wellFormed !== true ? new NarInspector(listNar) : undefined;
  const verified = verifiedNar(nar, info, inspector, narKey, storeUrl);
  const listedThere = listed?.exists ?? (await guard(narKey, storeUrl, "check", () => blobs.exists(narKey)));
  // An object already at the key is reused only when it decodes to exactly this NAR; otherwise it is replaced.
  const existing = listedThere ? await checkExistingNarObject(blobs, narKey, info, compression, storeUrl) : undefined;
  const alreadyThere = existing !== undefined;
  let fileSize: number | undefined;
  let fileHash: Hash | undefined;
  if (existing !== undefined) {
    // Dedup: the object was just proven to hold this NAR; the caller's NAR is still read and verified.
    for await (const _chunk of verified.chunks) void _chunk;
    fileSize = existing.fileSize;
    fileHash = existing.fileHash;
  } else if (info.narSize <= WHOLE_NAR_LIMIT) {
    // Small NAR: read and verify it all first (a bad NAR fails before any request), then one-shot compression.
    // The chunks are copied in (verifiedNar refuses more than NarSize bytes), so the source may reuse their memory.
    const whole = Buffer.allocUnsafe(info.narSize);
    let filled = 0;
    for await (const chunk of verified.chunks) {
      whole.set(chunk, filled);
      filled += chunk.byteLength;
    }
    const body = await compressBuffer(compression, whole, {
      level: settings["compression-level"],
    });
    const fileSink = new HashSink("sha256");
    fileSink.update(body);
    await guard(narKey, storeUrl, "upload", () =>
      blobs.put(narKey, body, { contentType: NAR_CONTENT_TYPE, sizeHint: body.byteLength }),
    );
    const file = fileSink.finish();
    fileSize = file.size;
    fileHash = file.hash;
  } else {
    const fileSink = new HashSink("sha256");
    const compressed = fileSink.passThrough(
      compressStream(compression, verified.chunks, {
        level: settings["compression-level"],
        parallel: settings["parallel-compression"],
        ...(compressionThreads === undefined ? {} : { threads: compressionThreads }),
        sizeHint: info.narSize,
        singleStreamFallback: true,
      }),
    );
    await guard(narKey, storeUrl, "upload", () =>
      blobs.put(narKey, compressed, { contentType: NAR_CONTENT_TYPE, sizeHint: info.narSize }),
    );
    const file = fileSink.finish();
    fileSize = file.size;
    fileHash = file.hash;
  }
  return {
    info,
    narKey,
    compression,
    narUploaded: !alreadyThere,
    listing: verified.listing(),
    ...(fileHash === undefined ? {} : { fileHash }),
    ...(fileSize === undefined ? {} : { fileSize }),
  };
}

/**
 * Phase two: checks that every reference has a narinfo and the NAR is still there (checkStillPresent), writes the
 * listing and debuginfo links, then the signed narinfo, last. Refused (nothing written) while something is missing.
 */
export async function publishPathInfo(
  context: NarUploadContext,
  uploaded: UploadedNar,
): Promise<NarInfo & { narUploaded: boolean }> {
  const { blobs, settings, storeUrl } = context;
  const { info, narKey } = uploaded;
  const secretKeys = await context.secretKeys();
  const listing = (): NarListing => {
    if (uploaded.listing === undefined)
      throw new Error(`internal: the NAR of ${info.storePath.path} was uploaded without its listing`);
    return uploaded.listing;
  };
  // The GC notices must have been read at most PUBLISH_WINDOW_MS before the narinfo is put (a GC's settle time
  // covers that window); after a slow check or listing upload, everything is checked and written again.
  for (let noticesReadAt = 0; Date.now() - noticesReadAt > PUBLISH_WINDOW_MS; ) {
    noticesReadAt = await checkStillPresent(context, uploaded);
    if (settings["write-nar-listing"]) {
      const key = listingKey(info.storePath.hashPart);
      await guard(key, storeUrl, "write", () =>
        blobs.put(key, Buffer.from(formatNarListing(listing())), { contentType: LISTING_CONTENT_TYPE }),
      );
    }
    if (settings["index-debug-info"]) await writeDebugInfoLinks(blobs, narKey, findDebugInfoLinks(listing()), storeUrl);
  }

  const narInfo: NarInfo = {
    storePath: info.storePath,
    url: narKey,
    compression: uploaded.compression,
    ...(uploaded.fileHash === undefined ? {} : { fileHash: uploaded.fileHash }),
    ...(uploaded.fileSize === undefined ? {} : { fileSize: uploaded.fileSize }),
    narHash: info.narHash,
    narSize: info.narSize,
    references: [...info.references],
    ...(info.deriver === undefined ? {} : { deriver: info.deriver }),
    sigs: [],
    ...(info.ca === undefined ? {} : { ca: info.ca }),
    ...(info.extraFields === undefined ? {} : { extraFields: info.extraFields }),
  };
  const signatures = new Set([...(info.sigs ?? []), ...signWithKeys(secretKeys, fingerprint(narInfo))]);
  narInfo.sigs = [...signatures].sort();
  await context.writeNarInfo(narInfo);
  return { ...narInfo, narUploaded: uploaded.narUploaded };
}

function checkClaims(info: PathInfoToAdd, storeUrl: string): void {
  const refuse = (rule: string): never => {
    throw new StoreError("INVALID_PATH_INFO", `cannot add ${info.storePath.path} to ${storeUrl}: ${rule}`, {
      storeUrl,
    });
  };
  if (info.narHash.algorithm !== "sha256") refuse(`NarHash must be sha256, got ${info.narHash.algorithm}`);
  if (!Number.isSafeInteger(info.narSize) || info.narSize <= 0)
    refuse(`NarSize must be a positive integer, got ${info.narSize}`);
  for (const path of [...info.references, ...(info.deriver ? [info.deriver] : [])]) {
    if (path.storeDir !== info.storePath.storeDir)
      refuse(`${path.path} is not in store directory ${info.storePath.storeDir}`);
  }
}

/**
 * Passes the NAR through while hashing, counting and parsing it. The checks run inside the stream, before its
 * last chunk is released, so a mismatch makes the consumer (the upload) fail and nothing is stored.
 */
function verifiedNar(
  nar: AsyncIterable<Uint8Array>,
  info: PathInfoToAdd,
  inspector: NarInspector<NarListing> | undefined,
  narKey: string,
  storeUrl: string,
) {
  let listing: NarListing | undefined;
  const where = `NAR for ${info.storePath.path} (${objectName(narKey, storeUrl)})`;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const sink = new HashSink("sha256");
    for await (const chunk of nar) {
      sink.update(chunk);
      if (sink.size > info.narSize) {
        throw new StoreError("NAR_SIZE_MISMATCH", `${where} is longer than the claimed NarSize ${info.narSize}`, {
          key: narKey,
          storeUrl,
        });
      }
      // The parser reads queued chunks later: it gets a copy, as the source may reuse the chunk's memory.
      await inspector?.push(Buffer.from(chunk)).catch((error: unknown) => {
        throw new StoreError("NAR_CORRUPT", `${where} is not a valid NAR: ${messageOf(error)}`, {
          key: narKey,
          storeUrl,
          cause: error,
        });
      });
      yield chunk;
    }
    const result = sink.finish();
    if (result.size !== info.narSize) {
      throw new StoreError(
        "NAR_SIZE_MISMATCH",
        `${where} has ${result.size} bytes, but NarSize claims ${info.narSize}`,
        { key: narKey, storeUrl },
      );
    }
    if (!result.hash.equals(info.narHash)) {
      throw new StoreError(
        "NAR_HASH_MISMATCH",
        `${where} hashes to ${formatHash(result.hash)}, but NarHash claims ${formatHash(info.narHash)}`,
        { key: narKey, storeUrl },
      );
    }
    try {
      listing = await inspector?.finish();
    } catch (error) {
      throw new StoreError("NAR_CORRUPT", `${where} is not a valid NAR: ${messageOf(error)}`, {
        key: narKey,
        storeUrl,
        cause: error,
      });
    }
  }
  return {
    chunks: chunks(),
    /** The listing once the NAR was read; undefined when it was not parsed. */
    listing(): NarListing | undefined {
      return listing;
    },
  };
}
