// Shared Piscina pools (one per thread count) that run codec chunk modules in worker threads. Pools (and the zstd
// stream workers) are created lazily and closed with closeCompressionPools().

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { closeZstdWorkers } from "./zstd-worker-pool.js";

const pools = new Map<number, Piscina>();

function workerFileUrl(): string {
  const here = new URL(import.meta.url);
  // When this module runs from TypeScript sources (tests), the workers still need compiled JavaScript.
  if (here.pathname.endsWith(".ts")) return new URL("../dist/chunk-worker.js", here).href;
  return new URL("./chunk-worker.js", here).href;
}

/** A chunk module URL that exists on disk: from sources, `src/x.js` is served by the compiled `dist/x.js`. */
export function chunkModuleUrl(moduleUrl: string): string {
  if (!moduleUrl.startsWith("file:") || existsSync(fileURLToPath(moduleUrl))) return moduleUrl;
  const compiled = moduleUrl.replace(/\/src\/(?!.*\/src\/)/, "/dist/");
  return existsSync(fileURLToPath(compiled)) ? compiled : moduleUrl;
}

export function compressionPool(threads: number): Piscina {
  let pool = pools.get(threads);
  if (!pool) {
    pool = new Piscina({ filename: workerFileUrl(), minThreads: 0, maxThreads: threads, idleTimeout: 2_000 });
    pools.set(threads, pool);
  }
  return pool;
}

export async function closeCompressionPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.destroy());
  pools.clear();
  await Promise.all([...closing, closeZstdWorkers()]);
}
