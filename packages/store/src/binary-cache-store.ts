// BinaryCacheStore: a Nix binary cache over any BlobStore — cache info, narinfo look-ups with signature checks
// and an LRU, the one verified read path for NAR bytes, listings, build logs, adding paths and the maintenance
// operations (scan, sign, delete, pending uploads). It is the only code that touches the transport: the details
// live in the files it delegates to; this class holds the state, the trust decisions and the order of operations.
// The NAR halves (reading, listing, uploading: the NAR, codec and signing code) are imported on first use, so a
// command that only looks at narinfos (a copy of paths the cache already has, path-info) does not load them.

import type { NarListing } from "@narwhal/nar";
import type { SecretKey, TrustedKeys } from "@narwhal/signing";
import {
  MISSING_NAME,
  StorePath,
  formatNarInfo,
  parseNarInfo,
  parseStorePath,
  type NarInfo,
} from "@narwhal/store-path";
import {
  defaultStoreSettings,
  parseStoreUrl,
  type SettingName,
  type StoreSettings,
  type StoreUrl,
} from "@narwhal/store-url";
import type { BlobListEntry, BlobStore, PendingMultipartUpload } from "@narwhal/blob-store";
import { guard, readObject } from "./blob-io.js";
import { readBuildLog, writeBuildLog } from "./build-logs.js";
import { loadCacheInfo, type EffectiveCacheInfo } from "./cache-info.js";
import {
  NARINFO_CONTENT_TYPE,
  classifyKey,
  narInfoKey,
  narInfoKeyOfHashPart,
  type CacheObjectKind,
} from "./cache-layout.js";
import { CacheSnapshot } from "./cache-snapshot.js";
import { readDebugInfoArchive } from "./debug-info-index.js";
import { StoreError, messageOf, objectName } from "./errors.js";
import { GcNoticeBoard, announceGc, withdrawGcNotice, type GcDoomed } from "./gc-notices.js";
import { LocalNarCache } from "./local-nar-cache.js";
import type { AddToStoreResult, ListedNarObject, NarUploadContext, PathInfoToAdd, UploadedNar } from "./nar-upload.js";
import type { NarReadOptions } from "./nar-download.js";
import { NarInfoCache } from "./narinfo-cache.js";
import { describeStoreUrl, openBlobStore, type OpenBlobStoreOptions } from "./open-blob-store.js";
import { checkNarInfoTrust, type TrustBasis } from "./signature-policy.js";
import { loadSigningKeys } from "./signing-keys.js";

export interface BinaryCacheStoreOptions {
  /** Public keys whose signatures make a narinfo acceptable. */
  readonly trustedPublicKeys?: TrustedKeys;
  /** Default true; false accepts unsigned narinfos (as does the `trusted=true` setting). */
  readonly requireSigs?: boolean;
  /** Settings the URL set explicitly; they win over nix-cache-info's WantMassQuery/Priority. */
  readonly explicit?: ReadonlySet<SettingName>;
  /** How to name the cache in messages (default: the transport's own name for itself). */
  readonly url?: string;
  /** Receives warnings (e.g. a group- or world-readable secret key file); default process.emitWarning. */
  readonly onWarning?: (message: string) => void;
}

export interface OpenStoreOptions extends BinaryCacheStoreOptions, OpenBlobStoreOptions {
  /** Write nix-cache-info when absent (default true, like Nix); read-only tools pass false. */
  readonly createCacheInfo?: boolean;
}

export interface StoreInfo {
  readonly url: string;
  readonly storeDir: string;
  readonly priority: number;
  readonly wantMassQuery: boolean;
  readonly systemFeatures: readonly string[];
  /** The `trusted` setting: paths are accepted without signatures. */
  readonly trusted: boolean;
  readonly requireSigs: boolean;
  readonly trustedKeyNames: readonly string[];
  /** The cache's nix-cache-info fields, undefined when the cache has none. */
  readonly cacheInfo: EffectiveCacheInfo["fromCache"];
  readonly settings: StoreSettings;
}

