// Child process for the decompression-bomb tests: decodes one file through the built package (dist/) and prints
// one JSON line with the outcome, the bytes and largest piece produced, and this process's peak RSS.

import { open } from "node:fs/promises";
import { readFileSync } from "node:fs";

// argv: PATH CODEC MODE LIMIT [BACKEND] [INPUT_PIECE_BYTES]; PATH "zeros:N" is N zero bytes made on the fly
// (for `none`); MODE is "stream" (decompressStream), "stream-reuse" (the same with reuseOutput), "content-encoding"
// (decodeContentEncoding) or "first-piece" (take one piece, wait, stop); LIMIT is a byte count, "none", or "default" (DEFAULT_CONTENT_ENCODING_LIMIT).
const [, , path, codec, mode, limitArg, backend, pieceArg] = process.argv;
const { decompressStream, decodeContentEncoding, closeCompressionPools, DEFAULT_CONTENT_ENCODING_LIMIT } = await import(
  new URL("../../dist/index.js", import.meta.url).href
);
const maxOutputBytes =
  limitArg === "none" ? undefined : limitArg === "default" ? DEFAULT_CONTENT_ENCODING_LIMIT : Number(limitArg);
const pieceBytes = Number(pieceArg || 64 * 1024);

async function* zeros(total) {
  const piece = Buffer.alloc(16 << 20);
  for (let left = total; left > 0; left -= piece.length) yield piece.subarray(0, Math.min(left, piece.length));
}

async function* fileSource(file) {
  if (file.startsWith("zeros:")) {
    yield* zeros(Number(file.slice(6)));
    return;
  }
  const handle = await open(file);
  try {
    for (;;) {
      const piece = Buffer.allocUnsafe(pieceBytes);
      const { bytesRead } = await handle.read(piece, 0, piece.length);
      if (bytesRead === 0) return;
      yield piece.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function peakRssBytes() {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

let bytes = 0;
let pieces = 0;
let largestPiece = 0;
let code = "OK";
let message = "";
try {
  if (mode === "content-encoding") {
    const body = path.startsWith("zeros:") ? Buffer.alloc(Number(path.slice(6))) : readFileSync(path);
    const decoded = await decodeContentEncoding(codec, body, { maxOutputBytes });
    bytes = decoded.length;
    pieces = 1;
    largestPiece = decoded.length;
  } else if (mode === "first-piece") {
    for await (const piece of decompressStream(codec, fileSource(path), {
      maxOutputBytes,
      backend: backend || undefined,
    })) {
      bytes += piece.byteLength;
      pieces += 1;
      largestPiece = piece.byteLength;
      // A decoder that works ahead of its consumer would keep decoding (and allocating) during this pause.
      await new Promise((resolve) => setTimeout(resolve, 300));
      break;
    }
  } else {
    for await (const piece of decompressStream(codec, fileSource(path), {
      maxOutputBytes,
      backend: backend || undefined,
      reuseOutput: mode === "stream-reuse",
    })) {
      bytes += piece.byteLength;
      pieces += 1;
      if (piece.byteLength > largestPiece) largestPiece = piece.byteLength;
    }
  }
} catch (error) {
  code = error?.code ?? "ERROR";
  message = String(error?.message ?? error);
}
await closeCompressionPools();
process.stdout.write(`${JSON.stringify({ code, message, bytes, pieces, largestPiece, peakRss: peakRssBytes() })}\n`);
