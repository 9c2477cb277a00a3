// Every narwhal command, in the order `narwhal --help` lists them. Each is loaded only when it runs, so a command
// pays the start-up cost of its own packages only (`nar dump-path` never loads the AWS SDK or the codecs' addons).
import type { Command } from "../command.js";

export interface CommandEntry {
  /** The words that select the command; the loaded Command's `words` must be the same (a test checks). */
  readonly words: readonly string[];
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { words: ["nar", "dump-path"], load: async () => (await import("./nar-dump-path.js")).narDumpPath },
  { words: ["nar", "restore"], load: async () => (await import("./nar-restore.js")).narRestore },
  { words: ["nar", "ls"], load: async () => (await import("./nar-ls.js")).narLs },
  { words: ["nar", "cat"], load: async () => (await import("./nar-cat.js")).narCat },
  { words: ["hash", "path"], load: async () => (await import("./hash-path.js")).hashPath },
  { words: ["key", "generate-secret"], load: async () => (await import("./key-generate-secret.js")).keyGenerateSecret },
  {
    words: ["key", "convert-secret-to-public"],
    load: async () => (await import("./key-convert-secret-to-public.js")).keyConvertSecretToPublic,
  },
  { words: ["store", "info"], load: async () => (await import("./store-info.js")).storeInfo },
  { words: ["path-info"], load: async () => (await import("./path-info.js")).pathInfo },
  { words: ["store", "ls"], load: async () => (await import("./store-ls.js")).storeLs },
  { words: ["store", "cat"], load: async () => (await import("./store-cat.js")).storeCat },
  { words: ["log"], load: async () => (await import("./log.js")).log },
  { words: ["store", "copy-log"], load: async () => (await import("./store-copy-log.js")).storeCopyLog },
  { words: ["store", "add"], load: async () => (await import("./store-add.js")).storeAdd },
  { words: ["copy"], load: async () => (await import("./copy.js")).copyCommand },
  { words: ["watch-store"], load: async () => (await import("./watch-store.js")).watchStoreCommand },
  { words: ["queue-push"], load: async () => (await import("./queue-push.js")).queuePushCommand },
  { words: ["fetch"], load: async () => (await import("./fetch.js")).fetch },
  { words: ["store", "verify"], load: async () => (await import("./store-verify.js")).storeVerify },
  { words: ["store", "sign"], load: async () => (await import("./store-sign.js")).storeSign },
  { words: ["store", "gc"], load: async () => (await import("./store-gc.js")).storeGc },
  { words: ["bench", "codecs"], load: async () => (await import("./bench-codecs.js")).benchCodecs },
];

/** Loads every command (for the overview and group help, which show each one's summary). */
export function loadAllCommands(): Promise<Command[]> {
  return Promise.all(commands.map((entry) => entry.load()));
}
