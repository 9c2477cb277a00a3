// A file:// blob store that records the order in which objects became visible (put completed), so tests can check
// the write-order contract of a whole copy.

import { FileBlobStore } from "@narwhal/blob-store";

export class RecordingBlobStore extends FileBlobStore {
  readonly completed: string[] = [];
  readonly started: string[] = [];

  override async put(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: Parameters<FileBlobStore["put"]>[2],
  ): Promise<void> {
    this.started.push(key);
    await super.put(key, body, options);
    this.completed.push(key);
  }
}
