/** One dump in progress; owned by the thread that created it. */
export type NarDumper = { readonly __narDumper: unique symbol };

/** What a failed fill throws: facts, worded by @narwhal/nar into its own errors. */
export type NarDumpFailure =
  | { narDumpFailure: "errno"; path: Buffer; errno: number; syscall: string }
  | { narDumpFailure: "unsupported"; path: Buffer; text: string }
  | { narDumpFailure: "too-deep"; path: Buffer; number: number }
  | { narDumpFailure: "changed"; path: Buffer; text: string; number: number }
  | { narDumpFailure: "bad-target"; path: Buffer; bytes: Buffer }
  | { narDumpFailure: "used-after-failure"; path: Buffer };

/** A dumper of the NAR of `root` (a path as bytes; not followed if it is a symlink). Nothing is opened yet. */
export function createDumper(root: Buffer): NarDumper;

/**
 * Writes the next NAR bytes into `buffer` (at least 8207 bytes) from its start; returns how many, 0 once the NAR is
 * complete. Throws a NarDumpFailure; the dumper is then released.
 */
export function fill(dumper: NarDumper, buffer: Uint8Array): number;

/**
 * fill on one of libuv's pool threads: the walk's file system calls then do not block this thread. Resolves with the
 * same count, or rejects with the NarDumpFailure. One at a time per dumper: until it settles, fill and fillAsync on
 * it throw, and `buffer` must stay as it is (not written, not transferred).
 */
export function fillAsync(dumper: NarDumper, buffer: Uint8Array): Promise<number>;

/** Closes the files and directories the dumper holds (a dump abandoned early); after a running fillAsync settles. */
export function release(dumper: NarDumper): void;

/**
 * Tells glibc's allocator to keep freed memory for reuse (process-wide, for every thread): blocks up to 32 MiB come
 * from the heap instead of fresh mmaps, and up to 128 MiB of free heap top stays mapped. A streaming pipeline that
 * allocates and frees MiB-sized buffers then stops faulting in fresh pages for each one. Returns false where the C
 * library is not glibc (nothing is changed). An application's choice, not a library's: narwhal's CLI calls it.
 */
export function keepFreedMemory(): boolean;
