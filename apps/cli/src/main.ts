#!/usr/bin/env node
// The `narwhal` executable. It turns on Node's on-disk compile cache first (Node 22.1 and later; nothing on older
// lines), then loads the CLI (run.ts), so that a later run does not compile the bundle's chunks again.
import * as nodeModule from "node:module";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./run.js");
