// The DerivationOutputs rows of a `.drv` being registered, from the derivation's text as the caller verified it
// (never read back from the filesystem): each output whose path is known, checked to be a path of the store.

import { type StorePath, parseDerivationOutputs, parseStorePath } from "@narwhal/store-path";
import { LocalStoreError } from "./errors.js";

export interface DerivationOutputRow {
  readonly name: string;
  readonly path: string;
}

/**
 * A derivation's outputs whose paths are known (a floating content-addressed output has none until built).
 * `text` is the `.drv` file's contents; a missing text, malformed ATerm or an output outside `storeDir` is refused.
 */
export function derivationOutputRows(
  drv: StorePath,
  text: string | undefined,
  storeDir: string,
): DerivationOutputRow[] {
  if (text === undefined) {
    throw new LocalStoreError(
      "LOCAL_STORE_BAD_OPTIONS",
      drv.path,
      `cannot register derivation ${drv.path}: its text (the registration's \`derivation\` field) is required for a .drv path`,
    );
  }
  let outputs;
  try {
    outputs = parseDerivationOutputs(text, drv.path);
  } catch (error) {
    throw new LocalStoreError(
      "LOCAL_STORE_BAD_PATH",
      drv.path,
      `cannot register derivation ${drv.path}: ${describe(error)}`,
      { cause: error },
    );
  }
  return outputs
    .filter((output) => output.path !== "")
    .map((output) => {
      try {
        return { name: output.name, path: parseStorePath(output.path, storeDir).path };
      } catch (error) {
        throw new LocalStoreError(
          "LOCAL_STORE_BAD_PATH",
          output.path,
          `cannot register derivation ${drv.path}: its output ${output.name} is not a store path of ${storeDir}: ${describe(error)}`,
          { cause: error },
        );
      }
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
