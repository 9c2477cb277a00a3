// How many threads one path's compressor may use when a copy runs several uploads at once. The codecs' native
// multithreaded encoders (zstd's workers, liblzma's block threads) pay for every thread: measured on a 9-path
// closure (163 MiB of NAR, 2 cores), the one path of 43 MiB compressed with two xz threads held 376 MiB of RSS
// on its own, and two zstd threads cost ~45 MiB more than one, while four uploads already kept both cores busy.
// So a path gets them only when it is more than half of the bytes to copy: then little else is left to run
// beside it (one big path, or one that dwarfs its closure); every other path compresses on one thread (two
// paths of equal size run side by side, one thread each).

/** The compressor thread limit for a NAR of `narSize` bytes in a copy of `bytesToCopy`; undefined = the codec's own choice. */
export function compressionThreadsFor(narSize: number, bytesToCopy: number): number | undefined {
  return narSize * 2 > bytesToCopy ? undefined : 1;
}
