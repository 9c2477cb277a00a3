// NAR framing written straight into an output buffer: the tokens around each node, in the order dump-framing.ts
// (in @narwhal/nar) writes them. Callers make sure of the room first.

#ifndef NAR_OUTPUT_H
#define NAR_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  unsigned char *data;
  size_t length, filled;
} nar_output;

/** Most bytes one node's framing takes apart from a symlink target: closes for 64 levels, entry, name, header. */
#define NAR_FRAMING_ROOM 4096
/** Bytes after a file's contents: padding and two closing tokens. */
#define NAR_FILE_END_ROOM 64
/** The smallest output buffer: the framing room plus the longest symlink target, as MIN_DUMP_BUFFER in @narwhal/nar. */
#define NAR_MIN_OUTPUT (NAR_FRAMING_ROOM + 4095 + 16)

/** Closes open directories until `depth` remain open. */
void nar_put_close_to(nar_output *out, int *open_dirs, int depth);
/** Closes what the node at `depth` ends, then the magic (root, name NULL) or the entry's name. */
void nar_put_node_start(nar_output *out, int *open_dirs, int depth, const char *name);
void nar_put_directory(nar_output *out);
void nar_put_symlink(nar_output *out, const char *target, size_t target_length, int depth);
/** Up to and including the contents' size; the contents follow. */
void nar_put_file_start(nar_output *out, int executable, uint64_t size);
void nar_put_file_end(nar_output *out, uint64_t size, int depth);

#endif
