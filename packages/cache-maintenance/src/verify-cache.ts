// Checks a binary cache end to end: every narinfo parses and is signed by a trusted key, its NAR exists with the
// right FileSize/FileHash and decompresses to NarHash/NarSize (and its CA claim holds), every reference has a
// narinfo; with --all also NARs no narinfo points to and incomplete uploads (S3 multipart, file:// temp files).

import { NAR_PREFIX, StoreError, type BinaryCacheStore, type PendingMultipartUpload } from "@narwhal/store";
import { narInfoFileFor, type NarInfo } from "@narwhal/store-path";
import { messageOf } from "./errors.js";
import { forEachConcurrent, narInfoHashParts } from "./narinfo-scan.js";

export interface VerifyCacheOptions {
  /** Store paths to check; undefined checks every narinfo and also looks for orphans and incomplete uploads. */
  readonly paths?: readonly string[];
  /** Narinfos checked at once (default 4). */
  readonly jobs?: number;
  /** Called after each narinfo was checked. */
  readonly onChecked?: (checked: number, total: number) => void;
}

export interface VerifyProblem {
  /** The object the problem is in (`<hash>.narinfo`, `nar/…`). */
  readonly key: string;
  readonly storePath?: string;
  /** StoreError / FetchError code, or REFERENCE_MISSING, NARINFO_MISSING, NARINFO_CORRUPT. */
  readonly code: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly storeUrl: string;
  readonly checked: number;
  readonly valid: number;
  readonly problems: VerifyProblem[];
  /** NAR objects no narinfo points to (only looked for when checking everything). */
  readonly orphanNars: Array<{ key: string; size: number }>;
  readonly incompleteUploads: PendingMultipartUpload[];
}

export async function verifyCache(store: BinaryCacheStore, options: VerifyCacheOptions = {}): Promise<VerifyReport> {
  const hashParts = await narInfoHashParts(store, options.paths);
  const problems: VerifyProblem[] = [];
  const referencedNars = new Set<string>();
  let checked = 0;
  let valid = 0;
  await forEachConcurrent(hashParts, options.jobs ?? 4, async (hashPart) => {
    const scanned = await store.scanNarInfo(hashPart);
    const key = scanned.key;
    if (scanned.info === undefined) {
      problems.push({ key, code: scanned.missing ? "NARINFO_MISSING" : "NARINFO_CORRUPT", message: scanned.problem });
    } else {
      referencedNars.add(scanned.info.url);
      const found = await checkPath(store, scanned.info, key);
      problems.push(...found);
      if (found.length === 0) valid++;
    }
    checked++;
    options.onChecked?.(checked, hashParts.length);
  });
  const orphanNars: Array<{ key: string; size: number }> = [];
  let incompleteUploads: PendingMultipartUpload[] = [];
  if (options.paths === undefined) {
    for await (const entry of store.listObjects(NAR_PREFIX)) {
      if (entry.kind === "nar" && !referencedNars.has(entry.key)) orphanNars.push({ key: entry.key, size: entry.size });
    }
    incompleteUploads = await store.pendingUploads();
  }
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { storeUrl: store.url, checked, valid, problems, orphanNars, incompleteUploads };
}

async function checkPath(store: BinaryCacheStore, raw: NarInfo, key: string): Promise<VerifyProblem[]> {
  const storePath = raw.storePath.path;
  const problem = (error: unknown, at = key): VerifyProblem => ({
    key: error instanceof StoreError && error.key !== undefined ? error.key : at,
    storePath,
    code: typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "ERROR",
    message: messageOf(error),
  });
  let info: NarInfo | undefined;
  try {
    info = await store.queryPathInfo(raw.storePath); // signatures, per the store's trust settings
  } catch (error) {
    return [problem(error)];
  }
  if (info === undefined)
    return [
      { key, storePath, code: "NARINFO_MISSING", message: `'${key}' vanished from ${store.url} while it was checked` },
    ];
  const problems: VerifyProblem[] = [];
  try {
    await readWholeNar(store, info);
  } catch (error) {
    problems.push(problem(error, info.url));
  }
  for (const reference of info.references) {
    if (reference.equals(info.storePath)) continue;
    if (!(await store.isValidPath(reference))) {
      problems.push({
        key,
        storePath,
        code: "REFERENCE_MISSING",
        message: `${storePath} refers to ${reference.path}, which has no narinfo in ${store.url} (no ${narInfoFileFor(reference)})`,
      });
    }
  }
  return problems;
}

/** Streams the NAR through the store's verified read path to its end, where every hash, size and CA check runs. */
async function readWholeNar(store: BinaryCacheStore, info: NarInfo): Promise<void> {
  for await (const chunk of store.narFromPath(info, { reuseChunks: true })) void chunk;
}
