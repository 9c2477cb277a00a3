// BinaryCacheStore: a Nix binary cache over any BlobStore — cache info, narinfo look-ups with signature checks
// and an LRU, verified NAR streaming, listings, build logs and adding paths. The details live in the files it
// delegates to; this class holds the state and the order of operations.

import { catNar, listNar, type NarListing } from "@narwhal/nar";
import type { TrustedKeys } from "@narwhal/signing";
import {
  MISSING_NAME, StorePath, narInfoFileFor, parseNarInfo, parseStorePath, type NarInfo,
} from "@narwhal/store-path";
import { defaultStoreSettings, parseStoreUrl, type SettingName, type StoreSettings, type StoreUrl } from "@narwhal/store-url";
import type { BlobStore } from "./blob-store.js";
import { guard, readSmallObject } from "./blob-io.js";
import { readBuildLog, writeBuildLog } from "./build-logs.js";
import { loadCacheInfo, type EffectiveCacheInfo } from "./cache-info.js";
import { StoreError, messageOf, objectName } from "./errors.js";
import { LocalNarCache } from "./local-nar-cache.js";
import { downloadNar, readCachedNar } from "./nar-download.js";
import { formatBareRoot, listingNodeAt, readListingObject } from "./nar-listings.js";
import {
  publishPathInfo, uploadNarObject, uploadPath,
  type AddToStoreResult, type ListedNarObject, type NarUploadContext, type PathInfoToAdd, type UploadedNar,
} from "./nar-upload.js";
import { NarInfoCache } from "./narinfo-cache.js";
import { describeStoreUrl, openBlobStore, type OpenBlobStoreOptions } from "./open-blob-store.js";
import { checkNarInfoTrust } from "./signature-policy.js";

export interface BinaryCacheStoreOptions {
  /** Public keys whose signatures make a narinfo acceptable. */
  readonly trustedPublicKeys?: TrustedKeys;
  /** Default true; false accepts unsigned narinfos (as does the `trusted=true` setting). */
  readonly requireSigs?: boolean;
  /** Settings the URL set explicitly; they win over nix-cache-info's WantMassQuery/Priority. */
  readonly explicit?: ReadonlySet<SettingName>;
  /** How to name the cache in messages (default: derived from the settings' type). */
  readonly url?: string;
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
  readonly nar: AsyncIterable<Uint8Array>;
  /** Re-upload even when a narinfo exists. */
  readonly repair?: boolean;
}

/** A NAR to upload without its narinfo (see uploadNar). */
export interface UploadNarRequest extends Omit<AddToStoreRequest, "repair"> {
  /**
   * Whether `nar/<NarHash>.nar<ext>` exists (and its size), from a listing the caller took in this run; omitted =
   * the store asks the transport. Only pass what a listing showed: a wrong "absent" re-uploads the same bytes.
   */
  readonly listedNarObject?: ListedNarObject;
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
  #cacheInfo: EffectiveCacheInfo | undefined;

  constructor(blobs: BlobStore, settings: StoreSettings = defaultStoreSettings(), options: BinaryCacheStoreOptions = {}) {
    this.#blobs = blobs;
    this.#settings = settings;
    this.#explicit = options.explicit ?? new Set();
    this.#url = options.url ?? "binary cache";
    this.#trustedKeys = options.trustedPublicKeys;
    this.#requireSigs = (options.requireSigs ?? true) && !settings.trusted;
    this.#narInfos = new NarInfoCache(settings["path-info-cache-size"]);
    this.#localNars = settings["local-nar-cache"] === "" ? undefined : new LocalNarCache(settings["local-nar-cache"]);
  }

  /** Opens the transport for a store URL and runs init(). */
  static async open(url: StoreUrl | string, options: OpenStoreOptions = {}): Promise<BinaryCacheStore> {
    const parsed = typeof url === "string" ? parseStoreUrl(url) : url;
    const store = new BinaryCacheStore(await openBlobStore(parsed, options), parsed.settings, {
      ...options,
      explicit: options.explicit ?? parsed.explicit,
      url: options.url ?? describeStoreUrl(parsed),
    });
    await store.init({ create: options.createCacheInfo ?? true });
    return store;
  }

  get url(): string {
    return this.#url;
  }

  get settings(): StoreSettings {
    return this.#settings;
  }

  get blobs(): BlobStore {
    return this.#blobs;
  }

