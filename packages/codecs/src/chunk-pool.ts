// Shared Piscina pools (one per thread count) that run codec chunk modules in worker threads. Pools (and the zstd
// stream workers) are created lazily and closed with closeCompressionPools().

import type { Piscina } from "piscina";
import { piscinaModule } from "./native-modules.js";
import { compiledModuleUrl } from "./package-files.js";
import { closeZstdWorkers } from "./zstd-worker-pool.js";

const pools = new Map<number, Piscina>();

export function compressionPool(threads: number): Piscina {
  let pool = pools.get(threads);
  if (!pool) {
    pool = new (piscinaModule().Piscina)({
      filename: compiledModuleUrl("chunk-worker.js").href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 2_000,
    });
    pools.set(threads, pool);
  }
  return pool;
}

export async function closeCompressionPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.destroy());
  pools.clear();
  await Promise.all([...closing, closeZstdWorkers()]);
}
