// The file:// transport: objects are files under one directory, keys are relative paths. Writes go to a temp
// file in the target's own directory and are renamed into place, so readers never see a partial object. A temp
// file a killed writer left is this transport's pending multipart upload: listed and aborted (deleted) like S3's.
// A symlink inside the cache is never followed (the cache is untrusted input): it is refused by name.

import { constants, createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { BlobGetOptions, BlobHead, BlobListEntry, BlobObject, BlobPutOptions, BlobStore } from "./blob-store.js";
import type { MultipartUploads, PendingMultipartUpload } from "./multipart-uploads.js";
import { validateBlobKey } from "./blob-key.js";
import { BlobStoreError, messageOf, objectName } from "./errors.js";

const TEMP_PREFIX = ".narwhal-tmp-";
/** A file the walk found: its object key (for a temp file, the object it would become) and what it is. */
interface WalkedFile {
  readonly key: string;
  readonly entry: { readonly name: string; readonly temp: boolean; readonly size: number; readonly mtime: Date };
}

/** What follows TEMP_PREFIX in a temp file's name: 16 random hex digits, then the name of the object it becomes. */
const AFTER_TEMP_PREFIX = /^[0-9a-f]{16}-(.+)$/;

export class FileBlobStore implements BlobStore {
  readonly #root: string;
  readonly #url: string;

  /** `root` is the cache directory (need not exist yet; it is created on the first write). */
  constructor(root: string) {
    this.#root = root;
    this.#url = `file://${root}`;
  }

  get root(): string {
    return this.#root;
  }

  get url(): string {
    return this.#url;
  }

  /** Unfinished writes (temp files) are this transport's pending uploads. */
  readonly multipart: MultipartUploads = {
    list: (prefix) => this.#listTempFiles(prefix),
    abort: (key, uploadId) => this.#deleteTempFile(key, uploadId),
  };

  async close(): Promise<void> {}

  #path(key: string): string {
    return join(this.#root, validateBlobKey(key, this.#url));
  }

  #failure(key: string, what: string, error: unknown): BlobStoreError {
    return new BlobStoreError("TRANSPORT", `cannot ${what} ${objectName(key, this.#url)}: ${messageOf(error)}`, {
      key,
      storeUrl: this.#url,
      cause: error,
    });
  }

  #symlinkRefused(key: string, at: string): BlobStoreError {
    return new BlobStoreError(
      "OUTSIDE_CACHE",
      `refusing ${objectName(key, this.#url)}: ${at} is a symlink, and a file:// cache never follows symlinks`,
      { key, storeUrl: this.#url },
    );
  }

  /**
   * The key's path, after checking that no directory between the cache root and the object is a symlink (the
   * object itself is opened with O_NOFOLLOW). Undefined when a directory on the way does not exist.
   */
  async #safePath(key: string): Promise<string | undefined> {
    const path = this.#path(key);
    const segments = key.split("/");
    for (let index = 1; index < segments.length; index++) {
      const prefix = segments.slice(0, index).join("/");
      try {
        const info = await lstat(join(this.#root, prefix));
        if (info.isSymbolicLink()) throw this.#symlinkRefused(key, `'${prefix}'`);
        if (!info.isDirectory()) return undefined;
      } catch (error) {
        if (isAbsent(error)) return undefined;
        throw error instanceof BlobStoreError ? error : this.#failure(key, "read", error);
      }
    }
    return path;
  }

  /** Opens the object without following a symlink; undefined when it is absent or not a regular file. */
  async #openObject(key: string, what: string) {
    const path = await this.#safePath(key);
    if (path === undefined) return undefined;
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if (isAbsent(error)) return undefined;
      if ((error as NodeJS.ErrnoException).code === "ELOOP") throw this.#symlinkRefused(key, "the object");
      throw this.#failure(key, what, error);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return undefined;
      }
      return { handle, info };
    } catch (error) {
      await handle.close();
      throw this.#failure(key, what, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const opened = await this.#openObject(key, "check");
    if (opened === undefined) return undefined;
    await opened.handle.close();
    return { size: opened.info.size, lastModified: opened.info.mtime };
  }

  async get(key: string, options: BlobGetOptions = {}): Promise<BlobObject | undefined> {
    const opened = await this.#openObject(key, "read");
    if (opened === undefined) return undefined;
    const range = options.range;
    const stream = createReadStream("", {
      fd: opened.handle,
      autoClose: true,
      highWaterMark: 1 << 20,
      ...(range === undefined ? {} : { start: range.start, ...(range.end === undefined ? {} : { end: range.end }) }),
    });
    return { body: stream, size: opened.info.size };
  }

  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, _options: BlobPutOptions): Promise<void> {
    const path = this.#path(key);
    const directory = dirname(path);
    const temp = join(directory, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}-${basename(path)}`);
    try {
      await mkdir(directory, { recursive: true });
      if ((await this.#safePath(key)) === undefined)
        throw this.#failure(key, "write", new Error("its directory vanished"));
      const source =
        body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : Readable.from(body, { objectMode: false });
      await pipeline(source, createWriteStream(temp, { flags: "wx", mode: 0o644 }));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof BlobStoreError) throw error;
      // An error thrown by the body itself (not by the file system) is passed through unchanged.
      if ((error as NodeJS.ErrnoException).syscall === undefined) throw error;
      throw this.#failure(key, "write", error);
    }
  }

  async *list(prefix = ""): AsyncIterable<BlobListEntry> {
    for await (const { key, entry } of this.#walk(prefix)) {
      if (entry.temp) continue;
      yield { key, size: entry.size, lastModified: entry.mtime };
    }
  }

  /**
   * Temp files left by writers that never finished (a killed run): the key of the object each would have become,
   * the temp file's name as the upload id, and its last write as the start (a live writer keeps it recent).
   */
  async *#listTempFiles(prefix = ""): AsyncIterable<PendingMultipartUpload> {
    for await (const { key, entry } of this.#walk(prefix)) {
      if (entry.temp) yield { key, uploadId: entry.name, initiated: entry.mtime };
    }
  }

  /** Deletes the temp file `uploadId` next to `key` (a writer still using it then fails instead of publishing). */
  async #deleteTempFile(key: string, uploadId: string): Promise<void> {
    if (!uploadId.startsWith(TEMP_PREFIX) || uploadId.includes("/")) {
      throw new BlobStoreError(
        "INVALID_KEY",
        `cannot abort upload ${JSON.stringify(uploadId)} of ${objectName(key, this.#url)}: not a temp file name of this store`,
        { key, storeUrl: this.#url },
      );
    }
    const path = await this.#safePath(key);
    if (path === undefined) return;
    try {
      await unlink(join(dirname(path), uploadId));
    } catch (error) {
      if (isAbsent(error)) return;
      throw this.#failure(key, "delete", error);
    }
  }

  /** Files under the keys starting with `prefix`, temp files included and marked. */
  async *#walk(prefix: string): AsyncGenerator<WalkedFile> {
    const slash = prefix.lastIndexOf("/");
    yield* this.#walkDirectory(slash < 0 ? "" : prefix.slice(0, slash), prefix);
  }

  async *#walkDirectory(relative: string, prefix: string): AsyncGenerator<WalkedFile> {
    let entries;
    try {
      entries = await readdir(relative === "" ? this.#root : join(this.#root, relative), { withFileTypes: true });
    } catch (error) {
      if (isAbsent(error)) return;
      throw this.#failure(relative || ".", "list", error);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const temp = entry.name.startsWith(TEMP_PREFIX);
      // A temp file stands for the object it would have become (older temp names carry no object name).
      const objectNameOf = temp
        ? (AFTER_TEMP_PREFIX.exec(entry.name.slice(TEMP_PREFIX.length))?.[1] ?? entry.name)
        : entry.name;
      const key = relative === "" ? objectNameOf : `${relative}/${objectNameOf}`;
      if (entry.isDirectory() && !temp) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.#walkDirectory(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        let info;
        try {
          info = await lstat(join(this.#root, relative, entry.name));
        } catch (error) {
          if (isAbsent(error)) continue; // renamed or deleted since readdir
          throw this.#failure(key, "list", error);
        }
        yield { key, entry: { name: entry.name, temp, size: info.size, mtime: info.mtime } };
      }
    }
  }

  async delete(key: string): Promise<void> {
    const path = await this.#safePath(key);
    if (path === undefined) return;
    try {
      await unlink(path);
    } catch (error) {
      if (isAbsent(error)) return;
      throw this.#failure(key, "delete", error);
    }
  }
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
