// The file:// transport: objects are files under one directory, keys are relative paths. Writes go to a temp
// file in the target's own directory and are renamed into place, so readers never see a partial object.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { BlobGetOptions, BlobListEntry, BlobObject, BlobPutOptions, BlobStore } from "./blob-store.js";
import { validateBlobKey } from "./blob-key.js";
import { StoreError, messageOf, objectName } from "./errors.js";

const TEMP_PREFIX = ".narwhal-tmp-";

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
    const temp = join(directory, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
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
    const slash = prefix.lastIndexOf("/");
    const base = slash < 0 ? "" : prefix.slice(0, slash);
    yield* this.#walk(base, prefix);
  }

  async *#walk(relative: string, prefix: string): AsyncGenerator<BlobListEntry> {
    let entries;
    try {
      entries = await readdir(relative === "" ? this.#root : join(this.#root, relative), { withFileTypes: true });
    } catch (error) {
      if (isAbsent(error)) return;
      throw this.#failure(relative || ".", "list", error);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX)) continue;
      const key = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.#walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(join(this.#root, key));
        yield { key, size: info.size, lastModified: info.mtime };
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
