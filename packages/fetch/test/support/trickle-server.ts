// A real HTTP server over a file:// cache directory that sends NAR bodies slowly (a chunk every few ms), so a
// fetch from it is still restoring when a test aborts it; records how many NAR bodies were sent to the end.

import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface TrickleServer {
  readonly url: string;
  /** NAR bodies sent completely so far. */
  readonly narsCompleted: () => number;
  close(): Promise<void>;
}

export async function startTrickleServer(
  dir: string,
  options: { chunkBytes?: number; intervalMs?: number } = {},
): Promise<TrickleServer> {
  const chunkBytes = options.chunkBytes ?? 1024;
  const intervalMs = options.intervalMs ?? 20;
  let completed = 0;
  const server: Server = createServer((request, response) => {
    const key = decodeURIComponent((request.url ?? "/").slice(1).split("?")[0]!);
    readFile(join(dir, key)).then(
      (bytes) => {
        response.writeHead(200, { "content-length": bytes.length });
        if (request.method === "HEAD") return void response.end();
        if (!key.startsWith("nar/")) return void response.end(bytes);
        let at = 0;
        const timer = setInterval(() => {
          if (response.destroyed) return void clearInterval(timer);
          response.write(bytes.subarray(at, at + chunkBytes));
          at += chunkBytes;
          if (at >= bytes.length) {
            clearInterval(timer);
            completed++;
            response.end();
          }
        }, intervalMs);
        response.on("close", () => clearInterval(timer));
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    narsCompleted: () => completed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
