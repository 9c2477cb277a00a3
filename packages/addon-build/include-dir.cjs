#!/usr/bin/env node
// narwhal-addon-include: prints the folder holding narwhal_napi.h, for an addon's binding.gyp:
//   "include_dirs": ["<!(narwhal-addon-include)"]
"use strict";
process.stdout.write(require("node:path").join(__dirname, "include"));
