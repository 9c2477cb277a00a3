// Bucket housekeeping for tests and setup: create a bucket if missing, allow anonymous reads (so `nix copy --from
// http://host/BUCKET` works), and delete a bucket after emptying it and aborting its pending multipart uploads.

import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import type { StoreUrl } from "@narwhal/store-url";
import { connectS3, type S3ClientOptions, type S3Connection } from "./s3-client.js";
import { httpStatusOf, s3ErrorCode, toTransportError } from "./s3-errors.js";

async function withConnection<T>(
  url: string | StoreUrl,
  options: S3ClientOptions,
  operation: string,
  work: (connection: S3Connection) => Promise<T>,
): Promise<T> {
  const connection = connectS3(url, options);
  try {
    return await work(connection);
  } catch (error) {
    throw toTransportError(error, { operation, bucket: connection.bucket, endpoint: connection.endpoint });
  } finally {
    connection.client.destroy();
  }
}

/** Creates the store URL's bucket unless it exists already (owned by these credentials). Returns true if created. */
export function ensureBucket(url: string | StoreUrl, options: S3ClientOptions = {}): Promise<boolean> {
  return withConnection(url, options, "create bucket", async ({ client, bucket, url: s3Url }) => {
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
      return false;
    } catch (error) {
      if (httpStatusOf(error) !== 404 && s3ErrorCode(error) !== "NotFound" && s3ErrorCode(error) !== "NoSuchBucket")
        throw error;
    }
    const region = s3Url.settings.region;
    try {
      await client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === "" || region === "us-east-1"
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
        }),
      );
    } catch (error) {
      if (s3ErrorCode(error) === "BucketAlreadyOwnedByYou") return false;
      throw error;
    }
    return true;
  });
}

/** The bucket policy letting anyone GET objects and list the bucket (what a public Nix cache needs). */
export function publicReadPolicy(bucket: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublicReadObjects",
        Effect: "Allow",
        Principal: "*",
        Action: ["s3:GetObject"],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
      {
        Sid: "PublicListBucket",
        Effect: "Allow",
        Principal: "*",
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
      },
    ],
  });
}

/** Puts publicReadPolicy(bucket) on the store URL's bucket. */
export function setPublicReadPolicy(url: string | StoreUrl, options: S3ClientOptions = {}): Promise<void> {
  return withConnection(url, options, "set public-read policy on", async ({ client, bucket }) => {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicReadPolicy(bucket) }));
  });
}

/** Aborts pending multipart uploads, deletes every object, then the bucket. A missing bucket is not an error. */
export function deleteBucket(url: string | StoreUrl, options: S3ClientOptions = {}): Promise<void> {
  return withConnection(url, options, "delete bucket", async ({ client, bucket }) => {
    try {
      for (;;) {
        const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        for (const upload of uploads.Uploads ?? []) {
          await client.send(
            new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
          );
        }
        if (!uploads.IsTruncated) break;
      }
      for (;;) {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        // One DeleteObject per key: DeleteObjects needs a checksum header not every S3 server accepts.
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: item.Key }));
        }
        if (!page.IsTruncated) break;
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (s3ErrorCode(error) === "NoSuchBucket") return;
      throw error;
    }
  });
}
