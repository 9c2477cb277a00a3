// NAR framing tokens written into an output buffer: each a little-endian u64 length, the bytes, zero padding to 8.

#include <string.h>
#include "nar_output.h"

static void put_u64(nar_output *out, uint64_t value) {
  unsigned char *at = out->data + out->filled;
  for (int index = 0; index < 8; index++) at[index] = (unsigned char)(value >> (8 * index));
  out->filled += 8;
}

static void put_padding(nar_output *out, uint64_t length) {
  size_t pad = (size_t)((8 - (length % 8)) % 8);
  memset(out->data + out->filled, 0, pad);
  out->filled += pad;
}

static void put_token(nar_output *out, const void *bytes, size_t length) {
  put_u64(out, length);
  memcpy(out->data + out->filled, bytes, length);
  out->filled += length;
  put_padding(out, length);
}

#define PUT(out, literal) put_token(out, literal, sizeof(literal) - 1)

static void put_node_end(nar_output *out, int depth) {
  PUT(out, ")");
  if (depth > 0) PUT(out, ")");  // and the entry holding it
}

void nar_put_close_to(nar_output *out, int *open_dirs, int depth) {
  while (*open_dirs > depth) {
    (*open_dirs)--;
    put_node_end(out, *open_dirs);
  }
}

void nar_put_node_start(nar_output *out, int *open_dirs, int depth, const char *name) {
  nar_put_close_to(out, open_dirs, depth);
  if (name == NULL) {
    PUT(out, "nix-archive-1");
    return;
  }
  PUT(out, "entry");
  PUT(out, "(");
  PUT(out, "name");
  put_token(out, name, strlen(name));
  PUT(out, "node");
}

void nar_put_directory(nar_output *out) {
  PUT(out, "(");
  PUT(out, "type");
  PUT(out, "directory");
}

void nar_put_symlink(nar_output *out, const char *target, size_t target_length, int depth) {
  PUT(out, "(");
  PUT(out, "type");
  PUT(out, "symlink");
  PUT(out, "target");
  put_token(out, target, target_length);
  put_node_end(out, depth);
}

void nar_put_file_start(nar_output *out, int executable, uint64_t size) {
  PUT(out, "(");
  PUT(out, "type");
  PUT(out, "regular");
  if (executable) {
    PUT(out, "executable");
    PUT(out, "");
  }
  PUT(out, "contents");
  put_u64(out, size);
}

void nar_put_file_end(nar_output *out, uint64_t size, int depth) {
  put_padding(out, size);
  put_node_end(out, depth);
}
