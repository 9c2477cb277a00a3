// Secret key files on disk: a file whose mode lets group or others read it gets a warning naming the file and
// `chmod 600` (without reading it), and reading a key file never echoes its content in an error.

import { chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KeyError,
  formatSecretKey,
  generateSecretKey,
  readSecretKeyFile,
  secretKeyFileWarning,
  type SecretKeyFileWarning,
} from "../src/index.js";

describe("secret key file permissions", () => {
  let dir: string;
  const secret = generateSecretKey("perm-1");
  const secretText = formatSecretKey(secret);
  const payload = secretText.slice("perm-1:".length);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "narwhal-signing-perm-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function keyFile(name: string, mode: number, text = secretText): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  }

  it.each([
    [0o644, "group and others"],
    [0o640, "group"],
    [0o604, "others"],
    [0o444, "group and others"],
  ])("warns about mode %s (readable by %s), naming the file and chmod 600", async (mode, who) => {
    const path = await keyFile(`k-${mode.toString(8)}.sec`, mode);
    const warning = secretKeyFileWarning(path, await stat(path));
    expect(warning).toEqual({
      code: "KEY_FILE_READABLE_BY_OTHERS",
      path,
      mode,
      message: `secret key file "${path}" is readable by ${who} (mode 0${mode.toString(8)}); run chmod 600 "${path}"`,
    });
    expect(warning?.message).not.toContain(payload);
  });

  it.each([0o600, 0o400, 0o700, 0o620, 0o602])("is silent for mode %s", async (mode) => {
    const path = await keyFile(`ok-${mode.toString(8)}.sec`, mode);
    expect(secretKeyFileWarning(path, await stat(path))).toBeUndefined();
  });

  it("does not read the file: a stat of a file that is not even a key is enough", async () => {
    const path = await keyFile("not-a-key", 0o644, "hello");
    expect(secretKeyFileWarning(path, { mode: (await stat(path)).mode })?.code).toBe("KEY_FILE_READABLE_BY_OTHERS");
  });

  it("escapes control characters in the file name it shows", () => {
    const warning = secretKeyFileWarning("/tmp/evil\u001b[2J.sec", { mode: 0o100644 });
    expect(warning?.message).toContain("evil\\u001b[2J.sec");
    expect(warning?.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it("readSecretKeyFile parses the key and reports the warning once through onWarning", async () => {
    const path = await keyFile("read.sec", 0o644);
    const warnings: SecretKeyFileWarning[] = [];
    const key = await readSecretKeyFile(path, { onWarning: (warning) => warnings.push(warning) });
    expect(key).toEqual(secret);
    expect(warnings.map((warning) => warning.path)).toEqual([path]);
    const quiet: SecretKeyFileWarning[] = [];
    await readSecretKeyFile(await keyFile("quiet.sec", 0o600), { onWarning: (warning) => quiet.push(warning) });
    expect(quiet).toEqual([]);
  });

  it("readSecretKeyFile refuses a missing file and a non-key file by path, never echoing content", async () => {
    const missing = join(dir, "absent.sec");
    await expect(readSecretKeyFile(missing)).rejects.toMatchObject({ code: "KEY_FILE_UNREADABLE", source: missing });
    const publicInstead = await keyFile("public-instead.sec", 0o600, `perm-1:${payload.slice(0, 44)}`);
    const error = await readSecretKeyFile(publicInstead).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeyError);
    expect((error as KeyError).message).toContain(publicInstead);
    expect((error as KeyError).message).not.toContain(payload.slice(0, 12));
  });
});
