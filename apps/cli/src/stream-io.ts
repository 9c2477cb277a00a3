// Byte-stream plumbing for commands: write an async iterable to stdout with back-pressure,
// and open a file as an async iterable of Buffers.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { type EventEmitter, once } from "node:events";

/** Writes every chunk of `source` to `out`, waiting for 'drain' when its buffer is full (back-pressure). */
export async function writeAll(source: AsyncIterable<Uint8Array>, out: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of source) {
    if (!out.write(chunk)) await once(out as unknown as EventEmitter, "drain");
  }
}

/** Opens a file for streaming, with an error that names the file when it cannot be read. */
export async function openFile(path: string): Promise<AsyncIterable<Buffer>> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new Error(
      `cannot read '${path}': ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  if (info.isDirectory()) throw new Error(`cannot read '${path}': it is a directory, expected a NAR file`);
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** Reads a whole small input, refusing more than `limit` bytes (a key file, not a NAR). */
export async function readAll(source: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new Error(`${what} is larger than ${limit} bytes; expected a small text`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** "\n" when `out` is a terminal, "" otherwise: key commands print bare keys like Nix, so `> file` makes a key file. */
export function newlineOnTerminal(out: NodeJS.WritableStream): string {
  return (out as NodeJS.WriteStream).isTTY ? "\n" : "";
}
