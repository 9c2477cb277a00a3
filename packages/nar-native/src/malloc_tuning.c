// Allocator tuning for streaming pipelines: glibc returns large freed blocks to the kernel at once (mmap'd blocks
// above its threshold, and the heap's free top beyond 128 KiB), so the next buffer of the same size is faulted in
// page by page again. Keeping that memory for reuse removes those page faults.

#include "malloc_tuning.h"
#include <stdlib.h> /* defines __GLIBC__ on glibc */

#if defined(__GLIBC__)
#include <malloc.h>

int malloc_keep_freed_memory(void) {
  // Blocks come from the heap, not from fresh mmaps: up to 32 MiB (glibc's largest threshold on 64-bit), and larger
  // ones too (an xz -6 encoder's ~64 MiB match table, once per path) where the heap can hold them.
  if (mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) != 1) return 0;
  if (mallopt(M_MMAP_MAX, 0) != 1) return 0;
  // Up to 128 MiB of free memory at the heap's top stays mapped, and the heap grows 64 MiB at a time.
  if (mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024) != 1) return 0;
  if (mallopt(M_TOP_PAD, 64 * 1024 * 1024) != 1) return 0;
  return 1;
}
#else
int malloc_keep_freed_memory(void) {
  return 0;
}
#endif
