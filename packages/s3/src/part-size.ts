// Chooses multipart part sizes: buffer-size, kept within S3's 5 MiB - 5 GiB part limits and raised so that the
// expected size fits in the first 9,000 parts; the last 1,000 parts grow, so a body longer than expected (no size
// hint, or compressed output larger than its input) still fits in S3's 10,000. Reports adjustments as warnings.

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const MAX_PART_COUNT = 10_000;
/** S3's largest object: 5 TiB. */
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024 * 1024;

/**
 * How part sizes change along one upload: parts 1..uniformParts have the chosen size; after that the size doubles
 * every growthStep parts (never above 5 GiB); there are at most maxParts parts.
 */
export interface PartSchedule {
  readonly uniformParts: number;
  readonly growthStep: number;
  readonly maxParts: number;
}

/**
 * S3's schedule: 9,000 parts of the chosen size, then 1,000 that double every 100. With 5 MiB parts an upload of
 * unknown size carries up to ~1 TiB; parts only grow past 9,000 x the part size (~44 GiB at 5 MiB).
 */
export const S3_PART_SCHEDULE: PartSchedule = { uniformParts: 9_000, growthStep: 100, maxParts: MAX_PART_COUNT };

export interface PartSizeChoice {
  /** The size of the uniform parts. */
  readonly partSize: number;
  /** Why the part size differs from buffer-size, when it does. */
  readonly warning?: string;
}

export class PartSizeError extends RangeError {
  override readonly name = "PartSizeError";
  readonly code = "OBJECT_TOO_LARGE";
}

/** Refuses a schedule whose counts are not positive integers, or with more uniform parts than parts. */
export function checkPartSchedule(schedule: PartSchedule): PartSchedule {
  for (const name of ["uniformParts", "growthStep", "maxParts"] as const) {
    const value = schedule[name];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new PartSizeError(`partSchedule.${name}=${String(value)} is not valid; it must be a positive integer`);
  }
  if (schedule.uniformParts > schedule.maxParts) {
    throw new PartSizeError(
      `partSchedule.uniformParts=${schedule.uniformParts} is not valid; it must not exceed maxParts=${schedule.maxParts}`,
    );
  }
  return schedule;
}

/** The size of part `partNumber` (1-based) of an upload whose uniform parts have `partSize` bytes. */
export function partSizeAt(partSize: number, partNumber: number, schedule: PartSchedule = S3_PART_SCHEDULE): number {
  if (partNumber <= schedule.uniformParts) return partSize;
  const doublings = Math.floor((partNumber - schedule.uniformParts - 1) / schedule.growthStep) + 1;
  return Math.max(partSize, Math.min(MAX_PART_SIZE, partSize * 2 ** doublings));
}

/** The most bytes one upload can carry with uniform parts of `partSize`: the sum of all its parts' sizes. */
export function scheduleCapacity(partSize: number, schedule: PartSchedule = S3_PART_SCHEDULE): number {
  let total = 0;
  for (let part = 1; part <= schedule.maxParts; part += 1) total += partSizeAt(partSize, part, schedule);
  return total;
}

/**
 * The uniform part size for an upload of about `sizeHint` bytes (unknown when undefined) with `buffer-size` =
 * `bufferSize`. Throws PartSizeError when `sizeHint` exceeds S3's 5 TiB object limit.
 */
export function choosePartSize(bufferSize: number, sizeHint?: number): PartSizeChoice {
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
    throw new PartSizeError(`buffer-size=${bufferSize} is not valid; it must be a positive integer number of bytes`);
  }
  if (sizeHint !== undefined && sizeHint > MAX_OBJECT_SIZE) {
    throw new PartSizeError(
      `an upload of ${sizeHint} bytes exceeds S3's largest object size of ${MAX_OBJECT_SIZE} bytes (5 TiB)`,
    );
  }
  const planned = S3_PART_SCHEDULE.uniformParts;
  const partsNeeded = sizeHint === undefined ? 0 : Math.ceil(sizeHint / Math.max(bufferSize, MIN_PART_SIZE));
  if (sizeHint !== undefined && partsNeeded > planned) {
    const partSize = Math.ceil(sizeHint / planned);
    return {
      partSize,
      warning:
        `buffer-size=${bufferSize} would need ${partsNeeded} parts for ${sizeHint} bytes ` +
        `(narwhal plans at most ${planned} of S3's ${MAX_PART_COUNT} parts); using parts of ${partSize} bytes`,
    };
  }
  if (bufferSize < MIN_PART_SIZE) {
    return {
      partSize: MIN_PART_SIZE,
      warning: `buffer-size=${bufferSize} is below S3's minimum part size; using ${MIN_PART_SIZE} bytes (5 MiB)`,
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
