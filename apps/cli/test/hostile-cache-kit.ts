// Helpers to write hostile binary caches by hand (file:// dirs, one-body http servers, bombs made by the native
// compressors from /dev/zero) and to run the built narwhal under GNU time, returning its peak RSS.

import { spawn } from "node:child_process";
import { constants, createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NarWriter, writeNar, type NarWriteEvent } from "@narwhal/nar";
import {
  formatHash,
  formatNarInfo,
  hashBytes,
  HashSink,
  makeStorePath,
  type Hash,
  type StorePath,
} from "@narwhal/store-path";
import { NARWHAL } from "./run-narwhal.js";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A store path whose hash part is derived from `name` (so each case has its own narinfo). */
export function hostilePath(name: string): StorePath {
  return makeStorePath("output:out", hashBytes("sha256", `narwhal hostile ${name}`), name);
}

/** Any valid sha256 (the bombs are refused before a NarHash is ever compared). */
export function anyNarHash(seed: string): Hash {
  return hashBytes("sha256", `any nar hash ${seed}`);
}

/** NAR bytes up to the first content byte of `file` in a root directory: `( type directory entry ( name file node ( type regular contents <size>`. */
export function narPrefixOfDirectoryWithFile(fileName: string, fileSize: number): Buffer {
  const writer = new NarWriter();
  return Buffer.concat([writer.directory([]), writer.fileStart([Buffer.from(fileName)], fileSize, false)]);
}

/** The bytes that close that NAR after exactly `fileSize` content bytes (padding, then the entry and the root). */
export function narSuffixOfDirectoryWithFile(fileName: string, fileSize: number): Buffer {
  const writer = new NarWriter();
  writer.directory([]);
  writer.fileStart([Buffer.from(fileName)], fileSize, false);
  return Buffer.concat([writer.fileEnd(), writer.end()]);
}

/** Runs `sh -c script` with positional args; rejects with its stderr when it fails. */
export function sh(script: string, args: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (piece: Buffer) => (err += piece.toString()));
    child.on("error", reject);
    child.on("close", (status) =>
      status === 0 ? resolve() : reject(new Error(`sh -c ${script} ${args.join(" ")} exited ${status}: ${err}`)),
    );
  });
}

/** The native compressor command for a narwhal compression name, reading stdin, writing stdout. */
export const NATIVE_COMPRESSOR: Readonly<Record<string, string>> = {
  xz: "xz -0 -T1 -q -c",
  bzip2: "bzip2 -9 -q -c",
  gzip: "gzip -9 -q -c",
  zstd: "zstd -3 -q -c",
  br: "brotli -q 5 -c",
  none: "cat",
};

/**
 * Writes to `outFile` the native compression of `prefix` followed by `zeros` zero bytes (and `suffix`), streamed
 * from /dev/zero through the compressor: the expanded bytes never exist in this process. Returns the object's bytes.
 */
export async function writeZeroBomb(
  codec: string,
  outFile: string,
  prefix: Buffer,
  zeros: number,
  suffix: Buffer = Buffer.alloc(0),
): Promise<Buffer> {
  const command = NATIVE_COMPRESSOR[codec];
  if (command === undefined) throw new Error(`no native compressor for ${codec}`);
  await writeFile(`${outFile}.prefix`, prefix);
  await writeFile(`${outFile}.suffix`, suffix);
  await sh(`{ cat "$1"; head -c "$2" /dev/zero; cat "$3"; } | ${command} > "$4"`, [
    `${outFile}.prefix`,
    String(zeros),
    `${outFile}.suffix`,
    outFile,
  ]);
  await rm(`${outFile}.prefix`);
  await rm(`${outFile}.suffix`);
  return readFile(outFile);
}

export interface HostileNarInfo {
  readonly storePath: StorePath;
  readonly url: string;
  /** The `Compression:` value; `undefined` leaves the line out (Nix then assumes bzip2). */
  readonly compression: string | undefined;
  readonly narHash: Hash;
  readonly narSize: number;
  readonly fileHash?: Hash;
  readonly fileSize?: number;
}

/** Unsigned narinfo text as Nix writes it (formatNarInfo), without the Compression line when `compression` is undefined. */
export function hostileNarInfoText(info: HostileNarInfo): string {
  const text = formatNarInfo({
    storePath: info.storePath,
    url: info.url,
    compression: info.compression ?? "bzip2",
    narHash: info.narHash,
    narSize: info.narSize,
    references: [],
    sigs: [],
    ...(info.fileHash === undefined ? {} : { fileHash: info.fileHash }),
    ...(info.fileSize === undefined ? {} : { fileSize: info.fileSize }),
  });
  return info.compression === undefined
    ? text
        .split("\n")
        .filter((line) => !line.startsWith("Compression:"))
        .join("\n")
    : text;
}

