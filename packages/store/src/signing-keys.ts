// Loads the secret keys a store signs with: the `secret-key` file and every `secret-keys` file, read verbatim
// (Nix does not trim key files) by @narwhal/signing, with a warning when a file is readable by group or others.

import { KeyError, readSecretKeyFile, type SecretKey } from "@narwhal/signing";
import type { StoreSettings } from "@narwhal/store-url";
import { StoreError, messageOf } from "./errors.js";

export async function loadSigningKeys(
  settings: StoreSettings,
  storeUrl: string,
  warn: (message: string) => void,
): Promise<SecretKey[]> {
  const files = [settings["secret-key"], ...settings["secret-keys"]].filter((file) => file !== "");
  const keys: SecretKey[] = [];
  for (const file of files) {
    try {
      keys.push(await readSecretKeyFile(file, { onWarning: (warning) => warn(warning.message) }));
    } catch (error) {
      const unreadable = error instanceof KeyError && error.code === "KEY_FILE_UNREADABLE";
      const what = unreadable ? `cannot read secret key file ${file}` : `secret key file ${file} is not valid`;
      throw new StoreError("SECRET_KEY", `${what} (for ${storeUrl}): ${messageOf(error)}`, { storeUrl, cause: error });
    }
  }
  return keys;
}
