// Loads the compiled addon; throws a clear error when it was not built (@narwhal/nar then uses JavaScript).
"use strict";
const path = require("node:path");

try {
  module.exports = require(path.join(__dirname, "build", "Release", "nar_native.node"));
} catch (cause) {
  throw new Error(
    "@narwhal/nar-native is not built: run its build script (node-gyp, with python3, make and a C compiler)",
    { cause },
  );
}
