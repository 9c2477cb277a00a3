// narinfo contents narwhal does not interpret survive a copy between caches, as a user would run it: a `System:`
// line (8 of 978 cache.nixos.org narinfos carry one) is in the destination's narinfo after `narwhal copy`.

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNar } from "@narwhal/nar";
import { formatHash, formatNarInfo, hashBytes, makeStorePath } from "@narwhal/store-path";
import { narwhal } from "./run-narwhal.js";

describe("narinfo fields narwhal does not know", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "narwhal-narinfo-fields-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("copy --from a cache keeps System: and any other unknown line", async () => {
    const source = join(root, "source");
    const text = "a file\n";
    const parts: Buffer[] = [];
    for await (const chunk of writeNar([
      { type: "file", segments: [], executable: false, size: text.length, contents: [Buffer.from(text)] },
    ]))
      parts.push(Buffer.from(chunk));
    const nar = Buffer.concat(parts);
    const narHash = hashBytes("sha256", nar);
    const storePath = makeStorePath("output:out", hashBytes("sha256", "narinfo fields"), "with-system");
    const url = `nar/${formatHash(narHash, "nix32", { prefix: false })}.nar`;
    await mkdir(join(source, "nar"), { recursive: true });
    await writeFile(join(source, url), nar);
    await writeFile(join(source, "nix-cache-info"), "StoreDir: /nix/store\n");
    await writeFile(
      join(source, `${storePath.hashPart}.narinfo`),
      formatNarInfo({
        storePath,
        url,
        compression: "none",
        narHash,
        narSize: nar.length,
        references: [],
        sigs: [],
        extraFields: [
          ["System", "x86_64-linux"],
          ["X-Narwhal-Test", "kept as written"],
        ],
      }),
    );
    const destination = join(root, "destination");
    const copied = await narwhal([
      "copy",
      "--from",
      `file://${source}`,
      "--to",
      `file://${destination}?compression=xz`,
      "--no-require-sigs",
      storePath.path,
    ]);
    expect(copied.stderr).toBe("");
    const written = await readFile(join(destination, `${storePath.hashPart}.narinfo`), "utf8");
    expect(written).toContain("\nSystem: x86_64-linux\n");
    expect(written).toContain("\nX-Narwhal-Test: kept as written\n");
    expect(written).toContain("Compression: xz\n");
  });
});
