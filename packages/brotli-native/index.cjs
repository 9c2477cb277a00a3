// Loads the compiled addon; throws a clear error when it was not built (@narwhal/codecs then uses node:zlib).
"use strict";
const path = require("node:path");

try {
  module.exports = require(path.join(__dirname, "build", "Release", "brotli_native.node"));
} catch (cause) {
  throw new Error(
    "@narwhal/brotli-native is not built: run its build script (node-gyp, with python3, make, a C compiler and libbrotlidec's headers)",
    { cause },
  );
}
