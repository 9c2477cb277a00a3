#!/usr/bin/env node
// The `narwhal` executable: hands argv and the process's streams to the dispatcher and exits with its status.
import { tuneAllocator } from "./allocator-tuning.js";
import { runCli } from "./cli.js";
import { showWarningsOn } from "./warnings.js";

// The AWS SDK warns on every S3 command that its future releases need Node >= 22; narwhal pins a release that runs
// on Node 20, so the warning is noise for our users (a user who sets the variable themselves keeps their choice).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

tuneAllocator();
showWarningsOn(process.stderr);

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const status = await runCli(process.argv.slice(2), {
  stdin: process.stdin as unknown as Parameters<typeof runCli>[1]["stdin"],
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = status;
