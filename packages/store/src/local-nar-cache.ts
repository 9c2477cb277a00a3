// The `local-nar-cache` directory: verified NARs fetched from the cache are kept as `<hash>.nar` (uncompressed)
// with the listing computed from them as `<hash>.ls` (the bare root node, as Nix writes it there, for Nix to read;
// narwhal itself never trusts a listing it finds there). A NAR read back is verified again.

import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { once } from "node:events";

/** A NAR being saved: write chunks, then commit (rename into place) or discard. */
export interface PendingNar {
  write(chunk: Buffer): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export class LocalNarCache {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get directory(): string {
    return this.#dir;
  }

  narFile(hashPart: string): string {
    return join(this.#dir, `${hashPart}.nar`);
  }

  async hasNar(hashPart: string): Promise<boolean> {
    try {
      return (await stat(this.narFile(hashPart))).isFile();
    } catch {
      return false;
    }
  }

  /** Bytes `[start, end]` (inclusive) of a cached NAR, or the whole file. */
  readNar(hashPart: string, range?: { start: number; end: number }): AsyncIterable<Buffer> {
    return createReadStream(this.narFile(hashPart), { highWaterMark: 1 << 20, ...(range ?? {}) });
  }

  async startNar(hashPart: string): Promise<PendingNar> {
    await mkdir(this.#dir, { recursive: true });
    const temp = join(this.#dir, `.${hashPart}.nar.${randomBytes(6).toString("hex")}.tmp`);
    const out: WriteStream = createWriteStream(temp, { flags: "wx" });
    let failed: Error | undefined;
    out.on("error", (error) => (failed = error));
    const final = this.narFile(hashPart);
    return {
      async write(chunk) {
        if (failed) throw failed;
        if (!out.write(chunk)) await once(out, "drain");
      },
      async commit() {
        out.end();
        await once(out, "close");
        if (failed) throw failed;
        await rename(temp, final);
      },
      async discard() {
        out.destroy();
        await rm(temp, { force: true });
      },
    };
  }

  /** Saves the listing's bare root node (Nix's local-nar-cache form, without the version wrapper). */
  async saveListing(hashPart: string, rootJson: string): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const temp = join(this.#dir, `.${hashPart}.ls.${randomBytes(6).toString("hex")}.tmp`);
    await writeFile(temp, rootJson);
    await rename(temp, join(this.#dir, `${hashPart}.ls`));
  }
}
