// A corpus of the NARs of a local path's closure (as the local Nix store records it), references first: the bytes
// a `narwhal copy` of that path would compress. PATH may be a store path, a path inside one, or a symlink to one
// (./result, /run/current-system).

import { realpath } from "node:fs/promises";
import type { LocalStore } from "@narwhal/local-store";
import { CodecBenchError } from "./bench-error.js";
import type { Corpus } from "./bench-input.js";

/** The store path (`<storeDir>/<hash>-<name>`) that `path` resolves into, or a CLOSURE_NOT_IN_STORE error. */
export async function storePathOf(path: string, store: LocalStore): Promise<string> {
  let resolved: string;
  try {
    resolved = await realpath(path);
  } catch (error) {
    throw new CodecBenchError(
      "CLOSURE_NOT_IN_STORE",
      path,
      `cannot resolve ${JSON.stringify(path)}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const realDir = await realpath(store.realStoreDir).catch(() => store.realStoreDir);
  const prefix = `${realDir}/`;
  if (!resolved.startsWith(prefix)) {
    throw new CodecBenchError(
      "CLOSURE_NOT_IN_STORE",
      path,
      `${JSON.stringify(path)} resolves to ${JSON.stringify(resolved)}, which is not inside the Nix store ${store.realStoreDir}; measure plain files with --input instead`,
    );
  }
  const baseName = resolved.slice(prefix.length).split("/")[0]!;
  return `${store.storeDir}/${baseName}`;
}

export async function closureCorpus(store: LocalStore, path: string): Promise<Corpus> {
  const root = await storePathOf(path, store);
  const closure = store.computeClosure([root]);
  return {
    description: `closure of ${root} (${closure.length} paths)`,
    async *items() {
      for (const info of closure) yield { name: info.storePath.path, bytes: store.narFromPath(info.storePath) };
    },
  };
}
