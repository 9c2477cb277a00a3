// What the upload benchmarks share about RGW: bucket URLs with the endpoint, creating/deleting buckets, and the
// "RGW ceiling" row — a file PUT as 4 streamed objects at once with no compression work (what any client can reach).

import { createReadStream, statSync } from "node:fs";

/** `s3://BUCKET?endpoint=…&SETTINGS` for the RGW at `endpoint`. */
export function s3UrlFor(endpoint) {
  return (bucket, ...settings) =>
    `s3://${bucket}?${[`endpoint=${encodeURIComponent(endpoint)}`, ...settings].join("&")}`;
}

/** Creates ("create") or deletes (anything else) `bucket`. */
export async function bucketAdmin(endpoint, action, bucket) {
  const admin = await import("@narwhal/s3");
  const url = s3UrlFor(endpoint)(bucket);
  if (action === "create") await admin.ensureBucket(url);
  else await admin.deleteBucket(url);
}

/** Uploads `file` as 4 objects at once (streamed multipart, 4 parts in flight each): wall and CPU seconds. */
export async function putFileRaw(endpoint, file, bucket) {
  const { S3BlobStore } = await import("@narwhal/s3");
  const store = S3BlobStore.fromUrl(s3UrlFor(endpoint)(bucket));
  const size = statSync(file).size;
  const share = Math.ceil(size / 4);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  try {
    await Promise.all(
      [0, 1, 2, 3].map(async (index) => {
        const start = index * share;
        const end = Math.min(size, start + share) - 1;
        if (end < start) return;
        await store.put(
          `nar/ceiling-${index}.nar.zst`,
          createReadStream(file, { start, end, highWaterMark: 1 << 20 }),
          { contentType: "application/x-nix-nar", sizeHint: end - start + 1 },
        );
      }),
    );
  } finally {
    await store.close();
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}
