// Where every dumper gets its NAR bytes: the native serializer when @narwhal/nar-native is built, else the
// JavaScript one. Both write into buffers the caller hands out and give identical bytes and errors.
// NARWHAL_NAR_NATIVE=0 in the environment forces the JavaScript serializer.

import { javascriptNarChunks } from "./javascript-nar-chunks.js";
import { loadNarDumpAddon, nativeNarChunks, nativeNarFills, type NarDumpAddon } from "./native-nar-chunks.js";

export interface NarChunksOptions {
  /**
   * Space for the next bytes, filled from its start; asked for again after each yield (it may be the same buffer).
   * At least MIN_DUMP_BUFFER bytes (8 KiB: the framing of one node, with the longest symlink target).
   */
  nextBuffer(): Buffer;
}

export type NarDumpImplementation = "native" | "javascript";

/** The addon dumps run through: undefined when it is not built or NARWHAL_NAR_NATIVE=0 turns it off. */
function activeAddon(): NarDumpAddon | undefined {
  return process.env.NARWHAL_NAR_NATIVE === "0" ? undefined : loadNarDumpAddon();
}

/** Which serializer dumps run with in this process. */
export function narDumpImplementation(): NarDumpImplementation {
  return activeAddon() === undefined ? "javascript" : "native";
}

/** NAR bytes of `root`, as views of the buffers `nextBuffer` hands out, valid until the next value is requested. */
export function narChunks(root: Buffer, options: NarChunksOptions): Generator<Buffer, void, undefined> {
  const addon = activeAddon();
  return addon === undefined ? javascriptNarChunks(root, options) : nativeNarChunks(addon, root, options);
}

/**
 * The native serializer's fills of `root` off this thread (see nativeNarFills), where the addon is built with them;
 * undefined where dumps run on the JavaScript serializer.
 */
export function narFillsOffThread(root: Buffer): ReturnType<typeof nativeNarFills> | undefined {
  const addon = activeAddon();
  return addon === undefined || typeof addon.fillAsync !== "function" ? undefined : nativeNarFills(addon, root);
}
