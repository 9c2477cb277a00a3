{
  "targets": [
    {
      "target_name": "brotli_native",
      "sources": ["src/brotli_decoder.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "libraries": ["-lbrotlidec"],
      "defines": ["NAPI_VERSION=8"],
      "include_dirs": ["<!(narwhal-addon-include)"]
    }
  ]
}
