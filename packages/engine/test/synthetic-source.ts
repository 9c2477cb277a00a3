// A PathSource made of generated NARs (one file each, any size) with chosen references, so the scheduler can be
// tested on any graph without Nix. Paths are input-addressed-looking names made from a label.

import { writeNar } from "@narwhal/nar";
import { hashBytes, makeStorePath, type StorePath } from "@narwhal/store-path";
import { topoSort } from "@narwhal/local-store";
import type { PathSource, SourcePathInfo } from "../src/index.js";

export interface SyntheticPath {
  readonly name: string;
  readonly size: number;
  readonly references?: readonly string[];
  /** Same `content` label ⇒ identical NAR. */
  readonly content?: string;
}

async function narOf(contents: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of writeNar([
    { type: "file", segments: [], executable: false, size: contents.length, contents: [contents] },
  ]))
    parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

function contentsOf(label: string, size: number): Buffer {
  const seed = Buffer.from(label);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = seed[i % seed.length]! ^ (i & 0xff);
  return out;
}

export class SyntheticSource implements PathSource {
  readonly description = "synthetic";
  readonly storeDir = "/nix/store";
  readonly paths = new Map<string, StorePath>();
  readonly #infos = new Map<string, SourcePathInfo>();
  readonly #nars = new Map<string, Buffer>();
  /** Paths whose NAR stream fails (to test failure handling). */
  readonly broken = new Set<string>();

  static async of(specs: readonly SyntheticPath[], salt = "t"): Promise<SyntheticSource> {
    const source = new SyntheticSource();
    for (const spec of specs)
      source.paths.set(spec.name, makeStorePath("output:out", hashBytes("sha256", `${salt}:${spec.name}`), spec.name));
    for (const spec of specs) {
      const nar = await narOf(contentsOf(spec.content ?? spec.name, spec.size));
      const storePath = source.paths.get(spec.name)!;
      source.#nars.set(storePath.path, nar);
      source.#infos.set(storePath.path, {
        storePath,
        narHash: hashBytes("sha256", nar),
        narSize: nar.length,
        references: (spec.references ?? []).map((name) => source.paths.get(name)!),
      });
    }
    return source;
  }

  path(name: string): string {
    return this.paths.get(name)!.path;
  }

  async resolve(paths: readonly string[], recursive: boolean): Promise<SourcePathInfo[]> {
    const found = new Map<string, SourcePathInfo>();
    const pending = [...paths];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (found.has(next)) continue;
      const info = this.#infos.get(next)!;
      found.set(next, info);
      if (recursive) pending.push(...info.references.map((reference) => reference.path));
    }
    return topoSort([...found.values()]);
  }

  async *nar(info: SourcePathInfo): AsyncIterable<Uint8Array> {
    const nar = this.#nars.get(info.storePath.path)!;
    for (let offset = 0; offset < nar.length; offset += 65536) {
      if (this.broken.has(info.storePath.path) && offset > 0)
        throw new Error(`disk error reading ${info.storePath.path}`);
      yield nar.subarray(offset, offset + 65536);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {}
}
