{
  "targets": [
    {
      "target_name": "nar_native",
      "sources": ["src/binding.c", "src/nar_dump.c", "src/nar_failure.c", "src/nar_output.c", "src/malloc_tuning.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      "include_dirs": ["<!(narwhal-addon-include)"]
    }
  ]
}
