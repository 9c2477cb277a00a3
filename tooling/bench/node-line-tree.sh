#!/usr/bin/env bash
# Makes DIR a checkout of this repository's HEAD installed and built with Node.js MAJOR (found or fetched by
# .ci/node-build.sh, as CI does), for the benches' BENCH_NODES, and prints its NODE=TREE pair. Native addons are
# compiled for one Node.js line, so each line needs its own tree. Usage: node-line-tree.sh MAJOR DIR
set -euo pipefail
major=${1:?usage: node-line-tree.sh MAJOR DIR}
dir=${2:?usage: node-line-tree.sh MAJOR DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(bash "$root/.ci/node-build.sh" "$major")
[ -e "$dir" ] || git -C "$root" worktree add --detach "$dir" HEAD >&2
export PATH="$prefix/bin:$PATH" npm_config_nodedir="$prefix"
(cd "$dir" && pnpm install --frozen-lockfile >&2 && pnpm build >&2)
echo "$prefix/bin/node=$dir"
