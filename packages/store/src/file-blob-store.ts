// The file:// transport: objects are files under one directory, keys are relative paths. Writes go to a temp
// file in the target's own directory and are renamed into place, so readers never see a partial object. A temp
// file a killed writer left is this transport's pending multipart upload: listed and aborted (deleted) like S3's.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { BlobGetOptions, BlobListEntry, BlobObject, BlobPutOptions, BlobStore } from "./blob-store.js";
import type { MultipartMaintenance, PendingMultipartUpload } from "./multipart-maintenance.js";
import { validateBlobKey } from "./blob-key.js";
import { StoreError, messageOf, objectName } from "./errors.js";

const TEMP_PREFIX = ".narwhal-tmp-";
/** A file the walk found: its object key (for a temp file, the object it would become) and what it is. */
interface WalkedFile {
  readonly key: string;
  readonly entry: { readonly name: string; readonly temp: boolean; readonly size: number; readonly mtime: Date };
}

/** What follows TEMP_PREFIX in a temp file's name: 16 random hex digits, then the name of the object it becomes. */
const AFTER_TEMP_PREFIX = /^[0-9a-f]{16}-(.+)$/;

export class FileBlobStore implements BlobStore, MultipartMaintenance {
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

  #path(key: string): string {
    return join(this.#root, validateBlobKey(key, this.#url));
  }

  #failure(key: string, what: string, error: unknown): StoreError {
    return new StoreError("TRANSPORT", `cannot ${what} ${objectName(key, this.#url)}: ${messageOf(error)}`, {
      key, storeUrl: this.#url, cause: error,
    });
  }

  async exists(key: string): Promise<boolean> {
    const path = this.#path(key);
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isAbsent(error)) return false;
      throw this.#failure(key, "check", error);
    }
  }

  async get(key: string, options: BlobGetOptions = {}): Promise<BlobObject | undefined> {
    const path = this.#path(key);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      size = info.size;
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw this.#failure(key, "read", error);
    }
    const range = options.range;
    const stream = createReadStream(path, {
      highWaterMark: 1 << 20,
      ...(range === undefined ? {} : { start: range.start, ...(range.end === undefined ? {} : { end: range.end }) }),
    });
    return { body: stream, size };
  }

  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, _options: BlobPutOptions): Promise<void> {
    const path = this.#path(key);
    const directory = dirname(path);
    const temp = join(directory, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}-${basename(path)}`);
    try {
      await mkdir(directory, { recursive: true });
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : Readable.from(body, { objectMode: false });
      await pipeline(source, createWriteStream(temp, { flags: "wx", mode: 0o644 }));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof StoreError) throw error;
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
  async *listMultipartUploads(prefix = ""): AsyncIterable<PendingMultipartUpload> {
    for await (const { key, entry } of this.#walk(prefix)) {
      if (entry.temp) yield { key, uploadId: entry.name, initiated: entry.mtime };
    }
  }

  /** Deletes the temp file `uploadId` next to `key` (a writer still using it then fails instead of publishing). */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    if (!uploadId.startsWith(TEMP_PREFIX) || uploadId.includes("/")) {
      throw new StoreError("INVALID_KEY", `cannot abort upload ${JSON.stringify(uploadId)} of ${objectName(key, this.#url)}: not a temp file name of this store`, { key, storeUrl: this.#url });
    }
    try {
      await unlink(join(dirname(this.#path(key)), uploadId));
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
      const objectNameOf = temp ? (AFTER_TEMP_PREFIX.exec(entry.name.slice(TEMP_PREFIX.length))?.[1] ?? entry.name) : entry.name;
      const key = relative === "" ? objectNameOf : `${relative}/${objectNameOf}`;
      if (entry.isDirectory() && !temp) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.#walkDirectory(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        let info;
        try {
          info = await stat(join(this.#root, relative, entry.name));
        } catch (error) {
          if (isAbsent(error)) continue; // renamed or deleted since readdir
          throw this.#failure(key, "list", error);
        }
        yield { key, entry: { name: entry.name, temp, size: info.size, mtime: info.mtime } };
      }
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.#path(key));
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
