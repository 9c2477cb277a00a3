// A library warning is one `narwhal: warning: …` line: a message wrapped over several lines (the AWS SDK's Node.js
// notice is) is joined with spaces, other control characters are escaped, URL passwords are hidden.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { showWarningsOn } from "../src/warnings.js";

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function warned(message: string): Promise<string> {
  const { stream, text } = capture();
  showWarningsOn(stream);
  process.emitWarning(message, "NodeVersionSupportWarning");
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  return text();
}

describe("library warnings on stderr", () => {
  const listeners = process.listeners("warning");
  afterEach(() => {
    process.removeAllListeners("warning");
    for (const listener of listeners) process.on("warning", listener);
  });

  it("joins a wrapped message into one line", async () => {
    const text = await warned("The AWS SDK for JavaScript (v3)\nversions published after\n\nwill require node >=22.\n");
    expect(text).toBe(
      "narwhal: warning: The AWS SDK for JavaScript (v3) versions published after will require node >=22.\n",
    );
  });

  it("escapes other control characters and hides a URL's password", async () => {
    const text = await warned("part size raised for s3://user:hunter2@bucket \u001b[31mred");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("\u001b");
    expect(text.split("\n")).toHaveLength(2);
  });
});
