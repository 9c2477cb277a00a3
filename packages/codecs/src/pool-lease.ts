// Lifetimes of the shared compression worker pools: a caller that runs a job (a copy) holds a lease for its
// duration; when the last lease is released the pools are closed, so their threads end with the job instead of
// idling until their timeout. Pools used without a lease keep their idle timeout.

import { closeCompressionPools } from "./chunk-pool.js";

export interface CompressionPoolsLease {
  /** Gives the lease back; the last one out closes the pools. Releasing twice is harmless. */
  release(): Promise<void>;
}

let holders = 0;

export function holdCompressionPools(): CompressionPoolsLease {
  holders++;
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      holders--;
      if (holders === 0) await closeCompressionPools();
    },
  };
}
