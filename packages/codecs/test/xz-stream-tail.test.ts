// StreamTail, the xz truncation check's memory of the input's last bytes: always exactly the last `limit` bytes,
// whatever the piece sizes (pieces longer than the limit, empty pieces, many short ones).

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StreamTail } from "../src/backends/xz-footer.js";

describe("StreamTail", () => {
  it("holds the last limit bytes for any sequence of piece sizes", () => {
    for (let trial = 0; trial < 500; trial++) {
      const limit = 1 + (trial % 40);
      const tail = new StreamTail(limit);
      const pieces = Array.from({ length: 1 + (trial % 13) }, (_, i) => randomBytes((trial * 7 + i * 31) % 97));
      for (const piece of pieces) tail.push(piece);
      const all = Buffer.concat(pieces);
      expect(tail.bytes().equals(all.subarray(Math.max(0, all.length - limit)))).toBe(true);
    }
  });
});
