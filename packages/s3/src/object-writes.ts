// The two writes an upload needs, PutObject of an in-memory body and UploadPart, behind one interface so that one
// upload (parts-upload.ts) runs over either request path: the lean signed requests or the AWS SDK client.

import { PutObjectCommand, type S3Client, type StorageClass, UploadPartCommand } from "@aws-sdk/client-s3";

export interface ObjectHeaders {
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** x-amz-storage-class (the storage-class setting); signed like every header sent. */
  readonly storageClass?: string;
}

/** Each write answers the ETag S3 gave and throws the raw cause (map it with toTransportError). */
export interface ObjectWrites {
  putObject(key: string, body: Uint8Array, headers: ObjectHeaders): Promise<string | undefined>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string | undefined>;
  /** Releases what the writes hold of their own (the lean path's sockets); the SDK client is closed by its owner. */
  close(): void;
}

/** The writes through the AWS SDK client (`leanRequests: false`), retried by the client's retry strategy. */
export class SdkObjectWrites implements ObjectWrites {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async putObject(key: string, body: Uint8Array, headers: ObjectHeaders): Promise<string | undefined> {
    const answer = await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: body,
        ContentType: headers.contentType,
        ...(headers.contentEncoding === undefined ? {} : { ContentEncoding: headers.contentEncoding }),
        ...(headers.storageClass === undefined ? {} : { StorageClass: headers.storageClass as StorageClass }),
      }),
    );
    return answer.ETag;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string | undefined> {
    const answer = await this.#client.send(
      new UploadPartCommand({ Bucket: this.#bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }),
    );
    return answer.ETag;
  }

  close(): void {}
}
