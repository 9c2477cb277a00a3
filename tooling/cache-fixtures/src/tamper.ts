// Damaged copies of a cache for the tampering tests: each case copies a pristine cache directory and breaks one
// thing (a narinfo field, a NAR byte, a swapped NAR, a removed reference) the way an attacker or a bad disk would.

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseNarInfo } from "@narwhal/store-path";
import { tempDir } from "./nix-fixture.js";

export interface CacheCopy {
  readonly dir: string;
  readonly url: string;
  narinfoFile(path: string): string;
  readNarInfoText(path: string): string;
  field(path: string, name: string): string;
  setField(path: string, name: string, value: string | undefined): void;
  narFile(path: string): string;
}

export function copyCache(url: string): CacheCopy {
  const dir = tempDir("tampered");
  cpSync(url.slice("file://".length), dir, { recursive: true });
  const narinfoFile = (path: string): string =>
    join(dir, `${path.slice("/nix/store/".length, "/nix/store/".length + 32)}.narinfo`);
  const readNarInfoText = (path: string): string => readFileSync(narinfoFile(path), "utf8");
  return {
    dir,
    url: `file://${dir}`,
    narinfoFile,
    readNarInfoText,
    field: (path, name) => new RegExp(`^${name}: (.*)$`, "m").exec(readNarInfoText(path))?.[1] ?? "",
    setField(path, name, value) {
      const lines = readNarInfoText(path)
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith(`${name}:`));
      if (value !== undefined) lines.push(`${name}: ${value}`);
      writeFileSync(narinfoFile(path), `${lines.join("\n")}\n`);
    },
    narFile: (path) => join(dir, parseNarInfo(readNarInfoText(path)).url),
  };
}

/** Flips one bit in the middle of a file. */
export function flipByte(file: string): void {
  const bytes = readFileSync(file);
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0x01;
  writeFileSync(file, bytes);
}
