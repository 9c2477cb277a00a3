// The codecs' native libraries and the worker-pool library, loaded on first use rather than at import: a command
// that never compresses or decompresses (a copy of paths already in the cache, `--version`) does not pay for them.

import type * as NodeLiblzma from "node-liblzma";
import type * as ZstdNapi from "zstd-napi";
import type * as PiscinaModule from "piscina";
import { packageImport, packageRequire as require } from "./package-files.js";

let liblzma: Promise<typeof NodeLiblzma> | undefined;
/** node-liblzma (an ES module, so loaded asynchronously). */
export function nodeLiblzma(): Promise<typeof NodeLiblzma> {
  liblzma ??= packageImport<typeof NodeLiblzma>("node-liblzma");
  return liblzma;
}

let zstd: typeof ZstdNapi | undefined;
export function zstdNapi(): typeof ZstdNapi {
  zstd ??= require("zstd-napi") as typeof ZstdNapi;
  return zstd;
}

/** zstd-napi's raw binding (contexts and level bounds). */
export interface ZstdBinding {
  minCLevel(): number;
  maxCLevel(): number;
}
let zstdBindingModule: ZstdBinding | undefined;
export function zstdBinding<T extends ZstdBinding = ZstdBinding>(): T {
  zstdBindingModule ??= require("zstd-napi/binding") as ZstdBinding;
  return zstdBindingModule as T;
}

let piscina: typeof PiscinaModule | undefined;
export function piscinaModule(): typeof PiscinaModule {
  piscina ??= require("piscina") as typeof PiscinaModule;
  return piscina;
}

const addons = new Map<string, unknown>();
/**
 * An optional addon package of ours (`@narwhal/brotli-native`, `@narwhal/xz-native`), or undefined when it is not
 * installed or not built, or when `envVar` is "0" in the environment; the codec then uses its JavaScript backend.
 */
export function optionalAddon<T>(packageName: string, envVar: string): T | undefined {
  if (!addons.has(packageName)) {
    let addon: unknown;
    try {
      addon = process.env[envVar] === "0" ? undefined : require(packageName);
    } catch {
      addon = undefined;
    }
    addons.set(packageName, addon);
  }
  return addons.get(packageName) as T | undefined;
}
