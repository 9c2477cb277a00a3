// Piscina worker entry for parallel compression: loads a codec's chunk module (by URL) once and compresses
// one independent chunk per task, returning the compressed bytes as a transferable buffer.

import { move } from "piscina";

interface ChunkTask {
  readonly module: string;
  readonly level: number;
  readonly chunk: Uint8Array;
}
type ChunkModule = { compressChunk(chunk: Uint8Array, level: number): Buffer | Promise<Buffer> };

const modules = new Map<string, Promise<ChunkModule>>();

export default async function compressChunkTask(task: ChunkTask): Promise<unknown> {
  let loading = modules.get(task.module);
  if (!loading) {
    loading = import(task.module) as Promise<ChunkModule>;
    modules.set(task.module, loading);
  }
  const compressed = await (await loading).compressChunk(task.chunk, task.level);
  const owned = new Uint8Array(compressed.byteLength);
  owned.set(compressed);
  return move(owned);
}