/** A path to add plus its NAR stream. */
export interface AddToStoreRequest {
  readonly info: PathInfoToAdd;
  /** The NAR. The store is done with each chunk when it pulls the next, so the stream may reuse one buffer. */
  readonly nar: AsyncIterable<Uint8Array>;
  /** Re-upload even when a narinfo exists. */
  readonly repair?: boolean;
}

/** A NAR to upload without its narinfo (see uploadNar). */
export interface UploadNarRequest extends Omit<AddToStoreRequest, "repair"> {
  /** A snapshot of the cache taken in this run (takeSnapshot); it answers whether the NAR object exists. */
  readonly snapshot?: CacheSnapshot | undefined;
  /**
   * Threads the compressor may use with parallel-compression (default: one per core); a copy that uploads
   * several NARs at once passes 1 for each NAR that is not most of its bytes (see the engine's compression-threads).
   */
  readonly compressionThreads?: number | undefined;
}

/** A narinfo read without the trust check, for maintenance: parsed, or why it cannot be. */
export type ScannedNarInfo =
  | { readonly key: string; readonly hashPart: string; readonly info: NarInfo; readonly text: string }
  | {
      readonly key: string;
      readonly hashPart: string;
      readonly info?: undefined;
      readonly problem: string;
      readonly missing: boolean;
    };

/** An object of the cache, as a listing shows it, with what kind of object its key says it is. */
export interface CacheObject extends BlobListEntry {
  readonly kind: CacheObjectKind;
  /** For narinfos and listings: the store path hash part the key names. */
  readonly hashPart?: string;
}

export class BinaryCacheStore {
  readonly #blobs: BlobStore;
  readonly #settings: StoreSettings;
  readonly #explicit: ReadonlySet<SettingName>;
  readonly #url: string;
  readonly #trustedKeys: TrustedKeys | undefined;
  readonly #requireSigs: boolean;
  readonly #narInfos: NarInfoCache;
  readonly #localNars: LocalNarCache | undefined;
  readonly #warn: (message: string) => void;
  readonly #gcNotices: GcNoticeBoard;
  #secretKeys: Promise<readonly SecretKey[]> | undefined;
  #cacheInfo: EffectiveCacheInfo | undefined;
  #closed = false;

