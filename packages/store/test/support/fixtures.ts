// Test fixtures: NARs built from small trees, their path info, fresh temp dirs and signing keys, so each test
// can make a cache, add paths to it and look at the objects left behind.

import { join } from "node:path";
import { TempDirs } from "@narwhal/test-kit";
import { writeNar, type NarWriteEvent } from "@narwhal/nar";
import {
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  toPublicKey,
  TrustedKeys,
  type SecretKey,
} from "@narwhal/signing";
import { hashBytes, makeStorePath, type StorePath } from "@narwhal/store-path";
import type { PathInfoToAdd } from "../../src/index.js";

const dirs = new TempDirs();

export function tempDir(label: string): Promise<string> {
  return dirs.make(`narwhal-store-${label}-`);
}

export function removeTempDirs(): Promise<void> {
  return dirs.removeAll();
}

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

export async function* chunksOf(data: Buffer, size = 4096): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** A NAR of a directory holding the given files (name -> contents). */
export async function narOfFiles(files: Record<string, string | Buffer>): Promise<Buffer> {
  const events: NarWriteEvent[] = [{ type: "directory", segments: [] }];
  for (const name of Object.keys(files).sort()) {
    const parts = name.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth);
      if (!events.some((event) => event.type === "directory" && event.segments.join("/") === dir.join("/"))) {
        events.push({ type: "directory", segments: dir.map((part) => Buffer.from(part)) });
      }
    }
    const contents = Buffer.from(files[name]!);
    events.push({
      type: "file",
      segments: parts.map((part) => Buffer.from(part)),
      executable: false,
      size: contents.length,
      contents: [contents],
    });
  }
  return collect(writeNar(events));
}

/** A made-up (input-addressed style) store path for `name`, unique per seed. */
export function fakeStorePath(name: string, seed: string = name): StorePath {
  return makeStorePath("output:out", hashBytes("sha256", `narwhal-store-test ${seed}`), name);
}

export function pathInfoFor(storePath: StorePath, nar: Buffer, references: StorePath[] = []): PathInfoToAdd {
  return { storePath, narHash: hashBytes("sha256", nar), narSize: nar.length, references };
}

export interface TestKey {
  readonly secret: SecretKey;
  readonly secretFile: string;
  readonly trusted: TrustedKeys;
  readonly publicText: string;
}

export async function makeKey(name: string): Promise<TestKey> {
  const { writeFile } = await import("node:fs/promises");
  const secret = generateSecretKey(name);
  const secretFile = join(await tempDir("key"), "secret.key");
  await writeFile(secretFile, formatSecretKey(secret));
  const publicText = formatPublicKey(toPublicKey(secret));
  return { secret, secretFile, trusted: TrustedKeys.from(publicText), publicText };
}

/** Every file under `dir` as relative paths (sorted). */
export async function filesUnder(dir: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name).slice(dir.length + 1),
    )
    .sort();
}
