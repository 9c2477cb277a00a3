// The copy scheduler: skips paths the destination has (concurrent, cached existence checks), uploads the other NARs
// in parallel largest first (identical NARs once), and publishes each narinfo only after its references' narinfos,
// so the destination never holds a narinfo whose NAR or references are missing.

import pLimit from "p-limit";
import { MissingReferencesError, StoreError, type BinaryCacheStore, type UploadedNar } from "@narwhal/store";
import { formatHash } from "@narwhal/store-path";
import { compressionThreadsFor } from "./compression-threads.js";
import type { CopyFailure, CopyReporter, CopySummary } from "./copy-events.js";
import { EngineError, messageOf } from "./errors.js";
import { DEFAULT_STALE_UPLOAD_AGE_MS, abortLeftoverUploads } from "./leftover-uploads.js";
import type { PathSource, SourcePathInfo } from "./path-source.js";

export const DEFAULT_JOBS = 4;
export const DEFAULT_EXISTENCE_CHECKS = 32;
/** A publish is tried again after uploading what a GC deleted at most this often (each GC run costs one). */
const MAX_PUBLISH_ATTEMPTS = 4;

export interface CopyPathsOptions {
  /** NAR uploads at once (default 4). */
  readonly jobs?: number;
  /** Existence checks at once (default 32). */
  readonly existenceChecks?: number;
  readonly reporter?: CopyReporter;
  /** Pending multipart uploads under nar/ older than this are aborted first (default 24 h); see leftover-uploads.ts. */
  readonly staleUploadAgeMs?: number;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // awaited later (or never, when a reference failed); never an unhandled rejection
  return { promise, resolve, reject };
}

