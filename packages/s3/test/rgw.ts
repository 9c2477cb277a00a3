// Test access to the real Ceph RGW: its endpoint from the environment (skip when absent, fail loudly under CI),
// fresh random bucket names and store URLs pointing at them.

import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { S3TransportError } from "../src/index.js";

export const rgwEndpoint = process.env.S3_ENDPOINT ?? "";

if (rgwEndpoint === "" && process.env.CI) {
  throw new Error("S3_ENDPOINT is not set but CI is: the S3 integration tests need the Ceph RGW started by .ci/run");
}

/** True when no RGW endpoint is configured: use `describe.skipIf(noRgw)`. */
export const noRgw: boolean = rgwEndpoint === "";

export function freshBucketName(label: string): string {
  return `narwhal-s3-${label}-${randomBytes(4).toString("hex")}`;
}

/** `s3://BUCKET?endpoint=...` plus extra settings such as "multipart-upload=true". */
export function rgwStoreUrl(bucket: string, ...settings: string[]): string {
  return `s3://${bucket}?${[`endpoint=${encodeURIComponent(rgwEndpoint)}`, ...settings].join("&")}`;
}

export async function collectBody(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const piece of body) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** Yields `total` bytes of `data` in pieces of `pieceSize`. */
export async function* inPieces(data: Buffer, pieceSize: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += pieceSize) yield data.subarray(offset, offset + pieceSize);
}

/** Byte equality without vitest's slow element-wise diff of large buffers; names the first differing offset. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  if (a.equals(expected)) return "same";
  let offset = 0;
  while (offset < Math.min(a.length, expected.length) && a[offset] === expected[offset]) offset += 1;
  return `differ: ${a.length} vs ${expected.length} bytes, first difference at ${offset}`;
}

/** Runs `work`, which must fail with an S3TransportError, and returns that error. */
export async function failure(work: () => Promise<unknown>): Promise<S3TransportError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(S3TransportError);
    return error as S3TransportError;
  }
  throw new Error("expected the operation to fail");
}
