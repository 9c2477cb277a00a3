#!/usr/bin/env bash
# narwhal's main job end to end on a fresh machine (no Nix, no AWS account): serialise a real directory as a
# NAR, list and read it, restore it and prove the round trip by hash, make a signing key pair, then push the
# directory into a file:// binary cache with `store add` (signed) and read it back verified.
# Run from the repository root after `pnpm install && pnpm build`: `pnpm demo`.
set -euo pipefail
cd "$(dirname "$0")/../.."
narwhal() { node apps/cli/dist/main.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/narwhal-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=${1:-/usr/share/doc/git}
[ -d "$src" ] || src=/usr/share/doc

step "serialise $src as a NAR"
narwhal nar dump-path "$src" > "$work/src.nar"
ls -l "$work/src.nar"

step "list it (first entries), and one file's size and type"
narwhal nar ls -l "$work/src.nar" / | head -5

step "restore it into a new directory and compare NAR hashes"
narwhal nar restore "$work/restored" < "$work/src.nar"
a=$(narwhal hash path --base32 "$src")
b=$(narwhal hash path --base32 "$work/restored")
echo "source   sha256:$a"
echo "restored sha256:$b"
[ "$a" = "$b" ] || { echo "demo: round trip changed the tree" >&2; exit 1; }

step "make a signing key pair"
narwhal key generate-secret --key-name demo.narwhal.example-1 > "$work/secret.key"
narwhal key convert-secret-to-public < "$work/secret.key"

step "refuse a corrupt NAR (the error you would see)"
head -c 200 "$work/src.nar" > "$work/truncated.nar"
if narwhal nar restore "$work/bad" < "$work/truncated.nar"; then echo "demo: truncated NAR accepted" >&2; exit 1; fi
[ ! -e "$work/bad" ] && echo "(nothing was left at $work/bad)"

step "push $src into a file:// binary cache (signed), as nix-store --add would name it"
cache="file://$work/cache?compression=zstd&secret-key=$work/secret.key"
path=$(narwhal store add "$src" --to "$cache")
echo "$path"
ls "$work/cache" "$work/cache/nar" | head -8

step "read it back from the cache, signature and NAR hash verified"
public=$(narwhal key convert-secret-to-public < "$work/secret.key")
narwhal path-info --store "file://$work/cache" --trusted-public-keys "$public" "$path"
narwhal store ls --store "file://$work/cache" --trusted-public-keys "$public" "$path" | head -5
f=$(cd "$src" && find . -maxdepth 1 -type f | sort | head -1)
narwhal store cat --store "file://$work/cache" --trusted-public-keys "$public" "$path/${f#./}" | cmp - "$src/$f"
echo "(${f#./} read back from the cache equals the original)"
printf 'again: '; narwhal store add "$src" --to "$cache" --json

step "fetch it out of the cache as a consumer without Nix would, and check the tree"
narwhal fetch --from "file://$work/cache" --trusted-public-keys "$public" "$path" --out "$work/fetched"
c=$(narwhal hash path --base32 "$work/fetched")
echo "fetched  sha256:$c"
[ "$a" = "$c" ] || { echo "demo: fetched tree differs from the source" >&2; exit 1; }

step "verify the whole cache"
narwhal store verify --store "file://$work/cache" --trusted-public-keys "$public" --all

printf '\ndemo: all steps passed\n'