/** Copies `infos` (references before referrers, as PathSource.resolve returns them) from `source` to `destination`. */
export async function copyPaths(
  source: PathSource,
  destination: BinaryCacheStore,
  infos: readonly SourcePathInfo[],
  options: CopyPathsOptions = {},
): Promise<CopySummary> {
  const started = performance.now();
  const report: CopyReporter = options.reporter ?? (() => {});
  const jobs = positive(options.jobs ?? DEFAULT_JOBS, "jobs");
  if (source.storeDir !== destination.settings.store) {
    throw new EngineError(
      "BAD_OPTIONS",
      destination.url,
      `cannot copy from ${source.description} (store ${source.storeDir}) to ${destination.url} (store ${destination.settings.store}): store directories differ`,
    );
  }

  const existenceChecks = positive(options.existenceChecks ?? DEFAULT_EXISTENCE_CHECKS, "existenceChecks");
  const snapshot = await destination.takeSnapshot(infos.length);
  const present = await pLimit(existenceChecks).map(infos, (info) => destination.isValidPath(info.storePath, snapshot));
  const skipped: string[] = [];
  const todo: SourcePathInfo[] = [];
  infos.forEach((info, index) => {
    if (present[index]) skipped.push(info.storePath.path);
    else todo.push(info);
  });
  const bytesToCopy = todo.reduce((sum, info) => sum + info.narSize, 0);
  report({ type: "planned", paths: infos.length, toCopy: todo.length, bytesToCopy });
  for (const path of skipped) report({ type: "path-skipped", path });

  const narHashOf = (info: SourcePathInfo): string => formatHash(info.narHash, "nix32", { prefix: false });
  const abortedUploads =
    todo.length === 0
      ? 0
      : await abortLeftoverUploads(
          destination,
          new Set(todo.map(narHashOf)),
          options.staleUploadAgeMs ?? DEFAULT_STALE_UPLOAD_AGE_MS,
        );
  if (abortedUploads > 0) report({ type: "uploads-aborted", count: abortedUploads });

  // The compression worker pools live while this copy uploads (and end with it); codecs load only when a NAR goes up.
  const pools = todo.length === 0 ? undefined : (await import("@narwhal/codecs")).holdCompressionPools();
  try {
    let bytes = 0;
    const uploads = new Map<string, Deferred<UploadedNar>>(
      todo.map((info) => [info.storePath.path, deferred<UploadedNar>()]),
    );
    const narInFlight = new Map<string, Promise<unknown>>();
    const uploadOne = async (info: SourcePathInfo): Promise<void> => {
      const path = info.storePath.path;
      const key = narHashOf(info);
      const earlier = narInFlight.get(key);
      const attempt = (async () => {
        if (earlier !== undefined) await earlier.catch(() => {}); // same NAR: let the first upload finish, then only verify
        report({ type: "path-started", path, narSize: info.narSize });
        const counted = countBytes(source.nar(info), (count) => {
          bytes += count;
          report({ type: "bytes", path, bytes: count });
        });
        // The snapshot is only valid for the first upload of a NAR; a repeat follows the first and must look again.
        return destination.uploadNar({
          info,
          nar: counted,
          snapshot: earlier === undefined ? snapshot : undefined,
          compressionThreads: compressionThreadsFor(info.narSize, bytesToCopy),
        });
      })();
      narInFlight.set(key, attempt);
      try {
        const uploaded = await attempt;
        report({ type: "path-uploaded", path, narUploaded: uploaded.narUploaded });
        uploads.get(path)!.resolve(uploaded);
      } catch (error) {
        uploads.get(path)!.reject(error);
      }
    };
    const largestFirst = [...todo].sort((a, b) => b.narSize - a.narSize);
    const uploading = pLimit(jobs).map(largestFirst, uploadOne);

    const copied: string[] = [];
    const failed: CopyFailure[] = [];
    // A path published only after what it leans on was found gone again (a GC ran meanwhile): upload it once more.
    const closure = new Map(infos.map((info) => [info.storePath.path, info]));
    const repushed = new Map<string, Promise<void>>();
    const repushSlots = pLimit(jobs);
    const skippedSet = new Set<string>();
    const reupload = (info: SourcePathInfo): Promise<UploadedNar> =>
      repushSlots(() => {
        report({ type: "path-started", path: info.storePath.path, narSize: info.narSize });
        const counted = countBytes(source.nar(info), (count) => {
          bytes += count;
          report({ type: "bytes", path: info.storePath.path, bytes: count });
        });
        return destination.uploadNar({
          info,
          nar: counted,
          compressionThreads: compressionThreadsFor(info.narSize, bytesToCopy),
        });
      });
    const repush = (path: string, cause: MissingReferencesError): Promise<void> => {
      let pushing = repushed.get(path);
      if (pushing === undefined) {
        const info = closure.get(path);
        if (info === undefined) return Promise.reject(cause); // not in the closure being copied (--no-recursive)
        pushing = (async () => {
          const uploaded = await reupload(info);
          report({ type: "path-uploaded", path, narUploaded: uploaded.narUploaded });
          await publishRepairing(uploaded);
          if (skippedSet.delete(path)) {
            skipped.splice(skipped.indexOf(path), 1);
            copied.push(path);
          }
          report({ type: "path-finished", path });
        })();
        pushing.catch(() => {}); // awaited by every referrer that needs it
        repushed.set(path, pushing);
      }
      return pushing;
    };
    /** Publishes; a reference or the NAR a GC deleted since it was found present is uploaded again first. */
    const publishRepairing = async (uploaded: UploadedNar): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await destination.publishPathInfo(uploaded);
          return;
        } catch (error) {
          if (attempt >= MAX_PUBLISH_ATTEMPTS) throw error;
          if (error instanceof MissingReferencesError) {
            await Promise.all(error.references.map((reference) => repush(reference.path, error)));
          } else if (error instanceof StoreError && error.code === "NAR_MISSING" && error.key === uploaded.narKey) {
            uploaded = await reupload(uploaded.info);
          } else {
            throw error;
          }
        }
      }
    };
    for (const path of skipped) skippedSet.add(path);
    const published = new Map<string, Promise<void>>();
    for (const info of todo) {
      const path = info.storePath.path;
      const publish = (async () => {
        const uploaded = await uploads.get(path)!.promise;
        for (const reference of info.references) {
          const waitFor = reference.path === path ? undefined : published.get(reference.path);
          if (waitFor === undefined) continue;
          await waitFor.catch((error: unknown) => {
            throw new EngineError(
              "REFERENCE_FAILED",
              path,
              `not published: its reference ${reference.path} could not be copied (${messageOf(error)})`,
              { cause: error },
            );
          });
        }
        await publishRepairing(uploaded);
        copied.push(path);
        report({ type: "path-finished", path });
      })();
      const recorded = publish.catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        failed.push({ path, error: failure.message, ...(codeOf(error) === undefined ? {} : { code: codeOf(error)! }) });
        report({ type: "path-failed", path, error: failure });
        throw error;
      });
      recorded.catch(() => {});
      published.set(path, recorded);
    }
    await uploading;
    await Promise.allSettled(published.values());
    return { copied, skipped, failed, bytes, abortedUploads, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pools?.release();
  }
}

async function* countBytes(
  nar: AsyncIterable<Uint8Array>,
  counted: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of nar) {
    counted(chunk.length);
    yield chunk;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new EngineError("BAD_OPTIONS", String(value), `${name} must be a positive integer, got ${value}`);
  return value;
}
