// A bounded, resumable .xz decoder over the system's liblzma (the library the xz CLI uses), for @narwhal/codecs:
//   createDecoder(threads, memlimitThreading) -> decoder: accepts concatenated streams and stream padding, like
//     `xz -d`. With threads > 1 it is liblzma's threaded decoder: the blocks of a stream whose block headers carry
//     their sizes (what `xz -T` and Nix's parallel compression write) decode side by side, as long as their
//     buffers fit in memlimitThreading bytes; past that, or for other streams, it decodes on the calling thread.
//   decode(decoder, input, output, finish) -> [consumed, produced, state]: decodes from `input` into `output` until
//     one of them is used up; `finish` says no input follows. state 0: needs more input, 1: needs more output
//     space, 2: the input ended after a complete stream (only when finishing). A corrupt or truncated stream
//     throws an Error whose code is XZ_DECODE_ERROR and whose message names liblzma's status; the decoder is
//     unusable after.
//   release(decoder): frees it now (garbage collection does it too).
// Output never exceeds the space given, so a caller bounds memory by the space it offers and by memlimitThreading.

#include <lzma.h>
#include <stdlib.h>

#include "narwhal_napi.h"

struct decoder {
  lzma_stream stream;
  bool live;
  bool failed;
};

static void release_stream(struct decoder *decoder) {
  if (decoder->live) lzma_end(&decoder->stream);
  decoder->live = false;
}

static void finalize_decoder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release_stream((struct decoder *)data);
  free(data);
}

static const char *status_name(lzma_ret status) {
  switch (status) {
    case LZMA_MEM_ERROR: return "LZMA_MEM_ERROR: out of memory";
    case LZMA_MEMLIMIT_ERROR: return "LZMA_MEMLIMIT_ERROR: the stream needs more memory than allowed";
    case LZMA_FORMAT_ERROR: return "LZMA_FORMAT_ERROR: the input is not in the .xz format";
    case LZMA_OPTIONS_ERROR: return "LZMA_OPTIONS_ERROR: the stream uses unsupported options";
    case LZMA_DATA_ERROR: return "LZMA_DATA_ERROR: the compressed data is corrupt";
    case LZMA_BUF_ERROR: return "LZMA_BUF_ERROR: the compressed input is truncated";
    case LZMA_PROG_ERROR: return "LZMA_PROG_ERROR: liblzma was called wrongly";
    default: return "liblzma failed";
  }
}

static bool number_arg(napi_env env, napi_value value, double *number, const char *what) {
  if (napi_get_value_double(env, value, number) != napi_ok || !(*number >= 0)) {
    napi_throw_type_error(env, NULL, what);
    return false;
  }
  return true;
}

static napi_value create_decoder(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!narwhal_args(env, info, 2, argv, "createDecoder(threads, memlimitThreading): two arguments")) return NULL;
  double threads, memlimit;
  if (!number_arg(env, argv[0], &threads, "createDecoder: threads must be a number >= 0")) return NULL;
  if (!number_arg(env, argv[1], &memlimit, "createDecoder: memlimitThreading must be a number >= 0")) return NULL;
  struct decoder *decoder = calloc(1, sizeof *decoder);
  if (decoder == NULL) {
    napi_throw_error(env, NULL, "xz-native: out of memory");
    return NULL;
  }
  decoder->stream = (lzma_stream)LZMA_STREAM_INIT;
  lzma_ret status;
  if (threads > 1) {
    lzma_mt options = {0};
    options.flags = LZMA_CONCATENATED;
    options.threads = threads > 64 ? 64 : (uint32_t)threads;
    options.timeout = 0;
    options.memlimit_threading = (uint64_t)memlimit;
    options.memlimit_stop = UINT64_MAX;
    status = lzma_stream_decoder_mt(&decoder->stream, &options);
  } else {
    status = lzma_stream_decoder(&decoder->stream, UINT64_MAX, LZMA_CONCATENATED);
  }
  if (status != LZMA_OK) {
    free(decoder);
    napi_throw_error(env, "XZ_DECODE_ERROR", status_name(status));
    return NULL;
  }
  decoder->live = true;
  return narwhal_external(env, decoder, finalize_decoder, "xz-native: napi_create_external failed");
}

static napi_value decode(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  struct narwhal_decode_call call;
  if (!narwhal_decode_args(env, info, 4, argv, "decode(decoder, input, output, finish): four arguments",
                           "xz-native: expected a decoder from createDecoder", &call))
    return NULL;
  struct decoder *decoder = call.decoder;
  bool finish = false;
  if (napi_get_value_bool(env, argv[3], &finish) != napi_ok) {
    napi_throw_type_error(env, NULL, "decode: finish must be a boolean");
    return NULL;
  }
  if (!decoder->live || decoder->failed) {
    napi_throw_error(env, NULL, "xz-native: the decoder was released or failed before");
    return NULL;
  }
  lzma_stream *stream = &decoder->stream;
  stream->next_in = call.input;
  stream->avail_in = call.input_length;
  stream->next_out = call.output;
  stream->avail_out = call.output_length;
  lzma_ret status = lzma_code(stream, finish ? LZMA_FINISH : LZMA_RUN);
  size_t consumed = call.input_length - stream->avail_in, produced = call.output_length - stream->avail_out;
  stream->next_in = NULL;
  stream->next_out = NULL;
  if (status != LZMA_OK && status != LZMA_STREAM_END) {
    decoder->failed = true;
    release_stream(decoder);
    napi_throw_error(env, "XZ_DECODE_ERROR", status_name(status));
    return NULL;
  }
  return narwhal_progress(env, consumed, produced, status == LZMA_STREAM_END ? 2 : stream->avail_out == 0 ? 1 : 0);
}

static napi_value release(napi_env env, napi_callback_info info) {
  struct decoder *decoder = narwhal_only_external_arg(env, info, "xz-native: release(decoder) takes a decoder from createDecoder");
  if (decoder != NULL) release_stream(decoder);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  return narwhal_export_decoder(env, exports, create_decoder, decode, release);
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
