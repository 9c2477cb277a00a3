// A bounded, resumable brotli decoder over libbrotlidec (the library the brotli CLI uses), for @narwhal/codecs:
//   createDecoder() -> decoder
//   decode(decoder, input, output) -> [consumed, produced, state]: decodes from `input` into `output` until one of
//     them is used up or the stream ends; state 0: needs more input, 1: needs more output space, 2: the stream
//     ended (bytes of `input` past `consumed` follow the stream). A corrupt stream throws an Error whose message
//     is libbrotlidec's error name ("_ERROR_FORMAT_..."), and the decoder is unusable after.
//   release(decoder): frees it now (garbage collection does it too).
// Output never exceeds the space given, so a caller bounds memory by the space it offers.

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <brotli/decode.h>
#include <node_api.h>

#define CALL(env, call)                                        \
  do {                                                         \
    if ((call) != napi_ok) {                                   \
      napi_throw_error((env), NULL, "brotli-native: " #call); \
      return NULL;                                             \
    }                                                          \
  } while (0)

struct decoder {
  BrotliDecoderState *state;
  bool failed;
};

static void release_state(struct decoder *decoder) {
  if (decoder->state != NULL) BrotliDecoderDestroyInstance(decoder->state);
  decoder->state = NULL;
}

static void finalize_decoder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release_state((struct decoder *)data);
  free(data);
}

static napi_value create_decoder(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  struct decoder *decoder = calloc(1, sizeof *decoder);
  if (decoder == NULL || (decoder->state = BrotliDecoderCreateInstance(NULL, NULL, NULL)) == NULL) {
    free(decoder);
    napi_throw_error(env, NULL, "brotli-native: out of memory");
    return NULL;
  }
  if (napi_create_external(env, decoder, finalize_decoder, NULL, &result) != napi_ok) {
    finalize_decoder(env, decoder, NULL);
    napi_throw_error(env, NULL, "brotli-native: napi_create_external failed");
    return NULL;
  }
  return result;
}

static struct decoder *decoder_arg(napi_env env, napi_value value) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "brotli-native: expected a decoder from createDecoder");
    return NULL;
  }
  return (struct decoder *)data;
}

static bool bytes_arg(napi_env env, napi_value value, uint8_t **data, size_t *length, const char *what) {
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

static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result, number;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3) {
    napi_throw_type_error(env, NULL, "decode(decoder, input, output): three arguments");
    return NULL;
  }
  struct decoder *decoder = decoder_arg(env, argv[0]);
  if (decoder == NULL) return NULL;
  uint8_t *input, *output;
  size_t input_length, output_length;
  if (!bytes_arg(env, argv[1], &input, &input_length, "decode: input must be a Uint8Array")) return NULL;
  if (!bytes_arg(env, argv[2], &output, &output_length, "decode: output must be a Uint8Array")) return NULL;
  if (decoder->state == NULL || decoder->failed) {
    napi_throw_error(env, NULL, "brotli-native: the decoder was released or failed before");
    return NULL;
  }
  size_t available_in = input_length, available_out = output_length;
  const uint8_t *next_in = input;
  uint8_t *next_out = output;
  BrotliDecoderResult status =
      BrotliDecoderDecompressStream(decoder->state, &available_in, &next_in, &available_out, &next_out, NULL);
  if (status == BROTLI_DECODER_RESULT_ERROR) {
    const char *name = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(decoder->state));
    decoder->failed = true;
    release_state(decoder);
    napi_throw_error(env, "BROTLI_DECODE_ERROR", name);
    return NULL;
  }
  int state = status == BROTLI_DECODER_RESULT_SUCCESS ? 2 : status == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT ? 1 : 0;
  CALL(env, napi_create_array_with_length(env, 3, &result));
  CALL(env, napi_create_double(env, (double)(input_length - available_in), &number));
  CALL(env, napi_set_element(env, result, 0, number));
  CALL(env, napi_create_double(env, (double)(output_length - available_out), &number));
  CALL(env, napi_set_element(env, result, 1, number));
  CALL(env, napi_create_int32(env, state, &number));
  CALL(env, napi_set_element(env, result, 2, number));
  return result;
}

static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct decoder *decoder = argc == 1 ? decoder_arg(env, argv[0]) : NULL;
  if (decoder == NULL) return NULL;
  release_state(decoder);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"createDecoder", NULL, create_decoder, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decode", NULL, decode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CALL(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
