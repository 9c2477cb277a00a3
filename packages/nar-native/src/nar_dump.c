// The NAR dump of one filesystem path as a resumable state machine: each fill() writes the next NAR bytes (framing
// and file contents) into a caller's buffer and stops when it is full, so @narwhal/nar drives it exactly like its
// JavaScript serializer. Same walk, same rules; what is gone is Node's cost per file-system call.

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nar_dump.h"

#define MAX_NAR_DEPTH 64
#define MAX_SYMLINK_TARGET 4095

typedef struct {
  const char *name;
  unsigned char type;  // d_type
} dir_entry;

typedef struct {
  DIR *dir;
  dir_entry *entries;  // sorted by name bytes
  size_t count, next;
  char *arena;         // the names
  char *path;          // this directory's path, for error messages
  int depth;           // depth of the directory node itself
} dir_frame;

typedef enum { KIND_NONE, KIND_DIRECTORY, KIND_FILE, KIND_SYMLINK } node_kind;

struct nar_dumper {
  char *root;
  int started, done, failed;
  int open_dirs;  // directories whose framing is open
  dir_frame *stack;
  size_t stack_size, stack_cap;
  // The node chosen next, waiting for room in a buffer.
  node_kind pending;
  const char *pending_name;  // NULL for the root
  int pending_depth;
  char link_target[MAX_SYMLINK_TARGET + 2];
  ssize_t link_length;
  // The regular file being read.
  int file_fd;
  uint64_t file_size, file_position;
  int file_depth, file_probed;
  char *file_path;
};

// ---- walk ----------------------------------------------------------------------------------------------------------

static char *join_path(const char *dir, const char *name) {
  size_t dir_length = strlen(dir), name_length = strlen(name);
  char *path = malloc(dir_length + name_length + 2);
  if (path == NULL) return NULL;
  memcpy(path, dir, dir_length);
  path[dir_length] = '/';
  memcpy(path + dir_length + 1, name, name_length + 1);
  return path;
}

/** The path of the node chosen next (a new string), for opening it and for error messages. */
static char *pending_path(const struct nar_dumper *dumper) {
  if (dumper->stack_size == 0) return strdup(dumper->root);
  return join_path(dumper->stack[dumper->stack_size - 1].path, dumper->pending_name);
}

/** Records a failure of `kind` about the node chosen next; returns -1. */
static int fail_pending(nar_failure *failure, const struct nar_dumper *dumper, nar_failure_kind kind) {
  char *path = pending_path(dumper);
  nar_fail(failure, kind, path != NULL ? path : dumper->root);
  free(path);
  return -1;
}

/** Records that `syscall` failed with `error` on the node chosen next; returns -1. */
static int fail_pending_errno(nar_failure *failure, const struct nar_dumper *dumper, int error, const char *syscall) {
  fail_pending(failure, dumper, NAR_FAILURE_ERRNO);
  failure->error = error;
  failure->syscall = syscall;
  return -1;
}

