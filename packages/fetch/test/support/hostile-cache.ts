// Writes paths a hostile (but trusted-key) cache could serve into a file:// cache: any NAR under any store path
// name, signed with the test key, through narwhal's own writer; plus the checks that nothing reached a local store.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { writeNar, type NarWriteEvent } from "@narwhal/nar";
import { openLocalStore } from "@narwhal/local-store";
import { BinaryCacheStore } from "@narwhal/store";
import { hashBytes, makeStorePath, type StorePath } from "@narwhal/store-path";

export async function narOf(events: NarWriteEvent[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of writeNar(events)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** NAR of a single regular file. */
export function fileNar(contents: string | Buffer, executable = false): Promise<Buffer> {
  const bytes = Buffer.from(contents);
  return narOf([{ type: "file", segments: [], executable, size: bytes.length, contents: [bytes] }]);
}

/** Adds `nar` as store path `/nix/store/<hash>-<name>` (signed with `secretKeyFile`) to the file:// cache at `dir`. */
export async function addHostilePath(
  dir: string,
  secretKeyFile: string,
  name: string,
  nar: Buffer,
  references: readonly StorePath[] = [],
): Promise<StorePath> {
  const storePath = makeStorePath(
    "output:out",
    hashBytes("sha256", `${name} ${nar.length} ${Date.now()} ${Math.random()}`),
    name,
  );
  const writer = await BinaryCacheStore.open(`file://${dir}?compression=none&secret-key=${secretKeyFile}`);
  await writer.addToStore({
    info: { storePath, narHash: hashBytes("sha256", nar), narSize: nar.length, references: [...references] },
    nar: (async function* () {
      yield nar;
    })(),
  });
  return storePath;
}

/** Asserts `path` left nothing in the chroot store at `root`: no file or dir, no temp tree, no database row. */
export function expectNothingOf(root: string, path: string): void {
  const storeDir = join(root, "nix/store");
  expect(existsSync(join(root, path)), `${path} must not be in the store`).toBe(false);
  expect(
    readdirSync(storeDir).filter((name) => name.startsWith(".") || name.includes(".narwhal-")),
    "no temp trees",
  ).toEqual([]);
  const store = openLocalStore(`local?root=${root}`);
  try {
    expect(store.isValidPath(path), `${path} must not be registered`).toBe(false);
  } finally {
    store.close();
  }
}
