// The read-only http(s):// transport over node:http(s) with its own keep-alive agent: HEAD for exists/head, GET
// (with Range) for get; 404 and 403 mean absent, as in Nix. Every Content-Encoding is decoded here, bounded, and
// every request has a connect timeout and Nix's low-speed rule (below 1 byte/s for the stall time: give up).
// The codecs are loaded when a response first needs decoding.

import type { Agent, IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { redactStoreUrl } from "@narwhal/store-url";
import type { BlobGetOptions, BlobHead, BlobListEntry, BlobObject, BlobStore } from "./blob-store.js";
import { validateBlobKey } from "./blob-key.js";
import { BlobStoreError, messageOf, objectName } from "./errors.js";
import { StallWatch } from "./stall-watch.js";

export interface HttpBlobStoreOptions {
  /** Give up when the TCP (and TLS) connection is not up after this long (default 300 s, curl's default under Nix). */
  readonly connectTimeoutMs?: number;
  /**
   * Give up when fewer than one byte per second arrived over this long, waiting for headers or body (Nix's
   * `stalled-download-timeout`, default 300 s).
   */
  readonly stalledTimeoutMs?: number;
  /** Bound for a body decoded from a Content-Encoding (default: @narwhal/codecs' DEFAULT_CONTENT_ENCODING_LIMIT). */
  readonly maxDecodedBytes?: number;
}

export const HTTP_TIMEOUT_DEFAULTS = { connectTimeoutMs: 300_000, stalledTimeoutMs: 300_000 } as const;

/** Content-Encodings read as the codec of the same name (`x-gzip` is gzip, `identity` is none). */
const ENCODING_CODECS: Readonly<Record<string, string>> = {
  "": "none",
  identity: "none",
  gzip: "gzip",
  "x-gzip": "gzip",
  br: "br",
  zstd: "zstd",
  xz: "xz",
  bzip2: "bzip2",
};

type HttpModule = typeof import("node:http") | typeof import("node:https");
/** node:http or node:https, loaded when an http(s) store opens: commands on other stores do not pay for them. */
const httpModule = (https: boolean): HttpModule =>
  createRequire(import.meta.url)(https ? "node:https" : "node:http") as HttpModule;

export class HttpBlobStore implements BlobStore {
  readonly #base: URL;
  readonly #url: string;
  readonly #agent: Agent;
  readonly #request: HttpModule["request"];
  readonly #connectTimeoutMs: number;
  readonly #stalledTimeoutMs: number;
  /** undefined: @narwhal/codecs' DEFAULT_CONTENT_ENCODING_LIMIT. */
  readonly #maxDecodedBytes: number | undefined;

  /** `baseUrl` is the cache root, e.g. `https://cache.example.org/prefix` (a trailing '/' is ignored). */
  constructor(baseUrl: string, options: HttpBlobStoreOptions = {}) {
    this.#base = new URL(baseUrl.replace(/\/+$/, ""));
    this.#url = displayUrl(this.#base);
    const https = this.#base.protocol === "https:";
    const http = httpModule(https);
    this.#agent = new http.Agent({ keepAlive: true });
    this.#request = http.request;
    this.#connectTimeoutMs = positive(
      options.connectTimeoutMs ?? HTTP_TIMEOUT_DEFAULTS.connectTimeoutMs,
      "connectTimeoutMs",
      this.#url,
    );
    this.#stalledTimeoutMs = positive(
      options.stalledTimeoutMs ?? HTTP_TIMEOUT_DEFAULTS.stalledTimeoutMs,
      "stalledTimeoutMs",
      this.#url,
    );
    this.#maxDecodedBytes = options.maxDecodedBytes;
  }

  /** The cache root without any password. */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  #target(key: string): URL {
    validateBlobKey(key, this.#url);
    const target = new URL(this.#base.href);
    target.pathname = `${this.#base.pathname.replace(/\/+$/, "")}/${key.split("/").map(encodeURIComponent).join("/")}`;
    return target;
  }

  /** Sends one request; resolves with the response once its headers arrived, or undefined for 404/403. */
  #send(
    key: string,
    method: "GET" | "HEAD",
    headers: Record<string, string>,
  ): Promise<{ response: IncomingMessage; watch: StallWatch } | undefined> {
    const target = this.#target(key);
    const send = this.#request;
    return new Promise((resolve, reject) => {
      let received: IncomingMessage | undefined;
      const fail = (error: BlobStoreError): void => {
        // Before the headers the request fails; after them the body's iteration does, with this error.
        if (received !== undefined) received.destroy(error);
        else request.destroy(error);
        reject(error);
      };
      const watch = new StallWatch(this.#stalledTimeoutMs, () => {
        fail(
          new BlobStoreError(
            "TIMEOUT",
            `${method} ${objectName(key, this.#url)} stalled: less than 1 byte/s for ${this.#stalledTimeoutMs / 1000} s`,
            {
              key,
              storeUrl: this.#url,
            },
          ),
        );
      });
      const request = send(target, {
        method,
        agent: this.#agent,
        headers: { ...headers, "accept-encoding": "gzip, br, zstd, xz, bzip2", "user-agent": "narwhal" },
        ...(target.username === ""
          ? {}
          : { auth: `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` }),
      });
      const connectTimer = setTimeout(() => {
        fail(
          new BlobStoreError(
            "TIMEOUT",
            `cannot ${method} ${objectName(key, this.#url)}: no connection after ${this.#connectTimeoutMs / 1000} s`,
            {
              key,
              storeUrl: this.#url,
            },
          ),
        );
      }, this.#connectTimeoutMs);
      request.on("socket", (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once(target.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
      });
      request.on("error", (error) => {
        clearTimeout(connectTimer);
        watch.stop();
        if (error instanceof BlobStoreError) return reject(error);
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          new BlobStoreError(
            "TRANSPORT",
            `cannot ${method} ${objectName(key, this.#url)}: ${code === undefined ? "" : `${code} `}${messageOf(error)}`.trimEnd(),
            {
              key,
              storeUrl: this.#url,
              cause: error,
            },
          ),
        );
      });
      request.on("response", (response) => {
        received = response;
        clearTimeout(connectTimer);
        const status = response.statusCode ?? 0;
        if (status === 404 || status === 403) {
          watch.stop();
          response.resume();
          return resolve(undefined);
        }
        if (status < 200 || status > 299) {
          watch.stop();
          response.resume();
          return reject(
            new BlobStoreError(
              "TRANSPORT",
              `${method} ${objectName(key, this.#url)} failed: HTTP ${status} ${response.statusMessage ?? ""}`.trimEnd(),
              {
                key,
                storeUrl: this.#url,
              },
            ),
          );
        }
        resolve({ response, watch });
      });
      request.end();
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const sent = await this.#send(key, "HEAD", {});
    if (sent === undefined) return undefined;
    sent.watch.stop();
    sent.response.resume();
    const length = Number(sent.response.headers["content-length"] ?? Number.NaN);
    const modified = sent.response.headers["last-modified"];
    return {
      size: Number.isSafeInteger(length) ? length : 0,
      ...(modified === undefined ? {} : { lastModified: new Date(modified) }),
    };
  }

  async get(key: string, options: BlobGetOptions = {}): Promise<BlobObject | undefined> {
    const headers: Record<string, string> = {};
    const range = options.range;
    if (range !== undefined) headers["range"] = `bytes=${range.start}-${range.end ?? ""}`;
    const sent = await this.#send(key, "GET", headers);
    if (sent === undefined) return undefined;
    const { response, watch } = sent;
    const encoding = String(response.headers["content-encoding"] ?? "")
      .trim()
      .toLowerCase();
    const codec = ENCODING_CODECS[encoding];
    if (codec === undefined) {
      watch.stop();
      response.destroy();
      throw new BlobStoreError(
        "UNSUPPORTED",
        `${objectName(key, this.#url)} is served with Content-Encoding ${JSON.stringify(encoding)}, which narwhal cannot decode`,
        {
          key,
          storeUrl: this.#url,
        },
      );
    }
    const raw = watched(response, watch, key, this.#url);
    let body: AsyncIterable<Buffer> = raw;
    if (codec !== "none") {
      const { decompressStream, DEFAULT_CONTENT_ENCODING_LIMIT } = await import("@narwhal/codecs");
      const maxOutputBytes = this.#maxDecodedBytes ?? DEFAULT_CONTENT_ENCODING_LIMIT;
      body = decoded(decompressStream(codec, raw, { maxOutputBytes }), key, this.#url, encoding);
    }
    const length = Number(response.headers["content-length"] ?? Number.NaN);
    const contentType = response.headers["content-type"];
    return {
      body,
      ...(Number.isSafeInteger(length) && codec === "none" && range === undefined ? { size: length } : {}),
      ...(contentType === undefined ? {} : { contentType }),
      ...(encoding === "" ? {} : { contentEncoding: encoding }),
    };
  }

  put(key: string): Promise<void> {
    return Promise.reject(this.#readOnly(key, "write"));
  }

  delete(key: string): Promise<void> {
    return Promise.reject(this.#readOnly(key, "delete"));
  }

  // biome-ignore lint/correctness/useYield: an HTTP cache has nothing to list; the generator only throws
  async *list(): AsyncIterable<BlobListEntry> {
    throw new BlobStoreError("UNSUPPORTED", `cannot list ${this.#url}: HTTP binary caches offer no listing`, {
      storeUrl: this.#url,
    });
  }

  #readOnly(key: string, what: string): BlobStoreError {
    return new BlobStoreError(
      "READ_ONLY",
      `cannot ${what} ${objectName(key, this.#url)}: http(s) binary caches are read-only`,
      {
        key,
        storeUrl: this.#url,
      },
    );
  }
}

/** The response body as Buffers, fed to the stall watch; a stall or a dropped connection fails the iteration. */
async function* watched(
  response: IncomingMessage,
  watch: StallWatch,
  key: string,
  storeUrl: string,
): AsyncGenerator<Buffer> {
  let finished = false;
  try {
    for await (const chunk of response) {
      watch.saw((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    finished = true;
    if (!response.complete) {
      throw new BlobStoreError(
        "TRANSPORT",
        `cannot read ${objectName(key, storeUrl)}: the connection closed before the body ended`,
        { key, storeUrl },
      );
    }
  } catch (error) {
    if (error instanceof BlobStoreError) throw error;
    throw new BlobStoreError("TRANSPORT", `cannot read ${objectName(key, storeUrl)}: ${messageOf(error)}`, {
      key,
      storeUrl,
      cause: error,
    });
  } finally {
    watch.stop();
    if (!finished) response.destroy();
  }
}

async function* decoded(
  body: AsyncIterable<Buffer>,
  key: string,
  storeUrl: string,
  encoding: string,
): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (error) {
    if (error instanceof BlobStoreError) throw error;
    if ((error as { code?: unknown }).code === "OUTPUT_LIMIT_EXCEEDED") {
      throw new BlobStoreError(
        "OBJECT_TOO_LARGE",
        `${objectName(key, storeUrl)} decodes (Content-Encoding ${encoding}) to more than its bound: ${messageOf(error)}`,
        {
          key,
          storeUrl,
          cause: error,
        },
      );
    }
    throw new BlobStoreError(
      "TRANSPORT",
      `cannot decode ${objectName(key, storeUrl)} (Content-Encoding ${encoding}): ${messageOf(error)}`,
      {
        key,
        storeUrl,
        cause: error,
      },
    );
  }
}

/** The URL without its password (store-url's one redaction rule), for messages. */
function displayUrl(url: URL): string {
  return redactStoreUrl(url.href).replace(/\/+$/, "");
}

function positive(value: number, name: string, storeUrl: string): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new BlobStoreError(
      "UNSUPPORTED",
      `${name}=${value} for ${storeUrl} is not valid: it must be a positive number of milliseconds`,
      { storeUrl },
    );
  }
  return value;
}
