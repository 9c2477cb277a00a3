// The NAR dumper's C interface: create one per path, fill caller buffers until it reports the end, free it.
// Failures are described as data (nar_failure) so the binding can hand them to JavaScript as they are.

#ifndef NAR_DUMP_H
#define NAR_DUMP_H

#include <stddef.h>
#include "nar_output.h"

typedef enum {
  NAR_FAILURE_ERRNO,        // a system call failed: error, syscall, path
  NAR_FAILURE_UNSUPPORTED,  // not a regular file, directory or symlink: path, text (what it is)
  NAR_FAILURE_TOO_DEEP,     // entries nested deeper than the limit: path, number (their depth)
  NAR_FAILURE_CHANGED,      // a file changed while being read: path, text (how), number (expected size)
  NAR_FAILURE_BAD_TARGET,   // a symlink target a NAR cannot hold: path, bytes
  NAR_FAILURE_USED_AFTER_FAILURE,
} nar_failure_kind;

typedef struct {
  nar_failure_kind kind;
  int error;
  const char *syscall;
  char *path;  // owned: free with nar_failure_clear
  const char *text;
  double number;
  const char *bytes;  // valid until the dumper is used again
  size_t bytes_length;
} nar_failure;

int nar_fail(nar_failure *failure, nar_failure_kind kind, const char *path);
int nar_fail_errno(nar_failure *failure, int error, const char *syscall, const char *path);
void nar_failure_clear(nar_failure *failure);

struct nar_dumper;

/** A dumper of the path `root` (not followed if it is a symlink); NULL when out of memory. */
struct nar_dumper *nar_dumper_create(const char *root, size_t root_length);

/**
 * Writes the next NAR bytes into out (out->length must be at least NAR_MIN_OUTPUT) and returns out->filled;
 * 0 once the NAR is complete. On failure returns -1 with *failure set, and the dumper is released.
 */
long nar_dumper_fill(struct nar_dumper *dumper, nar_output *out, nar_failure *failure);

/** Closes what the dumper holds open (a dump abandoned early); it can then only fail. */
void nar_dumper_release(struct nar_dumper *dumper);

void nar_dumper_free(struct nar_dumper *dumper);

#endif
