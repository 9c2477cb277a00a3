import { describe, expect, it } from "vitest";
import { S3BlobStore, S3TransportError } from "../src/index.js";

describe("count options of S3BlobStore", () => {
  it("refuses a queueSize, maxSockets or listPageSize that is not a positive integer, naming it", () => {
    for (const [name, value] of [
      ["queueSize", 0],
      ["queueSize", 2.5],
      ["maxSockets", -1],
      ["listPageSize", Number.NaN],
    ] as const) {
      let caught: unknown;
      try {
        S3BlobStore.fromUrl("s3://my-cache?endpoint=http://127.0.0.1:1", { [name]: value });
      } catch (error) {
        caught = error;
      }
      expect(caught, `${name}=${value}`).toBeInstanceOf(S3TransportError);
      expect((caught as S3TransportError).code).toBe("INVALID_OPTION");
      expect((caught as S3TransportError).message).toBe(
        `s3://my-cache: ${name}=${value} is not valid; it must be a positive integer`,
      );
    }
    S3BlobStore.fromUrl("s3://my-cache?endpoint=http://127.0.0.1:1", { queueSize: 1, maxSockets: 1 }).close();
  });
});
