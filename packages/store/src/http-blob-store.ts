// The read-only http(s):// transport over global fetch: HEAD for exists, GET (with Range) for get; 404 and 403
// mean absent, as in Nix. Content-Encodings fetch does not decode itself (zstd, xz, bzip2) are decoded here.

import { decompressStream, DEFAULT_CONTENT_ENCODING_LIMIT } from "@narwhal/codecs";
import type { BlobGetOptions, BlobListEntry, BlobObject, BlobStore } from "./blob-store.js";
import { validateBlobKey } from "./blob-key.js";
import { StoreError, messageOf, objectName } from "./errors.js";

/** Encodings undici's fetch already decodes before handing out the body. */
const DECODED_BY_FETCH = new Set(["gzip", "x-gzip", "deflate", "br", "identity", ""]);

export class HttpBlobStore implements BlobStore {
  readonly #base: string;

  /** `baseUrl` is the cache root, e.g. `https://cache.example.org/prefix` (a trailing '/' is ignored). */
  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, "");
  }

  #urlOf(key: string): string {
    validateBlobKey(key, this.#base);
    return `${this.#base}/${key.split("/").map(encodeURIComponent).join("/")}`;
  }

  async #fetch(key: string, init: RequestInit): Promise<Response | undefined> {
    const url = this.#urlOf(key);
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const code = typeof cause?.code === "string" ? `${cause.code} ` : "";
      throw new StoreError(
        "TRANSPORT",
        `cannot ${init.method ?? "GET"} ${objectName(key, this.#base)}: ${code}${messageOf(cause ?? error)}`.trimEnd(),
        { key, storeUrl: this.#base, cause: error },
      );
    }
    if (response.status === 404 || response.status === 403) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new StoreError(
        "TRANSPORT",
        `${init.method ?? "GET"} ${objectName(key, this.#base)} failed: HTTP ${response.status} ${response.statusText}`,
        { key, storeUrl: this.#base },
      );
    }
    return response;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#fetch(key, { method: "HEAD" })) !== undefined;
  }

  async get(key: string, options: BlobGetOptions = {}): Promise<BlobObject | undefined> {
    const headers: Record<string, string> = {};
    const range = options.range;
    if (range !== undefined) headers["range"] = `bytes=${range.start}-${range.end ?? ""}`;
    const response = await this.#fetch(key, { method: "GET", headers });
    if (response === undefined) return undefined;
    const encoding = (response.headers.get("content-encoding") ?? "").trim().toLowerCase();
    const raw = webBody(response);
    const body = DECODED_BY_FETCH.has(encoding)
      ? raw
      : decompressStream(encoding, raw, { maxOutputBytes: DEFAULT_CONTENT_ENCODING_LIMIT });
    const length = response.headers.get("content-length");
    const contentType = response.headers.get("content-type");
    return {
      body: toBuffers(body),
      ...(length !== null && encoding === "" && range === undefined ? { size: Number(length) } : {}),
      ...(contentType === null ? {} : { contentType }),
      ...(encoding === "" ? {} : { contentEncoding: encoding }),
    };
  }

  put(key: string): Promise<void> {
    return Promise.reject(this.#readOnly(key, "write"));
  }

  delete(key: string): Promise<void> {
    return Promise.reject(this.#readOnly(key, "delete"));
  }

  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<BlobListEntry> {
    throw new StoreError("UNSUPPORTED", `cannot list ${this.#base}: HTTP binary caches offer no listing`, { storeUrl: this.#base });
  }

  #readOnly(key: string, what: string): StoreError {
    return new StoreError("READ_ONLY", `cannot ${what} ${objectName(key, this.#base)}: http(s) binary caches are read-only`, {
      key, storeUrl: this.#base,
    });
  }
}

async function* webBody(response: Response): AsyncGenerator<Uint8Array> {
  if (response.body === null) return;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
}

async function* toBuffers(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
