// The codec registry: built-in and third-party codecs registered the same way, looked up by the method name
// Nix writes, with several named backends per method and one of them the default.

import type { Codec } from "./codec.js";
import { CodecError } from "./codec-error.js";

export interface RegisterOptions {
  /** Make this backend the one `getCodec(name)` returns. The first backend registered for a name is the default. */
  readonly makeDefault?: boolean;
  /** Replace an already registered backend with the same name and backend id instead of failing. */
  readonly replace?: boolean;
}

interface MethodEntry {
  defaultBackend: string;
  readonly backends: Map<string, Codec>;
}

const methods = new Map<string, MethodEntry>();

function validateCodec(codec: Codec): void {
  const { name, backend, levels } = codec;
  const problems: string[] = [];
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(name))
    problems.push(`name ${JSON.stringify(name)} must be a lower-case method name`);
  if (typeof backend !== "string" || backend.length === 0) problems.push("backend must be a non-empty string");
  if (typeof codec.extension !== "string" || !(codec.extension === "" || codec.extension.startsWith(".")))
    problems.push(`extension ${JSON.stringify(codec.extension)} must be "" or start with "."`);
  if (!levels || !Number.isInteger(levels.min) || !Number.isInteger(levels.max) || !Number.isInteger(levels.default))
    problems.push("levels.min, levels.max and levels.default must be integers");
  else if (!(levels.min <= levels.default && levels.default <= levels.max))
    problems.push(
      `levels must satisfy min <= default <= max (got ${levels.min} <= ${levels.default} <= ${levels.max})`,
    );
  if (typeof codec.compress !== "function" || typeof codec.decompress !== "function")
    problems.push("compress and decompress must be functions");
  if (problems.length > 0) {
    throw new CodecError(
      "INVALID_CODEC",
      `codec ${String(name)}/${String(backend)} is not a valid codec: ${problems.join("; ")}`,
    );
  }
}

export function registerCodec(codec: Codec, options: RegisterOptions = {}): void {
  validateCodec(codec);
  let entry = methods.get(codec.name);
  if (!entry) {
    entry = { defaultBackend: codec.backend, backends: new Map() };
    methods.set(codec.name, entry);
  }
  if (entry.backends.has(codec.backend) && !options.replace) {
    throw new CodecError(
      "DUPLICATE_CODEC",
      `codec ${codec.name} already has a backend named ${codec.backend}; pass { replace: true } to replace it`,
    );
  }
  entry.backends.set(codec.backend, codec);
  if (options.makeDefault) entry.defaultBackend = codec.backend;
}

export function getCodec(name: string, backend?: string): Codec {
  const entry = methods.get(name);
  if (!entry) {
    throw new CodecError(
      "UNKNOWN_CODEC",
      `unknown compression method ${JSON.stringify(name)}; registered methods: ${[...methods.keys()].sort().join(", ")}`,
    );
  }
  const chosen = entry.backends.get(backend ?? entry.defaultBackend);
  if (!chosen) {
    throw new CodecError(
      "UNKNOWN_BACKEND",
      `compression method ${name} has no backend ${JSON.stringify(backend)}; its backends: ${[...entry.backends.keys()].join(", ")}`,
    );
  }
  return chosen;
}

export interface CodecListing {
  readonly name: string;
  readonly defaultBackend: string;
  readonly backends: readonly Codec[];
}

export function listCodecs(): CodecListing[] {
  return [...methods.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({ name, defaultBackend: entry.defaultBackend, backends: [...entry.backends.values()] }));
}

/** Nix's NAR file extension for a method (".xz", ".zst", ...; "" for gzip and none). */
export function narExtension(name: string): string {
  return getCodec(name).extension;
}