// Entry names are NUL-free, so strcmp orders them like Nix: unsigned bytes, a prefix first.
static int compare_entries(const void *a, const void *b) {
  return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static void free_frame(dir_frame *frame) {
  if (frame->dir != NULL) closedir(frame->dir);
  free(frame->entries);
  free(frame->arena);
  free(frame->path);
  memset(frame, 0, sizeof *frame);
}

static void close_file(struct nar_dumper *dumper) {
  if (dumper->file_fd >= 0) close(dumper->file_fd);
  dumper->file_fd = -1;
  free(dumper->file_path);
  dumper->file_path = NULL;
}

static const char *describe_type(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "of an unknown file type";
}

static mode_t mode_of_dtype(unsigned char type) {
  switch (type) {
    case DT_DIR: return S_IFDIR;
    case DT_REG: return S_IFREG;
    case DT_LNK: return S_IFLNK;
    case DT_FIFO: return S_IFIFO;
    case DT_SOCK: return S_IFSOCK;
    case DT_CHR: return S_IFCHR;
    case DT_BLK: return S_IFBLK;
    default: return 0;
  }
}

/** Reads the entries of an open directory, sorted, into a new frame (which takes `dir` and `path`). */
static int push_directory(nar_failure *failure, struct nar_dumper *dumper, DIR *dir, char *path, int depth) {
  size_t cap = 16, arena_cap = 4096, arena_used = 0, count = 0;
  char *arena = malloc(arena_cap);
  size_t *offsets = malloc(cap * sizeof *offsets);
  unsigned char *types = malloc(cap);
  dir_entry *entries = NULL;
  if (arena == NULL || offsets == NULL || types == NULL) goto out_of_memory;
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(dir);
    if (entry == NULL) {
      if (errno != 0) {
        nar_fail_errno(failure, errno, "scandir", path);
        goto failed;
      }
      break;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    size_t length = strlen(name) + 1;
    if (arena_used + length > arena_cap) {
      while (arena_used + length > arena_cap) arena_cap *= 2;
      char *grown = realloc(arena, arena_cap);
      if (grown == NULL) goto out_of_memory;
      arena = grown;
    }
    if (count == cap) {
      cap *= 2;
      size_t *grown_offsets = realloc(offsets, cap * sizeof *offsets);
      if (grown_offsets == NULL) goto out_of_memory;
      offsets = grown_offsets;
      unsigned char *grown_types = realloc(types, cap);
      if (grown_types == NULL) goto out_of_memory;
      types = grown_types;
    }
    memcpy(arena + arena_used, name, length);
    offsets[count] = arena_used;
    types[count] = entry->d_type;
    count++;
    arena_used += length;
  }
  if (count > 0 && depth + 1 > MAX_NAR_DEPTH) {
    nar_fail(failure, NAR_FAILURE_TOO_DEEP, path);
    failure->number = depth + 1;
    goto failed;
  }
  entries = malloc((count > 0 ? count : 1) * sizeof *entries);
  if (entries == NULL) goto out_of_memory;
  for (size_t index = 0; index < count; index++) {
    entries[index].name = arena + offsets[index];
    entries[index].type = types[index];
  }
  qsort(entries, count, sizeof *entries, compare_entries);
  if (dumper->stack_size == dumper->stack_cap) {
    size_t stack_cap = dumper->stack_cap == 0 ? 16 : dumper->stack_cap * 2;
    dir_frame *grown = realloc(dumper->stack, stack_cap * sizeof *grown);
    if (grown == NULL) goto out_of_memory;
    dumper->stack = grown;
    dumper->stack_cap = stack_cap;
  }
  free(offsets);
  free(types);
  dumper->stack[dumper->stack_size++] = (dir_frame){ dir, entries, count, 0, arena, path, depth };
  return 0;

out_of_memory:
  nar_fail_errno(failure, ENOMEM, "scandir", path);
failed:
  free(entries);
  free(arena);
  free(offsets);
  free(types);
  closedir(dir);
  free(path);
  return -1;
}

/** Sets what the node of `mode` is, reading a symlink's target now (it decides the room the framing needs). */
static int choose(nar_failure *failure, struct nar_dumper *dumper, int at, const char *relative, mode_t mode) {
  if (S_ISDIR(mode)) dumper->pending = KIND_DIRECTORY;
  else if (S_ISREG(mode)) dumper->pending = KIND_FILE;
  else if (S_ISLNK(mode)) {
    dumper->pending = KIND_SYMLINK;
    dumper->link_length = readlinkat(at, relative, dumper->link_target, sizeof dumper->link_target);
    if (dumper->link_length < 0) return fail_pending_errno(failure, dumper, errno, "readlink");
    if (dumper->link_length == 0 || dumper->link_length > MAX_SYMLINK_TARGET) {
      fail_pending(failure, dumper, NAR_FAILURE_BAD_TARGET);
      failure->bytes = dumper->link_target;
      failure->bytes_length = (size_t)dumper->link_length;
      return -1;
    }
  } else {
    fail_pending(failure, dumper, NAR_FAILURE_UNSUPPORTED);
    failure->text = describe_type(mode);
    return -1;
  }
  return 1;
}

/** Chooses the next node in NAR order without opening it; 0 when the walk is over. */
static int choose_next(nar_failure *failure, struct nar_dumper *dumper) {
  if (!dumper->started) {
    dumper->started = 1;
    struct stat stats;
    if (lstat(dumper->root, &stats) != 0) {
      nar_fail_errno(failure, errno, "lstat", dumper->root);
      return -1;
    }
    dumper->pending_name = NULL;
    dumper->pending_depth = 0;
    return choose(failure, dumper, AT_FDCWD, dumper->root, stats.st_mode);
  }
  while (dumper->stack_size > 0) {
    dir_frame *frame = &dumper->stack[dumper->stack_size - 1];
    if (frame->next == frame->count) {
      free_frame(frame);
      dumper->stack_size--;
      continue;
    }
    const dir_entry *entry = &frame->entries[frame->next];
    int at = dirfd(frame->dir);
    dumper->pending_name = entry->name;
    dumper->pending_depth = frame->depth + 1;
    mode_t mode = mode_of_dtype(entry->type);
    if (mode == 0) {  // the file system does not report types: ask
      struct stat stats;
      if (fstatat(at, entry->name, &stats, AT_SYMLINK_NOFOLLOW) != 0) return fail_pending_errno(failure, dumper, errno, "lstat");
      mode = stats.st_mode;
    }
    return choose(failure, dumper, at, entry->name, mode);
  }
  return 0;
}

/** Room the chosen node's framing needs. */
static size_t pending_room(const struct nar_dumper *dumper) {
  return NAR_FRAMING_ROOM + (dumper->pending == KIND_SYMLINK ? (size_t)dumper->link_length + 16 : 0);
}

static int fail_changed(nar_failure *failure, const char *path, const char *what, uint64_t size) {
  nar_fail(failure, NAR_FAILURE_CHANGED, path);
  failure->text = what;
  failure->number = (double)size;
  return -1;
}

/** Opens the chosen node and writes its framing: a directory's entries are read, a file is opened for reading. */
static int emit_pending(nar_failure *failure, struct nar_dumper *dumper, nar_output *out) {
  dir_frame *parent = dumper->stack_size > 0 ? &dumper->stack[dumper->stack_size - 1] : NULL;
  int at = parent != NULL ? dirfd(parent->dir) : AT_FDCWD;
  const char *name = dumper->pending_name;
  const char *relative = parent != NULL ? name : dumper->root;
  int depth = dumper->pending_depth;
  node_kind kind = dumper->pending;
  char *path = pending_path(dumper);
  if (path == NULL) return nar_fail_errno(failure, ENOMEM, "open", dumper->root);
  dumper->pending = KIND_NONE;
  // The entry is taken whatever happens next; its name stays valid until the whole frame is freed.
  if (parent != NULL) parent->next++;

  if (kind == KIND_SYMLINK) {
    nar_put_node_start(out, &dumper->open_dirs, depth, name);
    nar_put_symlink(out, dumper->link_target, (size_t)dumper->link_length, depth);
    free(path);
    return 0;
  }

  if (kind == KIND_DIRECTORY) {
    int fd = openat(at, relative, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      nar_fail_errno(failure, errno, "scandir", path);
      free(path);
      return -1;
    }
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
      int error = errno;
      close(fd);
      nar_fail_errno(failure, error, "scandir", path);
      free(path);
      return -1;
    }
    nar_put_node_start(out, &dumper->open_dirs, depth, name);
    nar_put_directory(out);
    dumper->open_dirs = depth + 1;
    return push_directory(failure, dumper, dir, path, depth);
  }

  int fd = openat(at, relative, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    nar_fail_errno(failure, errno, "open", path);
    free(path);
    return -1;
  }
  struct stat stats;
  if (fstat(fd, &stats) != 0) {
    int error = errno;
    close(fd);
    nar_fail_errno(failure, error, "fstat", path);
    free(path);
    return -1;
  }
  if (!S_ISREG(stats.st_mode)) {
    close(fd);
    fail_changed(failure, path, "it stopped being a regular file", (uint64_t)stats.st_size);
    free(path);
    return -1;
  }
  nar_put_node_start(out, &dumper->open_dirs, depth, name);
  nar_put_file_start(out, (stats.st_mode & S_IXUSR) != 0, (uint64_t)stats.st_size);
  dumper->file_fd = fd;
  dumper->file_path = path;
  dumper->file_size = (uint64_t)stats.st_size;
  dumper->file_position = 0;
  dumper->file_depth = depth;
  dumper->file_probed = 0;
  return 0;
}

