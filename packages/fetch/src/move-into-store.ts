// Moves a verified, canonicalised tree into a local Nix store and registers it as one step: the rename runs inside
// the registration's transaction, so a refused registration moves nothing and a failed commit moves the tree back.

import { lstatSync, renameSync } from "node:fs";
import type { LocalStoreRegistry, PathRegistration } from "@narwhal/local-store";
import { sealStoreRoot, unsealStoreRoot } from "./canonicalise.js";
import { FetchError, messageOf } from "./errors.js";
import { targetExists } from "./restore-beside.js";

/**
 * Renames `staged` (in a temp directory beside `target`) to `target` and records `registration`, or neither: on any
 * failure `staged` is where it was (the caller removes it with its temp directory) and no row was written.
 */
export function moveIntoStoreAndRegister(
  registry: LocalStoreRegistry,
  registration: PathRegistration,
  staged: string,
  target: string,
): void {
  let moved = false;
  try {
    registry.registerValidPath(registration, {
      beforeCommit: () => {
        if (lstatSync(target, { throwIfNoEntry: false }) !== undefined) throw targetExists(target);
        renameSync(staged, target);
        moved = true;
        sealStoreRoot(target);
      },
    });
  } catch (error) {
    if (moved) undoMove(target, staged, error);
    throw error;
  }
}

function undoMove(target: string, staged: string, cause: unknown): void {
  try {
    unsealStoreRoot(target);
    renameSync(target, staged);
  } catch (error) {
    // Left unregistered at the target; the next copy removes it as a stale leftover before fetching again.
    throw new FetchError(
      "TARGET_EXISTS",
      target,
      `${target} could not be registered (${messageOf(cause)}) nor moved back out of the store (${messageOf(error)}); it is not valid and will be removed by the next copy`,
      { cause },
    );
  }
}
