// How the CLI shows the libraries' warnings (process warnings such as a group-readable secret key file or a raised
// S3 part size): one line `narwhal: warning: …` on stderr, URL passwords hidden and control characters escaped.

import { redactStoreUrl } from "@narwhal/store-url";
import { escapeForTerminal } from "./terminal-text.js";

/** A message wrapped over several lines (the AWS SDK's Node.js notice is) as one line: breaks become spaces. */
function asOneLine(message: string): string {
  return message.replace(/[ \t]*\r?\n\s*/g, " ").trim();
}

/** Replaces Node's default `(node:PID) Warning: …` output with narwhal's own line. */
export function showWarningsOn(stderr: NodeJS.WritableStream): void {
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    stderr.write(`narwhal: warning: ${escapeForTerminal(redactStoreUrl(asOneLine(warning.message)))}\n`);
  });
}
