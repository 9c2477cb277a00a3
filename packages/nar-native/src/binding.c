// The Node-API face of the addon. The NAR dumper: createDumper(root), fill(dumper, buffer) -> bytes written (0 at
// the end), release(dumper); a failure is thrown as a plain object { narDumpFailure, path, ... } for @narwhal/nar to
// word. And keepFreedMemory() -> whether glibc's malloc now keeps freed memory for reuse (malloc_tuning.c).

#include <string.h>
#include "nar_dump.h"
#include "malloc_tuning.h"
#include "narwhal_napi.h"

#define CALL(env, call) NARWHAL_CALL(env, "nar-native", call)

static void finalize_dumper(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  nar_dumper_free((struct nar_dumper *)data);
}

static napi_value create_dumper(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *root;
  size_t root_length;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is_buffer = false;
  if (argc == 1) napi_is_buffer(env, argv[0], &is_buffer);
  if (!is_buffer) {
    napi_throw_type_error(env, NULL, "createDumper(root): root must be a Buffer holding the path");
    return NULL;
  }
  CALL(env, napi_get_buffer_info(env, argv[0], &root, &root_length));
  if (root_length == 0 || memchr(root, 0, root_length) != NULL) {
    napi_throw_type_error(env, NULL, "createDumper(root): the path must be non-empty and hold no NUL byte");
    return NULL;
  }
  struct nar_dumper *dumper = nar_dumper_create(root, root_length);
  if (dumper == NULL) {
    napi_throw_error(env, NULL, "nar-native: out of memory");
    return NULL;
  }
  return narwhal_external(env, dumper, finalize_dumper, "nar-native: napi_create_external failed");
}

static struct nar_dumper *dumper_arg(napi_env env, napi_value value) {
  return narwhal_external_arg(env, value, "nar-native: expected a dumper from createDumper");
}

static void set_string(napi_env env, napi_value object, const char *name, const char *text) {
  napi_value value;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, object, name, value);
}

static void set_number(napi_env env, napi_value object, const char *name, double number) {
  napi_value value;
  napi_create_double(env, number, &value);
  napi_set_named_property(env, object, name, value);
}

static void set_bytes(napi_env env, napi_value object, const char *name, const void *bytes, size_t length) {
  napi_value value;
  void *copy;
  napi_create_buffer_copy(env, length, bytes, &copy, &value);
  napi_set_named_property(env, object, name, value);
}

static const char *const KIND_NAMES[] = { "errno", "unsupported", "too-deep", "changed", "bad-target", "used-after-failure" };

static void throw_failure(napi_env env, nar_failure *failure) {
  napi_value object;
  napi_create_object(env, &object);
  set_string(env, object, "narDumpFailure", KIND_NAMES[failure->kind]);
  if (failure->path != NULL) set_bytes(env, object, "path", failure->path, strlen(failure->path));
  if (failure->kind == NAR_FAILURE_ERRNO) {
    set_number(env, object, "errno", -failure->error);
    set_string(env, object, "syscall", failure->syscall);
  }
  if (failure->text != NULL) set_string(env, object, "text", failure->text);
  if (failure->kind == NAR_FAILURE_TOO_DEEP || failure->kind == NAR_FAILURE_CHANGED) set_number(env, object, "number", failure->number);
  if (failure->kind == NAR_FAILURE_BAD_TARGET) set_bytes(env, object, "bytes", failure->bytes, failure->bytes_length);
  nar_failure_clear(failure);
  napi_throw(env, object);
}

static napi_value fill(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "fill(dumper, buffer): two arguments expected");
    return NULL;
  }
  struct nar_dumper *dumper = dumper_arg(env, argv[0]);
  if (dumper == NULL) return NULL;
  bool is_typedarray = false;
  napi_is_typedarray(env, argv[1], &is_typedarray);
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *data = NULL;
  napi_value arraybuffer;
  if (is_typedarray) CALL(env, napi_get_typedarray_info(env, argv[1], &type, &length, &data, &arraybuffer, &offset));
  if (!is_typedarray || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "fill(dumper, buffer): buffer must be a Uint8Array or Buffer");
    return NULL;
  }
  if (length < NAR_MIN_OUTPUT) {
    napi_throw_range_error(env, NULL, "fill(dumper, buffer): the buffer must hold at least 8207 bytes");
    return NULL;
  }
  nar_output out = { data, length, 0 };
  nar_failure failure;
  memset(&failure, 0, sizeof failure);
  long filled = nar_dumper_fill(dumper, &out, &failure);
  if (filled < 0) {
    throw_failure(env, &failure);
    return NULL;
  }
  CALL(env, napi_create_double(env, (double)filled, &result));
  return result;
}

static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return NULL;
  struct nar_dumper *dumper = dumper_arg(env, argv[0]);
  if (dumper != NULL) nar_dumper_release(dumper);
  return NULL;
}

static napi_value keep_freed_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value applied;
  napi_get_boolean(env, malloc_keep_freed_memory() == 1, &applied);
  return applied;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
    { "createDumper", NULL, create_dumper, NULL, NULL, NULL, napi_enumerable, NULL },
    { "fill", NULL, fill, NULL, NULL, NULL, napi_enumerable, NULL },
    { "release", NULL, release, NULL, NULL, NULL, napi_enumerable, NULL },
    { "keepFreedMemory", NULL, keep_freed_memory, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