/**
 * Reads the next piece of the open file straight into the output. The file's last read asks for one byte more
 * when there is room, so a file that grew is noticed without another call.
 */
static int read_file_piece(nar_failure *failure, struct nar_dumper *dumper, nar_output *out) {
  uint64_t left = dumper->file_size - dumper->file_position;
  size_t free_bytes = out->length - out->filled;
  size_t length = left < free_bytes ? (size_t)left : free_bytes;
  int ends = (uint64_t)length == left;
  size_t probe = ends && length < free_bytes ? 1 : 0;
  size_t got = 0;
  while (got < length) {
    ssize_t count = read(dumper->file_fd, out->data + out->filled + got, length - got + probe);
    if (count < 0) {
      if (errno == EINTR) continue;
      return nar_fail_errno(failure, errno, "read", dumper->file_path);
    }
    if (count == 0) return fail_changed(failure, dumper->file_path, "the file shrank", dumper->file_size);
    if ((size_t)count > length - got) return fail_changed(failure, dumper->file_path, "the file grew", dumper->file_size);
    got += (size_t)count;
  }
  out->filled += length;
  dumper->file_position += length;
  if (ends && probe) dumper->file_probed = 1;
  return 0;
}

/** After the last piece: the file must not have grown; then its padding and closing. */
static int end_file(nar_failure *failure, struct nar_dumper *dumper, nar_output *out) {
  if (!dumper->file_probed) {
    char byte;
    ssize_t count;
    do count = read(dumper->file_fd, &byte, 1); while (count < 0 && errno == EINTR);
    if (count < 0) return nar_fail_errno(failure, errno, "read", dumper->file_path);
    if (count > 0) return fail_changed(failure, dumper->file_path, "the file grew", dumper->file_size);
  }
  nar_put_file_end(out, dumper->file_size, dumper->file_depth);
  close_file(dumper);
  return 0;
}

