// The four parsers `pnpm fuzz` covers, each through its package's public exports only.

import type { FuzzTarget } from "./fuzz-target.js";
import { createListingTarget } from "./listing-target.js";
import { createNarInfoTarget } from "./narinfo-target.js";
import { createNarTarget } from "./nar-target.js";
import { createStoreUrlTarget } from "./store-url-target.js";

export async function createAllTargets(): Promise<Array<FuzzTarget<never>>> {
  // biome-ignore lint/suspicious/noExplicitAny: each target has its own input type; the runner only passes a target its own inputs
  const targets: Array<FuzzTarget<any>> = [
    await createNarTarget(),
    createNarInfoTarget(),
    await createListingTarget(),
    createStoreUrlTarget(),
  ];
  return targets as Array<FuzzTarget<never>>;
}
