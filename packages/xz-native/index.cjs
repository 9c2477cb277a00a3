// Loads the compiled addon; throws a clear error when it was not built (@narwhal/codecs then uses node-liblzma).
"use strict";
const path = require("node:path");

try {
  module.exports = require(path.join(__dirname, "build", "Release", "xz_native.node"));
} catch (cause) {
  throw new Error(
    "@narwhal/xz-native is not built: run its build script (node-gyp, with python3, make, a C compiler and liblzma's headers)",
    { cause },
  );
}
