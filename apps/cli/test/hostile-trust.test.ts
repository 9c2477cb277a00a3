// Hostile caches written by hand, run as a user would: content that does not match its unsigned content address,
// forged `.ls` files (in the cache and in local-nar-cache), tampered NARs behind a listing, symlinks out of a
// file:// cache, a stalling http server and a squatted NAR key. Every case checks the refusal, its message, and
// that nothing unverified was printed or written.

import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNar, type NarWriteEvent } from "@narwhal/nar";
import { formatPublicKey, formatSecretKey, generateSecretKey, toPublicKey } from "@narwhal/signing";
import {
  formatHash,
  formatNarInfo,
  hashBytes,
  makeContentAddressedPath,
  makeStorePath,
  type ContentAddress,
  type NarInfo,
  type StorePath,
} from "@narwhal/store-path";
import { narwhal } from "./run-narwhal.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "narwhal-hostile-trust-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function freshDir(label: string): Promise<string> {
  const dir = join(root, `${label}-${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function narOf(events: NarWriteEvent[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of writeNar(events)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

function directoryNar(files: Record<string, string>): Promise<Buffer> {
  const events: NarWriteEvent[] = [{ type: "directory", segments: [] }];
  for (const [name, text] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    events.push({
      type: "file",
      segments: [Buffer.from(name)],
      executable: false,
      size: Buffer.byteLength(text),
      contents: [Buffer.from(text)],
    });
  }
  return narOf(events);
}

function fileNar(text: string): Promise<Buffer> {
  return narOf([
    { type: "file", segments: [], executable: false, size: Buffer.byteLength(text), contents: [Buffer.from(text)] },
  ]);
}

/** Writes `nar` uncompressed and a narinfo for it (no signature unless `sigs`) into the file:// cache `dir`. */
async function publish(dir: string, storePath: StorePath, nar: Buffer, extra: Partial<NarInfo> = {}): Promise<NarInfo> {
  const narHash = hashBytes("sha256", nar);
  const url = `nar/${formatHash(narHash, "nix32", { prefix: false })}.nar`;
  await mkdir(join(dir, "nar"), { recursive: true });
  await writeFile(join(dir, url), nar);
  await writeFile(join(dir, "nix-cache-info"), "StoreDir: /nix/store\n");
  const info: NarInfo = {
    storePath,
    url,
    compression: "none",
    narHash,
    narSize: nar.length,
    references: [],
    sigs: [],
    ...extra,
  };
  await writeFile(join(dir, `${storePath.hashPart}.narinfo`), formatNarInfo(info));
  return info;
}

/** A store path whose recursive CA claims the NAR `claimed`, while the cache serves `served` under it. */
async function mismatchedRecursiveCa(dir: string): Promise<StorePath> {
  const served = await directoryNar({ "payload.sh": "echo evil\n" });
  const claimed = await directoryNar({ "payload.sh": "echo good\n" });
  const ca: ContentAddress = { method: "recursive", hash: hashBytes("sha256", claimed) };
  const storePath = makeContentAddressedPath(ca, {
    name: "ca-victim",
    references: [],
    hasSelfReference: false,
    storeDir: "/nix/store",
  });
  await publish(dir, storePath, served, { ca });
  return storePath;
}

describe("unsigned content-addressed paths must prove their address", () => {
  it("store cat, store ls and fetch refuse a NAR that does not match its recursive CA, printing nothing", async () => {
    const dir = await freshDir("ca");
    const path = await mismatchedRecursiveCa(dir);
    const cat = await narwhal(["store", "cat", "--store", `file://${dir}`, `${path.path}/payload.sh`]);
    expect(cat.status).toBe(1);
    expect(cat.stdout.length).toBe(0);
    expect(cat.stderr).toContain("claims content address fixed:r:sha256:");
    const ls = await narwhal(["store", "ls", "--store", `file://${dir}`, "-R", path.path]);
    expect(ls.status).toBe(1);
    expect(ls.stdout.length).toBe(0);
    expect(ls.stderr).toContain(path.path);
    const out = join(await freshDir("ca-out"), "target");
    const fetched = await narwhal(["fetch", "--from", `file://${dir}`, path.path, "--out", out]);
    expect(fetched.status).toBe(1);
    await expect(readdir(out)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses a flat CA whose single file hashes to something else", async () => {
    const dir = await freshDir("flat");
    const ca: ContentAddress = { method: "flat", hash: hashBytes("sha256", "the promised contents\n") };
    const path = makeContentAddressedPath(ca, {
      name: "flat-victim",
      references: [],
      hasSelfReference: false,
      storeDir: "/nix/store",
    });
    await publish(dir, path, await fileNar("something else entirely\n"), { ca });
    const cat = await narwhal(["store", "cat", "--store", `file://${dir}`, path.path]);
    expect(cat.status).toBe(1);
    expect(cat.stdout.length).toBe(0);
    expect(cat.stderr).toContain("claims content address fixed:sha256:");
  });

  it("serves a matching unsigned CA path without any trusted key", async () => {
    const dir = await freshDir("ca-good");
    const nar = await directoryNar({ "payload.sh": "echo good\n" });
    const ca: ContentAddress = { method: "recursive", hash: hashBytes("sha256", nar) };
    const path = makeContentAddressedPath(ca, {
      name: "ca-honest",
      references: [],
      hasSelfReference: false,
      storeDir: "/nix/store",
    });
    await publish(dir, path, nar, { ca });
    const cat = await narwhal([
      "store",
      "cat",
      "--store",
      `file://${dir}`,
      "--trusted-public-keys",
      "",
      `${path.path}/payload.sh`,
    ]);
    expect(cat.stderr).toBe("");
    expect(cat.stdout.toString()).toBe("echo good\n");
  });

  it("copy between caches does not sign, or publish, content that failed its CA", async () => {
    const source = await freshDir("ca-src");
    const path = await mismatchedRecursiveCa(source);
    const destination = await freshDir("ca-dst");
    const secret = generateSecretKey("dest-1");
    const keyFile = join(await freshDir("keys"), "dest.sec");
    await writeFile(keyFile, formatSecretKey(secret), { mode: 0o600 });
    const copied = await narwhal([
      "copy",
      "--from",
      `file://${source}`,
      "--to",
      `file://${destination}?secret-key=${keyFile}`,
      path.path,
    ]);
    expect(copied.status).toBe(1);
    expect(copied.stderr).toContain("claims content address");
    const written = await readdir(destination, { recursive: true });
    expect(written.filter((name) => String(name).endsWith(".narinfo"))).toEqual([]);
    expect(written.filter((name) => String(name).startsWith("nar/"))).toEqual([]);
  });
});

