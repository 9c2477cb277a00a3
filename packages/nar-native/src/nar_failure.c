// Recording why a dump failed, as data the binding turns into a JavaScript value.

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "nar_dump.h"

int nar_fail(nar_failure *failure, nar_failure_kind kind, const char *path) {
  nar_failure_clear(failure);
  failure->kind = kind;
  failure->path = path != NULL ? strdup(path) : NULL;
  return -1;
}

int nar_fail_errno(nar_failure *failure, int error, const char *syscall, const char *path) {
  nar_fail(failure, NAR_FAILURE_ERRNO, path);
  failure->error = error;
  failure->syscall = syscall;
  return -1;
}

void nar_failure_clear(nar_failure *failure) {
  free(failure->path);
  memset(failure, 0, sizeof *failure);
}
