// narwhal's floor is Node 22: the CLI no longer hides the AWS SDK's notice that its releases after the first week of
// January 2027 need Node >= 22. Below 22 a user sees it (once) on an S3 command; from 22 on the SDK has nothing to
// say. The command runs against a closed port, so it fails after the S3 client is made, which is when the SDK warns.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { NARWHAL } from "./run-narwhal.js";

const belowFloor = Number(process.versions.node.split(".")[0]) < 22;

function storeInfoOnS3(env: NodeJS.ProcessEnv) {
  const result = spawnSync(
    process.execPath,
    [NARWHAL, "store", "info", "--store", "s3://narwhal-notice?endpoint=http://127.0.0.1:9&region=us-east-1"],
    {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...env, AWS_ACCESS_KEY_ID: "notice", AWS_SECRET_ACCESS_KEY: "notice" },
    },
  );
  return result.stderr;
}

describe("the AWS SDK's Node.js version notice", () => {
  it(belowFloor ? "is shown below Node 22 (not silenced)" : "does not appear from Node 22 on", () => {
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _ignored, ...env } = process.env;
    const stderr = storeInfoOnS3(env);
    expect(stderr).toContain("narwhal: error:");
    if (belowFloor) expect(stderr.match(/NodeVersionSupportWarning/g)).toHaveLength(1);
    else expect(stderr).not.toContain("NodeVersionSupportWarning");
  });

  it("stays off when the user turns it off", () => {
    const stderr = storeInfoOnS3({ ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
    expect(stderr).not.toContain("NodeVersionSupportWarning");
  });
});
