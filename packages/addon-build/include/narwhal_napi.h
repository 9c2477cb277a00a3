// Node-API helpers shared by narwhal's C addons (header-only; each addon's binding.gyp puts this folder on its
// include path through `narwhal-addon-include`). Every helper throws a JavaScript error itself and returns a
// failure value (NULL / false), so a caller only returns NULL in turn.
#ifndef NARWHAL_NAPI_H
#define NARWHAL_NAPI_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Runs a napi_* call; on failure throws "<prefix>: <the call>" and returns NULL from the calling function.
#define NARWHAL_CALL(env, prefix, call)                      \
  do {                                                       \
    if ((call) != napi_ok) {                                 \
      napi_throw_error((env), NULL, prefix ": " #call);      \
      return NULL;                                           \
    }                                                        \
  } while (0)

// Wraps `data` in an external value that runs `finalize` when collected; on failure runs it now and throws.
static inline napi_value narwhal_external(napi_env env, void *data, napi_finalize finalize, const char *what) {
  napi_value result;
  if (napi_create_external(env, data, finalize, NULL, &result) != napi_ok) {
    finalize(env, data, NULL);
    napi_throw_error(env, NULL, what);
    return NULL;
  }
  return result;
}

// The data of an external value made by narwhal_external, or NULL after throwing a TypeError saying `what`.
static inline void *narwhal_external_arg(napi_env env, napi_value value, const char *what) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return data;
}

// Exactly `count` arguments into argv, or false after throwing a TypeError saying `usage`.
static inline bool narwhal_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *usage) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count) {
    napi_throw_type_error(env, NULL, usage);
    return false;
  }
  return true;
}

// The data of the one external argument of a call such as release(handle), or NULL after throwing.
static inline void *narwhal_only_external_arg(napi_env env, napi_callback_info info, const char *what) {
  napi_value argv[1];
  return narwhal_args(env, info, 1, argv, what) ? narwhal_external_arg(env, argv[0], what) : NULL;
}

// The bytes of a Uint8Array (a Buffer too), or false after throwing a TypeError saying `what`.
static inline bool narwhal_bytes_arg(napi_env env, napi_value value, uint8_t **data, size_t *length, const char *what) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, what);
    return false;
  }
  return true;
}

// The arguments of a streaming decoder's decode(decoder, input, output, ...): `count` in all, the first three
// unpacked into `call` and every one left in argv (argv[3] on is the decoder's own). False after throwing.
struct narwhal_decode_call {
  void *decoder;
  uint8_t *input;
  size_t input_length;
  uint8_t *output;
  size_t output_length;
};
static inline bool narwhal_decode_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                                       const char *usage, const char *decoder_what, struct narwhal_decode_call *call) {
  return narwhal_args(env, info, count, argv, usage) &&
         (call->decoder = narwhal_external_arg(env, argv[0], decoder_what)) != NULL &&
         narwhal_bytes_arg(env, argv[1], &call->input, &call->input_length, "decode: input must be a Uint8Array") &&
         narwhal_bytes_arg(env, argv[2], &call->output, &call->output_length, "decode: output must be a Uint8Array");
}

// [consumed, produced, state]: what a streaming decoder's call reports.
static inline napi_value narwhal_progress(napi_env env, size_t consumed, size_t produced, int32_t state) {
  napi_value result, number;
  if (napi_create_array_with_length(env, 3, &result) != napi_ok || napi_create_double(env, (double)consumed, &number) != napi_ok ||
      napi_set_element(env, result, 0, number) != napi_ok || napi_create_double(env, (double)produced, &number) != napi_ok ||
      napi_set_element(env, result, 1, number) != napi_ok || napi_create_int32(env, state, &number) != napi_ok ||
      napi_set_element(env, result, 2, number) != napi_ok) {
    napi_throw_error(env, NULL, "narwhal addon: could not build the [consumed, produced, state] result");
    return NULL;
  }
  return result;
}

// Exports a streaming decoder's three functions: createDecoder, decode and release.
static inline napi_value narwhal_export_decoder(napi_env env, napi_value exports, napi_callback create,
                                                napi_callback decode, napi_callback release) {
  napi_property_descriptor properties[] = {
      {"createDecoder", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decode", NULL, decode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) {
    napi_throw_error(env, NULL, "narwhal addon: could not define its exports");
    return NULL;
  }
  return exports;
}

#endif
