// The Node-API face of the addon. The NAR dumper: createDumper(root), fill(dumper, buffer) -> bytes written (0 at
// the end), fillAsync(dumper, buffer) -> a promise of the same, filled on a libuv pool thread, release(dumper); a
// failure is thrown (or the promise rejected) with a plain object { narDumpFailure, path, ... } for @narwhal/nar to
// word. And keepFreedMemory() -> whether glibc's malloc now keeps freed memory for reuse (malloc_tuning.c).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nar_dump.h"
#include "malloc_tuning.h"
#include "narwhal_napi.h"

#define CALL(env, call) NARWHAL_CALL(env, "nar-native", call)

/** What a dumper value holds: the dumper, and whether a fillAsync is running on it (then nothing else may touch it). */
typedef struct {
  struct nar_dumper *dumper;
  bool filling;
  bool release_when_filled;  // release() came while filling: done when the fill settles
} dumper_handle;

static void finalize_dumper(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  dumper_handle *handle = data;
  nar_dumper_free(handle->dumper);
  free(handle);
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
  dumper_handle *handle = calloc(1, sizeof *handle);
  if (handle != NULL) handle->dumper = nar_dumper_create(root, root_length);
  if (handle == NULL || handle->dumper == NULL) {
    free(handle);
    napi_throw_error(env, NULL, "nar-native: out of memory");
    return NULL;
  }
  return narwhal_external(env, handle, finalize_dumper, "nar-native: napi_create_external failed");
}

static dumper_handle *dumper_arg(napi_env env, napi_value value) {
  return narwhal_external_arg(env, value, "nar-native: expected a dumper from createDumper");
}

/** The dumper of `value` for a fill, or NULL after throwing (not a dumper, or a fillAsync still running on it). */
static dumper_handle *idle_dumper_arg(napi_env env, napi_value value, const char *call) {
  dumper_handle *handle = dumper_arg(env, value);
  if (handle != NULL && handle->filling) {
    napi_throw_error(env, NULL, call);
    return NULL;
  }
  return handle;
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

/** The failure as the plain object JavaScript receives; clears it. */
static napi_value failure_object(napi_env env, nar_failure *failure) {
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
  return object;
}

/**
 * The output space of fill's and fillAsync's second argument, or false after throwing. `call` names the function in
 * the messages.
 */
static bool output_arg(napi_env env, napi_value value, const char *call, nar_output *out) {
  bool is_typedarray = false;
  napi_is_typedarray(env, value, &is_typedarray);
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *data = NULL;
  napi_value arraybuffer;
  char message[160];
  if (is_typedarray && napi_get_typedarray_info(env, value, &type, &length, &data, &arraybuffer, &offset) != napi_ok) {
    napi_throw_error(env, NULL, "nar-native: napi_get_typedarray_info failed");
    return false;
  }
  if (!is_typedarray || type != napi_uint8_array) {
    snprintf(message, sizeof message, "%s(dumper, buffer): buffer must be a Uint8Array or Buffer", call);
    napi_throw_type_error(env, NULL, message);
    return false;
  }
  if (length < NAR_MIN_OUTPUT) {
    snprintf(message, sizeof message, "%s(dumper, buffer): the buffer must hold at least 8207 bytes", call);
    napi_throw_range_error(env, NULL, message);
    return false;
  }
  out->data = data;
  out->length = length;
  out->filled = 0;
  return true;
}

static napi_value fill(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "fill(dumper, buffer): two arguments expected");
    return NULL;
  }
  dumper_handle *handle = idle_dumper_arg(env, argv[0], "fill(dumper, buffer): a fillAsync on this dumper has not settled");
  if (handle == NULL) return NULL;
  nar_output out;
  if (!output_arg(env, argv[1], "fill", &out)) return NULL;
  nar_failure failure;
  memset(&failure, 0, sizeof failure);
  long filled = nar_dumper_fill(handle->dumper, &out, &failure);
  if (filled < 0) {
    napi_throw(env, failure_object(env, &failure));
    return NULL;
  }
  CALL(env, napi_create_double(env, (double)filled, &result));
  return result;
}

/** One fillAsync: the dumper and the buffer are referenced (kept from the collector) until it settles. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref dumper_ref;
  napi_ref buffer_ref;
  dumper_handle *handle;
  nar_output out;
  nar_failure failure;
  long filled;
} fill_job;

static void fill_on_pool_thread(napi_env env, void *data) {
  (void)env;
  fill_job *job = data;
  job->filled = nar_dumper_fill(job->handle->dumper, &job->out, &job->failure);
}

static void fill_settled(napi_env env, napi_status status, void *data) {
  fill_job *job = data;
  dumper_handle *handle = job->handle;
  handle->filling = false;
  napi_value value;
  if (status != napi_ok) {
    napi_create_string_utf8(env, "nar-native: the fill was cancelled", NAPI_AUTO_LENGTH, &value);
    napi_value error;
    napi_create_error(env, NULL, value, &error);
    napi_reject_deferred(env, job->deferred, error);
  } else if (job->filled < 0) {
    napi_reject_deferred(env, job->deferred, failure_object(env, &job->failure));
  } else {
    napi_create_double(env, (double)job->filled, &value);
    napi_resolve_deferred(env, job->deferred, value);
  }
  if (handle->release_when_filled) nar_dumper_release(handle->dumper);
  napi_delete_reference(env, job->dumper_ref);
  napi_delete_reference(env, job->buffer_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value fill_async(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "fillAsync(dumper, buffer): two arguments expected");
    return NULL;
  }
  dumper_handle *handle =
      idle_dumper_arg(env, argv[0], "fillAsync(dumper, buffer): a fillAsync on this dumper has not settled");
  if (handle == NULL) return NULL;
  fill_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, NULL, "nar-native: out of memory");
    return NULL;
  }
  job->handle = handle;
  if (!output_arg(env, argv[1], "fillAsync", &job->out)) {
    free(job);
    return NULL;
  }
  if (napi_create_reference(env, argv[0], 1, &job->dumper_ref) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &job->buffer_ref) != napi_ok ||
      napi_create_string_utf8(env, "narwhal:nar-dump-fill", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, fill_on_pool_thread, fill_settled, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    // Only when out of memory: undo what was made (a promise made here is never handed out), then throw.
    if (job->work != NULL) napi_delete_async_work(env, job->work);
    if (job->buffer_ref != NULL) napi_delete_reference(env, job->buffer_ref);
    if (job->dumper_ref != NULL) napi_delete_reference(env, job->dumper_ref);
    free(job);
    napi_throw_error(env, NULL, "nar-native: could not start fillAsync");
    return NULL;
  }
  handle->filling = true;
  return promise;
}

static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return NULL;
  dumper_handle *handle = dumper_arg(env, argv[0]);
  if (handle == NULL) return NULL;
  if (handle->filling)
    handle->release_when_filled = true;
  else
    nar_dumper_release(handle->dumper);
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
    { "fillAsync", NULL, fill_async, NULL, NULL, NULL, napi_enumerable, NULL },
    { "release", NULL, release, NULL, NULL, NULL, napi_enumerable, NULL },
    { "keepFreedMemory", NULL, keep_freed_memory, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