describe("listings are computed from the verified NAR", () => {
  async function signedCache(files: Record<string, string>) {
    const dir = await freshDir("signed");
    const secret = generateSecretKey("cache-1");
    const publicKey = formatPublicKey(toPublicKey(secret));
    const keyFile = join(await freshDir("keys"), "cache.sec");
    await writeFile(keyFile, formatSecretKey(secret), { mode: 0o600 });
    const source = await freshDir("tree");
    for (const [name, text] of Object.entries(files)) await writeFile(join(source, name), text);
    const added = await narwhal([
      "store",
      "add",
      source,
      "--to",
      `file://${dir}?compression=xz&write-nar-listing=true&secret-key=${keyFile}`,
      "--name",
      "listed",
    ]);
    expect(added.stderr).toBe("");
    return { dir, publicKey, path: added.stdout.toString().trim() };
  }

  it("store ls shows what the signed NAR holds, not what a forged .ls adds", async () => {
    const { dir, publicKey, path } = await signedCache({ real: "real file\n" });
    const hashPart = path.slice("/nix/store/".length, "/nix/store/".length + 32);
    await writeFile(
      join(dir, `${hashPart}.ls`),
      JSON.stringify({
        version: 1,
        root: {
          type: "directory",
          entries: { real: { type: "regular", size: 10 }, "forged-entry": { type: "regular", size: 3, narOffset: 96 } },
        },
      }),
    );
    const ls = await narwhal(["store", "ls", "--store", `file://${dir}`, "--trusted-public-keys", publicKey, path]);
    expect(ls.stderr).toBe("");
    expect(ls.stdout.toString()).toContain("real");
    expect(ls.stdout.toString()).not.toContain("forged-entry");
  });

  it("store cat prints nothing when the NAR behind a listing was tampered with", async () => {
    const { dir, publicKey, path } = await signedCache({ a: "aaaa\n", b: "bbbb\n" });
    const narFile = (await readdir(join(dir, "nar")))[0]!;
    const other = await signedCache({ a: "evil\n", b: "bbbb\n" });
    await writeFile(
      join(dir, "nar", narFile),
      await readFile(join(other.dir, "nar", (await readdir(join(other.dir, "nar")))[0]!)),
    );
    const cat = await narwhal([
      "store",
      "cat",
      "--store",
      `file://${dir}`,
      "--trusted-public-keys",
      publicKey,
      `${path}/a`,
    ]);
    expect(cat.status).toBe(1);
    expect(cat.stdout.length).toBe(0);
    expect(cat.stderr).toMatch(/does not match|FileHash|NarHash/);
  });

  it("a forged .ls in local-nar-cache neither adds entries nor redirects store cat to another file's bytes", async () => {
    const { dir, publicKey, path } = await signedCache({ first: "first file\n", second: "second file\n" });
    const hashPart = path.slice("/nix/store/".length, "/nix/store/".length + 32);
    const local = await freshDir("local-nars");
    const url = `file://${dir}?local-nar-cache=${local}`;
    const warm = await narwhal(["store", "cat", "--store", url, "--trusted-public-keys", publicKey, `${path}/first`]);
    expect(warm.stdout.toString()).toBe("first file\n");
    const listing = JSON.parse(await readFile(join(local, `${hashPart}.ls`), "utf8"));
    listing.entries.first.narOffset = listing.entries.second.narOffset; // point "first" at the second file's bytes
    listing.entries["planted"] = { type: "regular", size: 1 };
    await writeFile(join(local, `${hashPart}.ls`), JSON.stringify(listing));
    const cat = await narwhal(["store", "cat", "--store", url, "--trusted-public-keys", publicKey, `${path}/first`]);
    expect(cat.stdout.toString()).toBe("first file\n");
    const ls = await narwhal(["store", "ls", "--store", url, "--trusted-public-keys", publicKey, path]);
    expect(ls.stdout.toString()).not.toContain("planted");
  });
});