/** Creates a file:// cache at `cacheDir` (nix-cache-info for /nix/store and nar/) and returns its URL. */
export async function makeFileCache(cacheDir: string): Promise<string> {
  await mkdir(join(cacheDir, "nar"), { recursive: true });
  await writeFile(join(cacheDir, "nix-cache-info"), "StoreDir: /nix/store\n");
  return `file://${cacheDir}`;
}

/** Writes `<hash>.narinfo` into a file:// cache; the NAR object at `info.url` is the caller's (see writeZeroBomb). */
export async function writeNarInfoFile(cacheDir: string, info: HostileNarInfo): Promise<string> {
  const key = `${info.storePath.hashPart}.narinfo`;
  await writeFile(join(cacheDir, key), hostileNarInfoText(info));
  return key;
}

/** `nar/<nix32 NarHash>.nar<ext>`, narwhal's naming. */
export function narKeyFor(narHash: Hash, extension: string): string {
  return `nar/${formatHash(narHash, "nix32", { prefix: false })}.nar${extension}`;
}

export interface HostileBody {
  readonly headers: Readonly<Record<string, string>>;
  /** A whole body, or a fresh stream per request (ended or destroyed when the client goes away). */
  readonly body: Buffer | (() => Readable);
}

export interface HostileServer {
  readonly url: string;
  /** Bytes of each streamed body written before the client went away, per request. */
  readonly streamed: number[];
  close(): Promise<void>;
}

/**
 * An http server on 127.0.0.1 (port 0) serving `nix-cache-info` and the given hostile bodies by key; every other key
 * is 404. A streamed body stops (and its generator is destroyed) as soon as the client closes the connection.
 */
