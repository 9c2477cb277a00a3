// A path refused while copying into a local store leaves nothing there: no file or directory, no temp tree, no
// database row, nothing half-renamed — for a hash mismatch, a failed dependency, a reference not valid, and a
// registration that fails at INSERT or at COMMIT (after the tree was moved in: it must be moved back out).

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyClosureToLocalStore, type CopyToLocalStoreResult } from "../src/index.js";
import {
  buildClosure,
  copyCache,
  flipByte,
  hasNix,
  narOf,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";
import { expectNothingOf } from "./support/hostile-cache.js";
import { execOnStoreDb } from "./support/nix-db.js";

describe.skipIf(!hasNix)("a refused path leaves nothing in the local store", () => {
  let closure: NixClosure;
  let pristine: string;

  beforeAll(() => {
    closure = buildClosure("refused");
    pristine = nixCache(closure, "zstd");
  });
  afterAll(removeTempDirs);

  async function copy(
    url: string,
    root: string,
    paths: string[],
    options: { recursive?: boolean; before?: () => void } = {},
  ): Promise<CopyToLocalStoreResult> {
    const store = await BinaryCacheStore.open(url, {
      trustedPublicKeys: TrustedKeys.from(closure.publicKey),
      createCacheInfo: false,
    });
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    try {
      options.before?.();
      return await copyClosureToLocalStore(store, registry, paths, {
        jobs: 3,
        ...(options.recursive === undefined ? {} : { recursive: options.recursive }),
      });
    } finally {
      registry.close();
    }
  }

  const codes = (result: CopyToLocalStoreResult): Array<[string, string | undefined]> =>
    result.failed.map((failure) => [failure.storePath, (failure.error as { code?: string }).code]);

  it("a NAR that does not match its NarHash: neither it nor its referrer is moved in", async () => {
    const cache = copyCache(pristine);
    flipByte(cache.narFile(closure.dependency));
    cache.setField(closure.dependency, "FileHash", undefined);
    const root = tempDir("refused-hash");
    const result = await copy(cache.url, root, [closure.output]);
    expect(codes(result)).toEqual([[closure.dependency, expect.stringMatching(/^(NAR_HASH_MISMATCH|NAR_CORRUPT)$/)]]);
    expect(result.copied).toEqual([]);
    expectNothingOf(root, closure.dependency);
    expectNothingOf(root, closure.output);
  });

  it("a reference not valid locally (no closure copy): refused before anything is fetched", async () => {
    const root = tempDir("refused-reference");
    await expect(copy(pristine, root, [closure.output], { recursive: false })).rejects.toMatchObject({
      code: "REFERENCE_NOT_VALID",
      input: closure.dependency,
      message: expect.stringContaining(`cannot copy ${closure.output} without its closure`),
    });
    expectNothingOf(root, closure.output);
  });

  it("a registration refused by the database at INSERT: the tree is never moved in", async () => {
    const root = tempDir("refused-insert");
    openLocalStoreRegistry(`local?root=${root}`).close();
    execOnStoreDb(
      root,
      `create trigger RefuseTree before insert on ValidPaths when new.path = '${closure.tree}'
      begin select raise(abort, 'refused by the test trigger'); end;`,
    );
    const result = await copy(pristine, root, [closure.tree, closure.output]);
    expectNothingOf(root, closure.tree);
    expect(result.failed[0]!.error.message).toMatch(
      new RegExp(`cannot register ${closure.tree} in .*db\\.sqlite: refused by the test trigger`),
    );
    expect(codes(result)).toEqual([[closure.tree, "LOCAL_STORE_DB_WRITE_FAILED"]]);
  });

  it("a registration whose COMMIT fails after the move: the tree is moved back out and removed", async () => {
    const root = tempDir("refused-commit");
    openLocalStoreRegistry(`local?root=${root}`).close();
    // A deferred foreign key is only checked at COMMIT, i.e. after the rename into the store already happened.
    execOnStoreDb(
      root,
      `create table Trap (ref integer references ValidPaths(id) deferrable initially deferred);
      create trigger TrapOutput after insert on ValidPaths when new.path = '${closure.output}' begin insert into Trap values (-1); end;`,
    );
    const result = await copy(pristine, root, [closure.output]);
    expectNothingOf(root, closure.output);
    expect(result.failed[0]!.error.message).toMatch(/FOREIGN KEY constraint failed/);
    expect(codes(result)).toEqual([[closure.output, "LOCAL_STORE_DB_WRITE_FAILED"]]);
    expect(result.copied.map((item) => item.storePath)).toEqual([closure.dependency]); // its reference is complete and stays
    expect(narOf(join(root, closure.dependency)).equals(narOf(closure.dependency))).toBe(true);
  });
});
