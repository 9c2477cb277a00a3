// Test fixtures of the transports, over @narwhal/test-kit: temp dirs that are removed after the file, and
// collecting a body into one Buffer.

import { collectBytes, TempDirs } from "@narwhal/test-kit";

const dirs = new TempDirs();

export function tempDir(label: string): Promise<string> {
  return dirs.make(`narwhal-blob-${label}-`);
}

export function removeTempDirs(): Promise<void> {
  return dirs.removeAll();
}

export const collect = collectBytes;
