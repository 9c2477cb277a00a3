{
  "targets": [
    {
      "target_name": "xz_native",
      "sources": ["src/xz_decoder.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "libraries": ["-llzma"],
      "defines": ["NAPI_VERSION=8"],
      "include_dirs": ["<!(narwhal-addon-include)"]
    }
  ]
}
