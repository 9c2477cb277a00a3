// Where copied paths come from: a source answers path metadata (as the destination's addToStore needs it), the
// closure of a set of paths in topological order, and each path's NAR as a stream.

import type { PathInfoToAdd } from "@narwhal/store";

/** One path to copy: what the destination needs to know, NarHash/NarSize included (the NAR is checked against them). */
export type SourcePathInfo = PathInfoToAdd;

export interface PathSource {
  /** How to name the source in messages (`local`, `s3://bucket`, a directory). */
  readonly description: string;
  /** The store directory the source's paths live in. */
  readonly storeDir: string;
  /**
   * Metadata of `paths` — with everything they reference when `recursive` — references before referrers.
   * Throws PATH_NOT_IN_SOURCE naming a path the source does not have.
   */
  resolve(paths: readonly string[], recursive: boolean): Promise<SourcePathInfo[]>;
  /**
   * The NAR serialisation of one path the source has. Each chunk is valid until the next is pulled (its consumer,
   * the destination's uploadNar, is done with it by then), so a source may write every chunk into the same memory.
   */
  nar(info: SourcePathInfo): AsyncIterable<Uint8Array>;
  /** Releases what the source holds open. */
  close(): Promise<void>;
}
