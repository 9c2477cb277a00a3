// Every narwhal command, in the order `narwhal --help` lists them.
import type { Command } from "../command.js";
import { narDumpPath } from "./nar-dump-path.js";
import { narRestore } from "./nar-restore.js";
import { narLs } from "./nar-ls.js";
import { narCat } from "./nar-cat.js";
import { hashPath } from "./hash-path.js";
import { keyGenerateSecret } from "./key-generate-secret.js";
import { keyConvertSecretToPublic } from "./key-convert-secret-to-public.js";
import { storeInfo } from "./store-info.js";
import { pathInfo } from "./path-info.js";
import { storeLs } from "./store-ls.js";
import { storeCat } from "./store-cat.js";
import { log } from "./log.js";
import { storeCopyLog } from "./store-copy-log.js";
import { benchCodecs } from "./bench-codecs.js";
import { copyCommand } from "./copy.js";
import { storeAdd } from "./store-add.js";
import { fetch } from "./fetch.js";
import { storeVerify } from "./store-verify.js";
import { storeSign } from "./store-sign.js";
import { storeGc } from "./store-gc.js";

export const commands: readonly Command[] = [
  narDumpPath,
  narRestore,
  narLs,
  narCat,
  hashPath,
  keyGenerateSecret,
  keyConvertSecretToPublic,
  storeInfo,
  pathInfo,
  storeLs,
  storeCat,
  log,
  storeCopyLog,
  storeAdd,
  copyCommand,
  fetch,
  storeVerify,
  storeSign,
  storeGc,
  benchCodecs,
];
