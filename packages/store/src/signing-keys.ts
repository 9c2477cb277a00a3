// Loads the secret keys a store signs with: the `secret-key` file and every `secret-keys` file, read verbatim
// (Nix does not trim key files) and parsed with @narwhal/signing.

import { readFile } from "node:fs/promises";
import { parseSecretKey, type SecretKey } from "@narwhal/signing";
import type { StoreSettings } from "@narwhal/store-url";
import { StoreError, messageOf } from "./errors.js";

export async function loadSigningKeys(settings: StoreSettings, storeUrl: string, _warn: (message: string) => void): Promise<SecretKey[]> {
  const files = [settings["secret-key"], ...settings["secret-keys"]].filter((file) => file !== "");
  const keys: SecretKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new StoreError("SECRET_KEY", `cannot read secret key file ${file} (for ${storeUrl}): ${messageOf(error)}`, { storeUrl, cause: error });
    }
    try {
      keys.push(parseSecretKey(text, file));
    } catch (error) {
      throw new StoreError("SECRET_KEY", `secret key file ${file} (for ${storeUrl}) is not valid: ${messageOf(error)}`, { storeUrl, cause: error });
    }
  }
  return keys;
}
