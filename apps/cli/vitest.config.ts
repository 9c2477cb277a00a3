import { defineConfig } from "vitest/config";

// Below Node 22 (narwhal's floor; the development machines still run Node 20) the AWS SDK warns on every S3
// command that its releases after the first week of January 2027 need Node >= 22. The CLI lets that notice through,
// which is right for a user, but the tests compare narwhal's own stderr, so they run with it turned off there;
// test/node-version-notice.test.ts checks the notice itself with the variable unset.
const sdkNoticeOff = Number(process.versions.node.split(".")[0]) < 22;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: sdkNoticeOff ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } : {},
  },
});