export async function serveHostile(routes: Readonly<Record<string, HostileBody>>): Promise<HostileServer> {
  const open = new Set<ServerResponse>();
  const streamed: number[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    open.add(response);
    response.on("close", () => open.delete(response));
    const key = decodeURIComponent((request.url ?? "/").replace(/^\/+/, "").split("?")[0]!);
    if (key === "nix-cache-info") {
      response.writeHead(200, { "content-type": "text/x-nix-cache-info" }).end("StoreDir: /nix/store\n");
      return;
    }
    const route = routes[key];
    if (route === undefined) {
      response.writeHead(404).end();
      return;
    }
    if (Buffer.isBuffer(route.body)) {
      response.writeHead(200, { ...route.headers, "content-length": String(route.body.length) });
      response.end(request.method === "HEAD" ? undefined : route.body);
      return;
    }
    response.writeHead(200, route.headers); // no Content-Length: chunked
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const source = route.body();
    let sent = 0;
    source.on("data", (piece: Buffer) => (sent += piece.length));
    response.on("close", () => {
      streamed.push(sent);
      source.destroy();
    });
    source.on("error", () => response.destroy());
    source.pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    streamed,
    close: () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A lazily generated narinfo of `totalBytes` (a StorePath line, then `Sig: x:y` lines), generated only as it is read. */
export function endlessNarInfo(storePath: StorePath, totalBytes: number): () => Readable {
  return () => {
    const line = Buffer.from("Sig: x:y\n");
    const block = Buffer.concat(Array.from({ length: 7282 }, () => line)); // ~64 KiB per push
    let sent = 0;
    return new Readable({
      read() {
        if (sent === 0) {
          const head = Buffer.from(`StorePath: ${storePath.path}\n`);
          sent += head.length;
          this.push(head);
          return;
        }
        if (sent >= totalBytes) {
          this.push(null);
          return;
        }
        const piece = block.subarray(0, Math.min(block.length, totalBytes - sent));
        sent += piece.length;
        this.push(piece);
      },
    });
  };
}

export interface MeasuredRun {
  status: number;
  /** The first 64 KiB of stdout. */
  stdout: Buffer;
  /** Total bytes written to stdout. */
  stdoutBytes: number;
  stderr: string;
  /** Peak resident set of the narwhal process (GNU time's %M), in MiB. */
  peakRssMiB: number;
}

const STDOUT_KEPT = 64 * 1024;

/** Runs `node dist/main.js ARGS` under `/usr/bin/time -f %M -o FILE` (FILE under `scratchDir`) and reports its peak RSS. */
export function narwhalMeasured(args: string[], scratchDir: string): Promise<MeasuredRun> {
  const timeFile = join(scratchDir, `time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", timeFile, process.execPath, NARWHAL, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (piece: Buffer) => {
      stdoutBytes += piece.length;
      if (keptBytes < STDOUT_KEPT) {
        kept.push(piece.subarray(0, STDOUT_KEPT - keptBytes));
        keptBytes += Math.min(piece.length, STDOUT_KEPT - keptBytes);
      }
    });
    child.stderr.on("data", (piece: Buffer) => {
      if (stderr.length < 1 << 20) stderr += piece.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      readFile(timeFile, "utf8").then(async (text) => {
        await rm(timeFile, { force: true });
        // GNU time adds "Command exited with non-zero status N" (or "terminated by signal") before the format line
        const kib = Number(text.trim().split("\n").pop());
        if (!Number.isFinite(kib)) throw new Error(`cannot read peak RSS from ${JSON.stringify(text)}`);
        resolve({
          status: code ?? -1,
          stdout: Buffer.concat(kept),
          stdoutBytes,
          stderr,
          peakRssMiB: Math.round((kib / 1024) * 10) / 10,
        });
      }, reject);
    });
  });
}

/** Regular, readable files directly inside `dirs` (no symlinks), sorted: real bytes to build a legitimate NAR from. */
export async function realFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = join(dir, entry.name);
      try {
        await access(file, constants.R_OK);
        if ((await stat(file)).size > 0) files.push(file);
      } catch {
        // unreadable: skipped
      }
    }
  }
  return files.sort();
}

/** Exactly `total` bytes: the contents of `files` concatenated, cycled as often as needed, in pieces of <= 1 MiB. */
export async function* cycledFileBytes(files: readonly string[], total: number): AsyncGenerator<Buffer> {
  if (files.length === 0) throw new Error("no input files");
  let left = total;
  while (left > 0) {
    for (const file of files) {
      for await (const piece of createReadStream(file, { highWaterMark: MiB }) as AsyncIterable<Buffer>) {
        const used = piece.length > left ? piece.subarray(0, left) : piece;
        left -= used.length;
        yield used;
        if (left === 0) return;
      }
    }
  }
}

export interface WrittenNar {
  readonly narHash: Hash;
  readonly narSize: number;
  readonly fileHash: Hash;
  readonly fileSize: number;
  /** The NAR object's key in the cache, `nar/<nix32 NarHash>.nar.zst`. */
  readonly key: string;
}

/**
 * Streams the NAR of `events` (@narwhal/nar's writeNar) through `zstd ARGS` into a new object of the file:// cache
 * at `cacheDir`, hashing the NAR and the compressed file on the way; nothing is held whole in memory.
 */
export async function writeZstdNarObject(
  cacheDir: string,
  events: AsyncIterable<NarWriteEvent> | Iterable<NarWriteEvent>,
  zstdArgs: readonly string[],
): Promise<WrittenNar> {
  const narSink = new HashSink("sha256");
  const fileSink = new HashSink("sha256");
  const partial = join(cacheDir, "nar", `writing-${process.pid}.partial`);
  const zstd = spawn("zstd", [...zstdArgs, "-c"], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<number | null>((resolve, reject) => {
    zstd.on("error", reject);
    zstd.on("close", resolve);
  });
  const hashFile = new Transform({
    transform(piece: Buffer, _encoding, done) {
      fileSink.update(piece);
      done(null, piece);
    },
  });
  const written = pipeline(zstd.stdout, hashFile, createWriteStream(partial));
  await pipeline(Readable.from(narSink.passThrough(writeNar(events))), zstd.stdin);
  await written;
  const status = await exited;
  if (status !== 0) throw new Error(`zstd ${zstdArgs.join(" ")} exited ${status}`);
  const nar = narSink.finish();
  const file = fileSink.finish();
  const key = narKeyFor(nar.hash, ".zst");
  await rename(partial, join(cacheDir, key));
  return { narHash: nar.hash, narSize: nar.size, fileHash: file.hash, fileSize: file.size, key };
}

/** Removes a tree even where a restore left directories read-only (as Nix's canonical store paths are). */
export async function removeTree(path: string): Promise<void> {
  await sh(`[ ! -e "$1" ] || { chmod -R u+w "$1" && rm -rf "$1"; }`, [path]);
}
