// Chooses the multipart part size: buffer-size, raised so that no upload needs more than 10,000 parts and kept
// within S3's 5 MiB - 5 GiB part limits; reports every adjustment as a warning text.

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const MAX_PART_COUNT = 10_000;
/** S3's largest object: 5 TiB. */
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024 * 1024;

export interface PartSizeChoice {
  readonly partSize: number;
  /** Why the part size differs from buffer-size, when it does. */
  readonly warning?: string;
}

export class PartSizeError extends RangeError {
  override readonly name = "PartSizeError";
  readonly code = "OBJECT_TOO_LARGE";
}

/**
 * The part size for an upload of about `sizeHint` bytes (unknown when undefined) with `buffer-size` = `bufferSize`.
 * Throws PartSizeError when `sizeHint` exceeds S3's 5 TiB object limit.
 */
export function choosePartSize(bufferSize: number, sizeHint?: number): PartSizeChoice {
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
    throw new PartSizeError(`buffer-size=${bufferSize} is not valid; it must be a positive integer number of bytes`);
  }
  if (sizeHint !== undefined && sizeHint > MAX_OBJECT_SIZE) {
    throw new PartSizeError(`an upload of ${sizeHint} bytes exceeds S3's largest object size of ${MAX_OBJECT_SIZE} bytes (5 TiB)`);
  }
  if (bufferSize < MIN_PART_SIZE) {
    return {
      partSize: MIN_PART_SIZE,
      warning: `buffer-size=${bufferSize} is below S3's minimum part size; using ${MIN_PART_SIZE} bytes (5 MiB)`,
    };
  }
  if (sizeHint !== undefined && Math.ceil(sizeHint / bufferSize) > MAX_PART_COUNT) {
    const partSize = Math.ceil(sizeHint / MAX_PART_COUNT);
    return {
      partSize,
      warning:
        `buffer-size=${bufferSize} would need ${Math.ceil(sizeHint / bufferSize)} parts for ${sizeHint} bytes ` +
        `(S3 allows ${MAX_PART_COUNT}); using parts of ${partSize} bytes`,
    };
  }
  if (bufferSize > MAX_PART_SIZE) {
    return {
      partSize: MAX_PART_SIZE,
      warning: `buffer-size=${bufferSize} is above S3's maximum part size; using ${MAX_PART_SIZE} bytes (5 GiB)`,
    };
  }
  return { partSize: bufferSize };
}