describe("transports do not step outside the cache or wait forever", () => {
  it("a narinfo that is a symlink out of a file:// cache is refused without showing the target's bytes", async () => {
    const dir = await freshDir("symlinked");
    const outside = join(await freshDir("outside"), "private.txt");
    await writeFile(outside, "TOP-SECRET-CONTENTS of a file outside the cache\n");
    await writeFile(join(dir, "nix-cache-info"), "StoreDir: /nix/store\n");
    const path = makeStorePath("output:out", hashBytes("sha256", "symlinked narinfo"), "victim");
    await symlink(outside, join(dir, `${path.hashPart}.narinfo`));
    const info = await narwhal(["path-info", "--store", `file://${dir}`, "--no-require-sigs", path.path]);
    expect(info.status).toBe(1);
    expect(info.stderr).toContain("symlink");
    expect(info.stderr).not.toContain("TOP-SECRET");
    expect(info.stdout.toString()).not.toContain("TOP-SECRET");
  });

  it("path-info gives up on an http cache that sends less than a byte per second (stalled-download-timeout)", async () => {
    const server: Server = createServer((request, response) => {
      if (request.url === "/nix-cache-info") return void response.writeHead(200).end("StoreDir: /nix/store\n");
      response.writeHead(200, { "content-type": "text/x-nix-narinfo" });
      response.write("S");
      const timer = setInterval(() => response.write("t"), 5000);
      response.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const path = makeStorePath("output:out", hashBytes("sha256", "slow"), "slow");
      const run = await narwhal(["path-info", "--store", base, "--no-require-sigs", path.path], undefined, {
        NIX_CONFIG: "stalled-download-timeout = 1",
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("stalled");
      expect(run.stderr).toContain(`${path.hashPart}.narinfo`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("objects reused only when they verify", () => {
  it("store add replaces a garbage object squatting on the NAR's key and publishes a narinfo that reads back", async () => {
    const dir = await freshDir("squat");
    const tree = await freshDir("squat-tree");
    await writeFile(join(tree, "hello"), "hello from the real tree\n");
    const first = await narwhal([
      "store",
      "add",
      tree,
      "--to",
      `file://${join(await freshDir("probe"), "c")}?compression=xz`,
      "--name",
      "squatted",
      "--json",
    ]);
    const { narHash } = JSON.parse(first.stdout.toString()) as { narHash: string };
    const narKey = `nar/${narHash.replace(/^sha256:/, "")}.nar.xz`;
    await mkdir(join(dir, "nar"), { recursive: true });
    await writeFile(join(dir, narKey), "garbage planted at the key narwhal will use");
    const added = await narwhal(["store", "add", tree, "--to", `file://${dir}?compression=xz`, "--name", "squatted"]);
    expect(added.stderr).toBe("");
    const path = added.stdout.toString().trim();
    const cat = await narwhal(["store", "cat", "--store", `file://${dir}`, "--no-require-sigs", `${path}/hello`]);
    expect(cat.stderr).toBe("");
    expect(cat.stdout.toString()).toBe("hello from the real tree\n");
  });
});
