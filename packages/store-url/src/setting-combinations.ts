// Refuses combinations of store settings that Nix accepts with only a warning, so a mistake stops the run instead
// of quietly changing what is uploaded: today multipart-threshold below multipart-chunk-size with multipart-upload.

import { StoreUrlError } from "./errors.js";
import type { SettingName, StoreSettings } from "./settings-table.js";

/**
 * Nix 2.33+ warns "multipart-threshold (...) is less than multipart-chunk-size (...), which may result in
 * single-part multipart uploads" when multipart-upload is on; narwhal refuses it, naming both values.
 */
export function checkSettingCombinations(settings: StoreSettings, explicit: ReadonlySet<SettingName>): void {
  const threshold = settings["multipart-threshold"];
  const chunk = settings["buffer-size"];
  if (settings["multipart-upload"] && threshold < chunk) {
    const chunkOrigin = explicit.has("buffer-size") ? "" : " (its default)";
    throw new StoreUrlError(
      "CONFLICTING_VALUES",
      `store URL setting 'multipart-threshold' (${threshold}) is below 'multipart-chunk-size'/'buffer-size' ` +
        `(${chunk}${chunkOrigin}) with multipart-upload=true; objects between the two would become single-part multipart ` +
        "uploads: raise multipart-threshold to at least the chunk size (Nix only warns)",
      { setting: "multipart-threshold", value: String(threshold) },
    );
  }
}
