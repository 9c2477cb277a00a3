// A bounded, resumable brotli decoder over libbrotlidec (the library the brotli CLI uses), for @narwhal/codecs:
//   createDecoder() -> decoder
//   decode(decoder, input, output) -> [consumed, produced, state]: decodes from `input` into `output` until one of
//     them is used up or the stream ends; state 0: needs more input, 1: needs more output space, 2: the stream
//     ended (bytes of `input` past `consumed` follow the stream). A corrupt stream throws an Error whose message
//     is libbrotlidec's error name ("_ERROR_FORMAT_..."), and the decoder is unusable after.
//   release(decoder): frees it now (garbage collection does it too).
// Output never exceeds the space given, so a caller bounds memory by the space it offers.

#include <brotli/decode.h>
#include <stdlib.h>

#include "narwhal_napi.h"

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
  struct decoder *decoder = calloc(1, sizeof *decoder);
  if (decoder == NULL || (decoder->state = BrotliDecoderCreateInstance(NULL, NULL, NULL)) == NULL) {
    free(decoder);
    napi_throw_error(env, NULL, "brotli-native: out of memory");
    return NULL;
  }
  return narwhal_external(env, decoder, finalize_decoder, "brotli-native: napi_create_external failed");
}

static napi_value decode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  struct narwhal_decode_call call;
  if (!narwhal_decode_args(env, info, 3, argv, "decode(decoder, input, output): three arguments",
                           "brotli-native: expected a decoder from createDecoder", &call))
    return NULL;
  struct decoder *decoder = call.decoder;
  if (decoder->state == NULL || decoder->failed) {
    napi_throw_error(env, NULL, "brotli-native: the decoder was released or failed before");
    return NULL;
  }
  size_t available_in = call.input_length, available_out = call.output_length;
  const uint8_t *next_in = call.input;
  uint8_t *next_out = call.output;
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
  return narwhal_progress(env, call.input_length - available_in, call.output_length - available_out, state);
}

static napi_value release(napi_env env, napi_callback_info info) {
  struct decoder *decoder = narwhal_only_external_arg(env, info, "brotli-native: release(decoder) takes a decoder from createDecoder");
  if (decoder != NULL) release_state(decoder);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  return narwhal_export_decoder(env, exports, create_decoder, decode, release);
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
