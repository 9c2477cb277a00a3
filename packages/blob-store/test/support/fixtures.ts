// Test fixtures of the transports, over @narwhal/test-kit: temp dirs that are removed after the file, and
// collecting a body into one Buffer.

import { collectBytes, tempDir as newTempDir, type TempDir } from "@narwhal/test-kit";

const dirs: TempDir[] = [];

export async function tempDir(label: string): Promise<string> {
  const dir = await newTempDir(`narwhal-blob-${label}-`);
  dirs.push(dir);
  return dir.path;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
}

export const collect = collectBytes;
