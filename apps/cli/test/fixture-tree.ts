// A small file tree holding the cases NAR tools get wrong: byte-order names, non-UTF-8 names,
// executables, empty files and dirs, dangling and absolute symlinks, contents at padding boundaries.
import { chmod, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function makeFixtureTree(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), "narwhal-cli-"));
  const root = join(base, "tree");
  await mkdir(join(root, "bin"), { recursive: true });
  await mkdir(join(root, "empty-dir"));
  await mkdir(join(root, "share", "doc"), { recursive: true });
  await writeFile(join(root, "bin", "hello"), "#!/bin/sh\necho hello\n");
  await chmod(join(root, "bin", "hello"), 0o755);
  await writeFile(join(root, "empty"), "");
  for (const n of [1, 7, 8, 9]) await writeFile(join(root, `size-${n}`), "x".repeat(n));
  await writeFile(join(root, "B"), "upper");
  await writeFile(join(root, "a"), "lower");
  await writeFile(join(root, "é"), "e acute");
  await writeFile(join(root, "z"), "zed");
  await writeFile(join(root, "share", "doc", "README"), "docs\n".repeat(1000));
  await writeFile(
    Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9])]),
    "latin-1 name",
  );
  await symlink("../bin/hello", join(root, "share", "link-to-hello"));
  await symlink("/nonexistent/absolute", join(root, "dangling"));
  return root;
}