  constructor(
    blobs: BlobStore,
    settings: StoreSettings = defaultStoreSettings(),
    options: BinaryCacheStoreOptions = {},
  ) {
    this.#blobs = blobs;
    this.#settings = settings;
    this.#explicit = options.explicit ?? new Set();
    this.#url = options.url ?? blobs.url;
    this.#trustedKeys = options.trustedPublicKeys;
    this.#requireSigs = (options.requireSigs ?? true) && !settings.trusted;
    this.#narInfos = new NarInfoCache(settings["path-info-cache-size"]);
    this.#localNars = settings["local-nar-cache"] === "" ? undefined : new LocalNarCache(settings["local-nar-cache"]);
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, "NarwhalWarning"));
    this.#gcNotices = new GcNoticeBoard(blobs, this.#url);
  }

  /** Opens the transport for a store URL and runs init(); close() the store when done. */
  static async open(url: StoreUrl | string, options: OpenStoreOptions = {}): Promise<BinaryCacheStore> {
    const parsed = typeof url === "string" ? parseStoreUrl(url) : url;
    const store = new BinaryCacheStore(await openBlobStore(parsed, options), parsed.settings, {
      ...options,
      explicit: options.explicit ?? parsed.explicit,
      url: options.url ?? describeStoreUrl(parsed),
    });
    try {
      await store.init({ create: options.createCacheInfo ?? true });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  get url(): string {
    return this.#url;
  }

  get settings(): StoreSettings {
    return this.#settings;
  }

  /** Releases the transport (connections, agents); the store must not be used afterwards. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#blobs.close();
  }

  /** Reads nix-cache-info (StoreDir must match `store`) and writes it when absent and `create` is set. */
  async init(options: { create?: boolean } = {}): Promise<StoreInfo> {
    this.#cacheInfo = await loadCacheInfo(this.#blobs, this.#settings, this.#explicit, this.#url, {
      create: options.create ?? true,
    });
    return this.#describe(this.#cacheInfo);
  }

  /** Cache info and the settings in force (runs a read-only init on first use). */
  async info(): Promise<StoreInfo> {
    this.#cacheInfo ??= await loadCacheInfo(this.#blobs, this.#settings, this.#explicit, this.#url, { create: false });
    return this.#describe(this.#cacheInfo);
  }

  #describe(info: EffectiveCacheInfo): StoreInfo {
    return {
      url: this.#url,
      storeDir: info.storeDir,
      priority: info.priority,
      wantMassQuery: info.wantMassQuery,
      systemFeatures: [...this.#settings["system-features"]],
      trusted: this.#settings.trusted,
      requireSigs: this.#requireSigs,
      trustedKeyNames: this.#trustedKeys?.names() ?? [],
      cacheInfo: info.fromCache,
      settings: this.#settings,
    };
  }

  /** Parses a full store path of this store's directory (or passes a StorePath through). */
  parsePath(path: StorePath | string): StorePath {
    if (typeof path !== "string") return path;
    try {
      return parseStorePath(path, this.#settings.store);
    } catch (error) {
      throw new StoreError(
        "INVALID_PATH_INFO",
        `${JSON.stringify(path)} is not a store path of ${this.#url}: ${messageOf(error)}`,
        {
          storeUrl: this.#url,
          cause: error,
        },
      );
    }
  }

  /** The narinfo of a path, checked (hash part, name, signatures), or undefined when the cache lacks it. */
  async queryPathInfo(path: StorePath | string): Promise<NarInfo | undefined> {
    const storePath = this.parsePath(path);
    const cached = this.#narInfos.lookup(storePath.hashPart);
    if (cached !== undefined) return this.#matching(cached.info, storePath);
    const scanned = await this.scanNarInfo(storePath.hashPart, { throwOnProblem: true });
    if (scanned.info === undefined) {
      this.#narInfos.remember(storePath.hashPart, undefined);
      return undefined;
    }
    this.checkTrust(scanned.info);
    this.#narInfos.remember(storePath.hashPart, scanned.info);
    return this.#matching(scanned.info, storePath);
  }

  /**
   * Reads and parses a narinfo without the trust check (for verify, sign and gc), through the bounded reader.
   * With `throwOnProblem`, a corrupt or unreadable narinfo throws instead of being described.
   */
  async scanNarInfo(hashPart: string, options: { throwOnProblem?: boolean } = {}): Promise<ScannedNarInfo> {
    const key = narInfoKeyOfHashPart(hashPart);
    let bytes: Buffer | undefined;
    try {
      bytes = await readObject(this.#blobs, key, "narinfo", this.#url);
    } catch (error) {
      if (options.throwOnProblem === true) throw error;
      return { key, hashPart, problem: messageOf(error), missing: false };
    }
    if (bytes === undefined)
      return { key, hashPart, problem: `${objectName(key, this.#url)} does not exist`, missing: true };
    const text = bytes.toString("utf8");
    try {
      const info = parseNarInfo(text, {
        storeDir: this.#settings.store,
        expectedHashPart: hashPart,
        source: `${key} in ${this.#url}`,
      });
      return { key, hashPart, info, text };
    } catch (error) {
      const corrupt = new StoreError(
        "NARINFO_CORRUPT",
        `narinfo ${objectName(key, this.#url)} is corrupt: ${messageOf(error)}`,
        {
          key,
          storeUrl: this.#url,
          cause: error,
        },
      );
      if (options.throwOnProblem === true) throw corrupt;
      return { key, hashPart, problem: corrupt.message, missing: false };
    }
  }

  /**
   * Why this narinfo may be used (throws UNTRUSTED_SIGNATURES when it may not): "content-address" means it holds
   * only once its NAR proved the address, which narFromPath checks.
   */
  checkTrust(info: NarInfo): TrustBasis {
    return checkNarInfoTrust(
      info,
      { trustedKeys: this.#trustedKeys, requireSigs: this.#requireSigs },
      narInfoKey(info.storePath),
      this.#url,
    );
  }

  #matching(info: NarInfo | undefined, wanted: StorePath): NarInfo | undefined {
    if (info === undefined || wanted.name === MISSING_NAME || info.storePath.name === wanted.name) return info;
    const key = narInfoKey(wanted);
    throw new StoreError(
      "NARINFO_CORRUPT",
      `narinfo ${objectName(key, this.#url)} is for ${info.storePath.path}, not ${wanted.path}`,
      {
        key,
        storeUrl: this.#url,
      },
    );
  }

  /**
   * Whether the cache has the path: the one "already present" rule every writer uses. A narinfo object exists
   * (its signatures are not checked). A remembered hit answers without a request; so does a snapshot taken in
   * this run, both ways; without one a miss is always asked again (another writer may have added it since).
   * `fresh` (the check right before a referrer is published) trusts only narinfos this store wrote itself and
   * asks the cache about every other path: a GC may have deleted it since it was remembered.
   */
  async isValidPath(
    path: StorePath | string,
    snapshot?: CacheSnapshot,
    options: { readonly fresh?: boolean } = {},
  ): Promise<boolean> {
    const storePath = this.parsePath(path);
    const remembered = this.#narInfos.lookup(storePath.hashPart);
    if (remembered?.info !== undefined && (options.fresh !== true || remembered.written)) return true;
    if (snapshot !== undefined && options.fresh !== true) return snapshot.hasNarInfo(storePath.hashPart);
    const key = narInfoKey(storePath);
    return guard(key, this.#url, "check", () => this.#blobs.exists(key));
  }

  /**
   * One listing of the whole cache for a bulk copy of `pathCount` paths, answering isValidPath and whether NAR
   * objects exist; undefined when the cache is too large for that to be cheaper, or cannot be listed.
   */
  takeSnapshot(pathCount: number): Promise<CacheSnapshot | undefined> {
    return CacheSnapshot.take(this.listObjects(), pathCount);
  }

  async #requireInfo(path: StorePath | string | NarInfo): Promise<NarInfo> {
    if (typeof path !== "string" && !(path instanceof StorePath)) return path;
    const storePath = this.parsePath(path);
    const info = await this.queryPathInfo(storePath);
    if (info === undefined) {
      throw new StoreError(
        "PATH_NOT_IN_CACHE",
        `${storePath.path} is not in ${this.#url} (no ${narInfoKey(storePath)})`,
        {
          key: narInfoKey(storePath),
          storeUrl: this.#url,
        },
      );
    }
    return info;
  }

  /**
   * The decompressed NAR of a path, streamed: the one verified read path. The narinfo must be trusted (a
   * NarInfo passed in is checked again); the stream fails at its end, before it completes, when FileSize/FileHash,
   * NarSize/NarHash or the content address (`CA:`, whoever signed it) do not match. A consumer must not
   * hand bytes on before the stream completed (see readFile, which holds them back).
   */
  async *narFromPath(
    path: StorePath | string | NarInfo,
    options: NarReadOptions = {},
  ): AsyncGenerator<Buffer, void, undefined> {
    const info = await this.#requireInfo(path);
    this.checkTrust(info);
    const [{ ContentAddressProof }, { downloadNar, readCachedNar }] = await Promise.all([
      import("./content-address-proof.js"),
      import("./nar-download.js"),
    ]);
    const proof = ContentAddressProof.needed(info);
    const local = this.#localNars;
    if (local !== undefined && (await local.hasNar(info.storePath.hashPart))) {
      yield* readCachedNar(info, local, proof);
      return;
    }
    yield* downloadNar(info, {
      blobs: this.#blobs,
      storeUrl: this.#url,
      narInfoKey: narInfoKey(info.storePath),
      localCache: local,
      contentAddressProof: proof,
      reuseChunks: options.reuseChunks === true,
    });
  }

  /**
   * The path's NAR listing, computed from the verified NAR (from the local NAR cache when it holds it). A cache's
   * `.ls` is unsigned and a local `.ls` may come from anywhere, so neither is trusted for this; the local cache
   * keeps the computed listing for Nix, which reads it there.
   */
  async getListing(path: StorePath | string | NarInfo): Promise<NarListing> {
    const info = await this.#requireInfo(path);
    const { listNar } = await import("@narwhal/nar");
    return listNar(this.narFromPath(info));
  }

  /**
   * The bytes of the regular file at `subpath` inside the path. Nothing is yielded until the whole NAR was read
   * and verified: the file is held in a private temp file meanwhile.
   */
  async *readFile(path: StorePath | string | NarInfo, subpath: string): AsyncGenerator<Buffer, void, undefined> {
    const info = await this.#requireInfo(path);
    const { fileInNar } = await import("./file-in-nar.js");
    yield* fileInNar(this.narFromPath(info), subpath, info.storePath.path);
  }

  async getBuildLog(drvPath: StorePath | string): Promise<Buffer | undefined> {
    return readBuildLog(this.#blobs, this.parsePath(drvPath), this.#url);
  }

  /** Uploads a build log under `log/<drv base name>`; returns the key. */
  async addBuildLog(drvPath: StorePath | string, log: string | Uint8Array): Promise<string> {
    return writeBuildLog(this.#blobs, this.parsePath(drvPath), log, this.#url);
  }

  /** Hash parts of every narinfo at the cache root. */
  async *listNarInfos(): AsyncGenerator<string, void, undefined> {
    for await (const object of this.listObjects()) if (object.kind === "narinfo") yield object.hashPart!;
  }

  /** Every object of the cache (under `prefix`), with its kind. */
  async *listObjects(prefix?: string): AsyncGenerator<CacheObject, void, undefined> {
    const entries = this.#blobs.list(prefix);
    const iterator = entries[Symbol.asyncIterator]();
    for (;;) {
      const next = await guard(prefix ?? ".", this.#url, "list", () => iterator.next());
      if (next.done === true) return;
      const entry = next.value;
      const kind = classifyKey(entry.key);
      yield { ...entry, kind: kind.kind, ...(kind.hashPart === undefined ? {} : { hashPart: kind.hashPart }) };
    }
  }

  /** Deletes one object (garbage collection); a narinfo's cached look-up is forgotten with it. */
  async deleteObject(key: string): Promise<void> {
    const kind = classifyKey(key);
    if (kind.kind === "narinfo") this.#narInfos.forget(kind.hashPart!);
    await guard(key, this.#url, "delete", () => this.#blobs.delete(key));
  }

  /** The NAR key a `debuginfo/<build-id>` link points to, or undefined when the link is unreadable. */
  readDebugInfoArchive(key: string): Promise<string | undefined> {
    return readDebugInfoArchive(this.#blobs, key, this.#url);
  }

  /** Uploads started and never finished (S3 multipart uploads, file:// temp files); none on http. */
  async pendingUploads(prefix?: string): Promise<PendingMultipartUpload[]> {
    const multipart = this.#blobs.multipart;
    if (multipart === undefined) return [];
    const uploads: PendingMultipartUpload[] = [];
    await guard(prefix ?? ".", this.#url, "list uploads of", async () => {
      for await (const upload of multipart.list(prefix)) uploads.push(upload);
    });
    return uploads;
  }

  async abortUpload(upload: PendingMultipartUpload): Promise<void> {
    const multipart = this.#blobs.multipart;
    if (multipart === undefined) return;
    await guard(upload.key, this.#url, "abort the upload of", () => multipart.abort(upload.key, upload.uploadId));
  }

  /** The store's signing keys (`secret-key`, `secret-keys`), read once per store. */
  secretKeys(): Promise<readonly SecretKey[]> {
    this.#secretKeys ??= loadSigningKeys(this.#settings, this.#url, this.#warn);
    const keys = this.#secretKeys;
    keys.catch(() => (this.#secretKeys = undefined)); // a failed read is tried again next time
    return keys;
  }

  /**
   * Replaces a trusted narinfo's signatures (key rotation) and nothing else, so the fingerprint they sign is the
   * one the trust check accepted: the narinfo must pass that check first.
   */
  async replaceSignatures(info: NarInfo, sigs: readonly string[]): Promise<NarInfo> {
    this.checkTrust(info);
    const updated: NarInfo = { ...info, sigs: [...new Set(sigs)].sort() };
    await this.#writeNarInfo(updated);
    return updated;
  }

  /** The only narinfo writer: puts the narinfo and keeps the look-up cache current. */
  async #writeNarInfo(info: NarInfo): Promise<void> {
    const key = narInfoKey(info.storePath);
    await guard(key, this.#url, "write", () =>
      this.#blobs.put(key, Buffer.from(formatNarInfo(info)), { contentType: NARINFO_CONTENT_TYPE }),
    );
    this.#narInfos.remember(info.storePath.hashPart, info, true);
  }

  /**
   * For `store gc`: puts a notice naming what the run is about to delete (gc-notices.ts), so writers publishing a
   * narinfo that needs one of those objects wait for the run to end and check again. Returns the notice's key;
   * withdraw it (withdrawGcNotice) when the run ends, failed or not.
   */
  announceGc(doomed: GcDoomed, now = new Date()): Promise<string> {
    return announceGc(this.#blobs, this.#url, doomed, now);
  }

  withdrawGcNotice(key: string): Promise<void> {
    return withdrawGcNotice(this.#blobs, this.#url, key);
  }

  /**
   * Adds a path: references must already have narinfos; the NAR goes to `nar/<nix32 NarHash>.nar<ext>` (an object
   * already there is reused only when it decodes to this NAR); the listing and debuginfo links follow; the signed
   * narinfo is written last. A path already present (isValidPath) is left alone unless `repair` is set.
   */
  async addToStore(request: AddToStoreRequest): Promise<AddToStoreResult> {
    const { info, nar } = request;
    if (request.repair !== true && (await this.isValidPath(info.storePath))) {
      const existing = await this.#readableNarInfo(info.storePath);
      if (existing !== undefined) return { narInfo: existing, added: false, narUploaded: false };
    }
    const { uploadPath } = await import("./nar-upload.js");
    const { narUploaded, ...narInfo } = await uploadPath(this.#uploadContext(), info, nar);
    return { narInfo, added: true, narUploaded };
  }

  /**
   * First half of addToStore, for bulk copies that upload NARs in any order: streams and verifies the NAR into
   * `nar/<nix32 NarHash>.nar<ext>` (or only verifies it when a matching object exists) and writes no narinfo.
   * References are not checked here; publishPathInfo checks them.
   */
  async uploadNar(request: UploadNarRequest): Promise<UploadedNar> {
    const { narObjectKeyFor, uploadNarObject } = await import("./nar-upload.js");
    const key = narObjectKeyFor(request.info, this.#settings.compression);
    const listed: ListedNarObject | undefined = request.snapshot?.narObject(key);
    return uploadNarObject(this.#uploadContext(), request.info, request.nar, listed, request.compressionThreads);
  }

  /**
   * Second half of addToStore: once every reference has a narinfo, writes the listing, debuginfo links and the
   * signed narinfo (last). Fails with REFERENCE_MISSING, writing nothing, while a reference lacks its narinfo.
   */
  async publishPathInfo(uploaded: UploadedNar): Promise<AddToStoreResult> {
    const { publishPathInfo } = await import("./nar-upload.js");
    const { narUploaded, ...narInfo } = await publishPathInfo(this.#uploadContext(), uploaded);
    return { narInfo, added: true, narUploaded };
  }

  #uploadContext(): NarUploadContext {
    return {
      blobs: this.#blobs,
      settings: this.#settings,
      storeUrl: this.#url,
      hasNarInfo: (reference, askCache) => {
        if (askCache === true) this.#narInfos.forget(reference.hashPart);
        return this.isValidPath(reference, undefined, { fresh: true });
      },
      wroteNarInfo: (path) => this.#narInfos.lookup(path.hashPart)?.written === true,
      awaitGcSweeps: (leanedOn, what) => this.#gcNotices.waitUntilClear(leanedOn, what),
      secretKeys: () => this.secretKeys(),
      writeNarInfo: (info) => this.#writeNarInfo(info),
    };
  }

  /** The path's narinfo when it can be read and trusted; undefined otherwise (addToStore then writes it anew). */
  async #readableNarInfo(storePath: StorePath): Promise<NarInfo | undefined> {
    this.#narInfos.forget(storePath.hashPart);
    try {
      return await this.queryPathInfo(storePath);
    } catch {
      return undefined;
    }
  }
}
