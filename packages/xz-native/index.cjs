// Loads the compiled addon named in package.json's "narwhalAddon"; when it was not built, throws one clear error
// (what is missing, what building it takes, what its users do instead), and they fall back.
"use strict";

module.exports = require("@narwhal/addon-build/addon-manifest").loadAddon(__dirname);
