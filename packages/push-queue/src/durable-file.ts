// Crash-safe file writes for the queue: a file appears under its final name only complete and on disk (written to
// a temp name, fsynced, renamed), and a rename or unlink is made durable by fsyncing the directory that holds it.

import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";

/** Mode of every queue file: the queue is written by root (Nix's post-build-hook) and read by the watcher's user. */
export const QUEUE_FILE_MODE = 0o644;

/**
 * Writes `data` as `<directory>/<name>`, replacing what is there, through a temp file in `tempDirectory` (same
 * file system). The new file's bytes are on disk before the rename; the rename is on disk when `syncDirectory` ran.
 */
export async function writeFileDurably(
  tempDirectory: string,
  directory: string,
  name: string,
  data: string,
  options: { syncDirectory?: boolean } = {},
): Promise<void> {
  const temp = join(tempDirectory, `${name}.${process.pid}.${randomBytes(6).toString("hex")}`);
  const handle = await open(temp, "wx", QUEUE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, join(directory, name));
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  if (options.syncDirectory ?? true) await syncDirectory(directory);
}

/** Makes the creations, renames and unlinks done in `directory` so far durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes `<directory>/<name>` durably; a file already gone is fine. */
export async function removeFileDurably(directory: string, name: string): Promise<void> {
  try {
    await unlink(join(directory, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return;
  }
  await syncDirectory(directory);
}
