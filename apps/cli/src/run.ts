// The CLI's process: tunes the allocator, hands argv and the process's streams to the dispatcher and exits with its
// status. Loaded by main.ts.
import { tuneAllocator } from "./allocator-tuning.js";
import { runCli } from "./cli.js";
import { showWarningsOn } from "./warnings.js";

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
