// Validation of a Nix store directory such as /nix/store: absolute, canonical (no trailing slash,
// no empty, "." or ".." components) and free of characters that would break line-based formats.

import { StoreDirError } from "./errors.js";

export const DEFAULT_STORE_DIR = "/nix/store";

export function validateStoreDir(storeDir: string): string {
  if (!storeDir.startsWith("/")) throw new StoreDirError(storeDir, "must be an absolute path starting with '/'");
  if (storeDir.length > 1 && storeDir.endsWith("/")) throw new StoreDirError(storeDir, "must not end with '/'");
  if (storeDir === "/") throw new StoreDirError(storeDir, "must not be the root directory");
  if (/[\x00-\x1f\x7f]/.test(storeDir)) throw new StoreDirError(storeDir, "must not contain control characters");
  for (const component of storeDir.slice(1).split("/")) {
    if (component === "" || component === "." || component === "..") {
      throw new StoreDirError(storeDir, `must be canonical; component ${JSON.stringify(component)} is not allowed`);
    }
  }
  return storeDir;
}