// ---- public ----------------------------------------------------------------------------------------------------------

struct nar_dumper *nar_dumper_create(const char *root, size_t root_length) {
  struct nar_dumper *dumper = calloc(1, sizeof *dumper);
  if (dumper == NULL) return NULL;
  dumper->root = malloc(root_length + 1);
  if (dumper->root == NULL) {
    free(dumper);
    return NULL;
  }
  memcpy(dumper->root, root, root_length);
  dumper->root[root_length] = 0;
  dumper->file_fd = -1;
  return dumper;
}

void nar_dumper_release(struct nar_dumper *dumper) {
  close_file(dumper);
  while (dumper->stack_size > 0) free_frame(&dumper->stack[--dumper->stack_size]);
  if (!dumper->done) dumper->failed = 1;
}

void nar_dumper_free(struct nar_dumper *dumper) {
  nar_dumper_release(dumper);
  free(dumper->stack);
  free(dumper->root);
  free(dumper);
}

long nar_dumper_fill(struct nar_dumper *dumper, nar_output *out, nar_failure *failure) {
  if (dumper->failed) return nar_fail(failure, NAR_FAILURE_USED_AFTER_FAILURE, dumper->root);
  while (!dumper->done) {
    size_t free_bytes = out->length - out->filled;
    if (dumper->file_fd >= 0) {
      if (dumper->file_position < dumper->file_size) {
        if (free_bytes == 0) break;
        if (read_file_piece(failure, dumper, out) != 0) goto failed;
        continue;
      }
      if (free_bytes < NAR_FILE_END_ROOM) break;
      if (end_file(failure, dumper, out) != 0) goto failed;
      continue;
    }
    if (dumper->pending == KIND_NONE) {
      int chosen = choose_next(failure, dumper);
      if (chosen < 0) goto failed;
      if (chosen == 0) {
        if (free_bytes < NAR_FRAMING_ROOM) break;
        nar_put_close_to(out, &dumper->open_dirs, 0);
        dumper->done = 1;
        break;
      }
    }
    if (free_bytes < pending_room(dumper)) break;
    if (emit_pending(failure, dumper, out) != 0) goto failed;
  }
  return (long)out->filled;

failed:
  nar_dumper_release(dumper);  // and marks it failed
  return -1;
}
