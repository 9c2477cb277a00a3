// The NAR serializer of @narwhal/nar-native (an optional C addon): the same walk and bytes as the JavaScript one,
// without Node's cost per file-system call. Its failures come back as facts and are worded by dump-errors.ts.

import type { NarDumpFailure } from "@narwhal/nar-native";
import { badSymlinkTarget, fileChanged, systemError, tooDeep, unsupportedFileType } from "./dump-errors.js";
import { MIN_DUMP_BUFFER } from "./dump-framing.js";
import { packageRequire } from "./package-files.js";
import type { NarChunksOptions } from "./nar-chunks.js";

export type NarDumpAddon = typeof import("@narwhal/nar-native");

let loaded: NarDumpAddon | null | undefined;

/** The addon, or undefined when it is not installed or not built (then the JavaScript serializer runs). */
export function loadNarDumpAddon(): NarDumpAddon | undefined {
  if (loaded === undefined) {
    try {
      loaded = packageRequire("@narwhal/nar-native") as NarDumpAddon;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** NAR bytes of `root` from the addon, as views of the buffers `nextBuffer` hands out. */
export function* nativeNarChunks(
  addon: NarDumpAddon,
  root: Buffer,
  options: NarChunksOptions,
): Generator<Buffer, void, undefined> {
  const dumper = addon.createDumper(root);
  try {
    for (;;) {
      const buffer = checkedOutput(options.nextBuffer());
      let filled: number;
      try {
        filled = addon.fill(dumper, buffer);
      } catch (failure) {
        throw dumpError(failure);
      }
      if (filled === 0) return;
      yield buffer.subarray(0, filled);
    }
  } finally {
    addon.release(dumper);
  }
}

/**
 * The addon's fills of `root`, run on libuv's pool threads so that the walk's file system calls leave this thread
 * free (for hashing, compressing, writing what came before). `fill(buffer)` writes the next bytes into `buffer` and
 * resolves with their count (0 at the end); one at a time. `release()` closes what the dump holds, after a running
 * fill has settled.
 */
export function nativeNarFills(
  addon: NarDumpAddon,
  root: Buffer,
): { fill(buffer: Buffer): Promise<number>; release(): void } {
  const dumper = addon.createDumper(root);
  return {
    async fill(buffer) {
      try {
        return await addon.fillAsync(dumper, checkedOutput(buffer));
      } catch (failure) {
        throw dumpError(failure);
      }
    },
    release: () => addon.release(dumper),
  };
}

/** `buffer`, when it can hold one node's framing (the addon's own check would throw a less specific error). */
function checkedOutput(buffer: Buffer): Buffer {
  if (buffer.length < MIN_DUMP_BUFFER)
    throw new RangeError(`NAR dump output buffers must hold at least ${MIN_DUMP_BUFFER} bytes, got ${buffer.length}`);
  return buffer;
}

function dumpError(failure: unknown): unknown {
  if (typeof failure !== "object" || failure === null || !("narDumpFailure" in failure)) return failure;
  const fact = failure as NarDumpFailure;
  switch (fact.narDumpFailure) {
    case "errno":
      return systemError(fact.errno, fact.syscall, fact.path);
    case "unsupported":
      return unsupportedFileType(fact.path, fact.text);
    case "too-deep":
      return tooDeep(fact.path, fact.number);
    case "changed":
      return fileChanged(fact.path, fact.text, fact.number);
    case "bad-target":
      return badSymlinkTarget(fact.path, fact.bytes);
    case "used-after-failure":
      return new Error(`internal: the native NAR dump of ${fact.path.toString()} was used after it failed`);
  }
}