  /** Reads nix-cache-info (StoreDir must match `store`) and writes it when absent and `create` is set. */
  async init(options: { create?: boolean } = {}): Promise<StoreInfo> {
    this.#cacheInfo = await loadCacheInfo(this.#blobs, this.#settings, this.#explicit, this.#url, { create: options.create ?? true });
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
      throw new StoreError("INVALID_PATH_INFO", `${JSON.stringify(path)} is not a store path of ${this.#url}: ${messageOf(error)}`, {
        storeUrl: this.#url, cause: error,
      });
    }
  }

  /** The narinfo of a path, checked (hash part, name, signatures), or undefined when the cache lacks it. */
  async queryPathInfo(path: StorePath | string): Promise<NarInfo | undefined> {
    const storePath = this.parsePath(path);
    const cached = this.#narInfos.lookup(storePath.hashPart);
    if (cached !== undefined) return this.#matching(cached.info, storePath);
    const key = narInfoFileFor(storePath);
    const bytes = await readSmallObject(this.#blobs, key, this.#url);
    if (bytes === undefined) {
      this.#narInfos.remember(storePath.hashPart, undefined);
      return undefined;
    }
    let info: NarInfo;
    try {
      info = parseNarInfo(bytes.toString("utf8"), {
        storeDir: this.#settings.store, expectedHashPart: storePath.hashPart, source: `${key} in ${this.#url}`,
      });
    } catch (error) {
      throw new StoreError("NARINFO_CORRUPT", `narinfo ${objectName(key, this.#url)} is corrupt: ${messageOf(error)}`, {
        key, storeUrl: this.#url, cause: error,
      });
    }
    checkNarInfoTrust(info, { trustedKeys: this.#trustedKeys, requireSigs: this.#requireSigs }, key, this.#url);
    this.#narInfos.remember(storePath.hashPart, info);
    return this.#matching(info, storePath);
  }

  #matching(info: NarInfo | undefined, wanted: StorePath): NarInfo | undefined {
    if (info === undefined || wanted.name === MISSING_NAME || info.storePath.name === wanted.name) return info;
    const key = narInfoFileFor(wanted);
    throw new StoreError("NARINFO_CORRUPT", `narinfo ${objectName(key, this.#url)} is for ${info.storePath.path}, not ${wanted.path}`, {
      key, storeUrl: this.#url,
    });
  }

  /** True when the cache has a narinfo for the path (signatures are not checked). */
  async isValidPath(path: StorePath | string): Promise<boolean> {
    const storePath = this.parsePath(path);
    const cached = this.#narInfos.lookup(storePath.hashPart);
    if (cached !== undefined) return cached.info !== undefined;
    const key = narInfoFileFor(storePath);
    return guard(key, this.#url, "check", () => this.#blobs.exists(key));
  }

  async #requireInfo(path: StorePath | string | NarInfo): Promise<NarInfo> {
    if (typeof path !== "string" && !(path instanceof StorePath)) return path;
    const storePath = this.parsePath(path);
    const info = await this.queryPathInfo(storePath);
    if (info === undefined) {
      throw new StoreError("PATH_NOT_IN_CACHE", `${storePath.path} is not in ${this.#url} (no ${narInfoFileFor(storePath)})`, {
        key: narInfoFileFor(storePath), storeUrl: this.#url,
      });
    }
    return info;
  }

  /** The decompressed NAR of a path, streamed; the stream fails at its end if NarSize/NarHash do not match. */
  async *narFromPath(path: StorePath | string | NarInfo): AsyncGenerator<Buffer, void, undefined> {
    const info = await this.#requireInfo(path);
    const local = this.#localNars;
    if (local !== undefined && (await local.hasNar(info.storePath.hashPart))) {
      yield* readCachedNar(info, local);
      return;
    }
    yield* downloadNar(info, { blobs: this.#blobs, storeUrl: this.#url, narInfoKey: narInfoFileFor(info.storePath), localCache: local });
    if (local !== undefined && (await local.readListing(info.storePath.hashPart)) === undefined) {
      await local.saveListing(info.storePath.hashPart, formatBareRoot(await listNar(local.readNar(info.storePath.hashPart))));
    }
  }

  /** The path's NAR listing: local cache, then the cache's `.ls`, else computed from the NAR. */
  async getListing(path: StorePath | string | NarInfo): Promise<NarListing> {
    const info = await this.#requireInfo(path);
    const hashPart = info.storePath.hashPart;
    const local = await this.#localNars?.readListing(hashPart);
    if (local !== undefined) return { version: 1, root: local };
    const listing = (await readListingObject(this.#blobs, hashPart, this.#url)) ?? (await listNar(this.narFromPath(info)));
    if (this.#localNars !== undefined && (await this.#localNars.readListing(hashPart)) === undefined) {
      await this.#localNars.saveListing(hashPart, formatBareRoot(listing));
    }
    return listing;
  }

  /**
   * The bytes of the regular file at `subpath` inside the path. The listing is consulted first (a missing file
   * fails without fetching the NAR); a locally cached NAR is read at the listed offset, otherwise the NAR streams.
   */
  async *readFile(path: StorePath | string | NarInfo, subpath: string): AsyncGenerator<Buffer, void, undefined> {
    const info = await this.#requireInfo(path);
    const node = listingNodeAt((await this.getListing(info)).root, subpath, info.storePath.path);
    if (node.type !== "regular") throw new StoreError("UNSUPPORTED", `${info.storePath.path}/${subpath.replace(/^\/+/, "")} is a ${node.type}, not a regular file`);
    const local = this.#localNars;
    if (local !== undefined && node.narOffset !== undefined && (await local.hasNar(info.storePath.hashPart))) {
      if (node.size > 0) yield* local.readNar(info.storePath.hashPart, { start: node.narOffset, end: node.narOffset + node.size - 1 });
      return;
    }
    yield* catNar(this.narFromPath(info), subpath);
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
    for await (const entry of this.#blobs.list()) {
      const match = /^([0-9a-z]{32})\.narinfo$/.exec(entry.key);
      if (match !== null) yield match[1]!;
    }
  }

  /**
   * Adds a path: references must already have narinfos; the NAR goes to `nar/<nix32 NarHash>.nar<ext>` (skipped
   * when that object exists — then FileSize is the existing object's size and FileHash is omitted); the listing
   * and debuginfo links follow; the signed narinfo is written last.
   */
  async addToStore(request: AddToStoreRequest): Promise<AddToStoreResult> {
    const { info, nar } = request;
    if (request.repair !== true) {
      const existing = await this.#existingNarInfo(info.storePath);
      if (existing !== undefined) return { narInfo: existing, added: false, narUploaded: false };
    }
    const written = await uploadPath(this.#uploadContext(), info, nar);
    const { narUploaded, ...narInfo } = written;
    this.#narInfos.remember(info.storePath.hashPart, narInfo);
    return { narInfo, added: true, narUploaded };
  }

  /**
   * First half of addToStore, for bulk copies that upload NARs in any order: streams and verifies the NAR into
   * `nar/<nix32 NarHash>.nar<ext>` (or only verifies it when that object exists) and writes no narinfo. References
   * are not checked here; publishPathInfo checks them.
   */
  async uploadNar(request: UploadNarRequest): Promise<UploadedNar> {
    return uploadNarObject(this.#uploadContext(), request.info, request.nar, request.listedNarObject);
  }

  /**
   * Second half of addToStore: once every reference has a narinfo, writes the listing, debuginfo links and the
   * signed narinfo (last). Fails with REFERENCE_MISSING, writing nothing, while a reference lacks its narinfo.
   */
  async publishPathInfo(uploaded: UploadedNar): Promise<AddToStoreResult> {
    const { narUploaded, ...narInfo } = await publishPathInfo(this.#uploadContext(), uploaded);
    this.#narInfos.remember(uploaded.info.storePath.hashPart, narInfo);
    return { narInfo, added: true, narUploaded };
  }

  #uploadContext(): NarUploadContext {
    return {
      blobs: this.#blobs,
      settings: this.#settings,
      storeUrl: this.#url,
      hasNarInfo: (reference) => this.#narInfoExists(reference),
    };
  }

  /** Like isValidPath, but a remembered miss is asked again (another writer may have added it since). */
  async #narInfoExists(path: StorePath): Promise<boolean> {
    if (this.#narInfos.lookup(path.hashPart)?.info !== undefined) return true;
    const key = narInfoFileFor(path);
    return guard(key, this.#url, "check", () => this.#blobs.exists(key));
  }

  async #existingNarInfo(storePath: StorePath): Promise<NarInfo | undefined> {
    if (!(await this.#narInfoExists(storePath))) return undefined;
    this.#narInfos.forget(storePath.hashPart);
    try {
      return (await this.queryPathInfo(storePath)) ?? undefined;
    } catch {
      return undefined; // unreadable or untrusted narinfo: add the path again over it
    }
  }
}
