#!/usr/bin/env bash
# pnpm release: turn the pending changesets (.changeset/*.md) into new versions and per-package CHANGELOG.md entries
# (`changeset version`), build, check that every public package installs and works on its own from its tarball
# (tooling/pack-check), commit the release, and publish what is new to npm (`changeset publish`, which publishes with
# pnpm, so workspace: ranges become the released versions, and tags each package@version in git).
#   --dry-run  stop before the commit: show the versions, changelogs and tarballs, publish nothing, and leave the
#              bumped files uncommitted for inspection (`git checkout -- . .changeset` undoes them).
# Run on a clean checkout of a commit whose CI passed, logged in to npm (`npm login`, or NPM_TOKEN in ~/.npmrc).
set -euo pipefail
cd "$(dirname "$0")/../.."
dry_run=false
[ "${1:-}" = "--dry-run" ] && dry_run=true
say() { echo "release: $*" >&2; }

[ -z "$(git status --porcelain)" ] || { say "the working tree has uncommitted changes; commit or remove them first"; exit 1; }
pending=$(find .changeset -maxdepth 1 -name '*.md' ! -name README.md | wc -l)
[ "$pending" -gt 0 ] || { say "no pending changesets in .changeset/ (add one with pnpm changeset)"; exit 1; }

say "$pending changeset(s) -> versions and changelogs"
pnpm exec changeset version
released=$(git diff --name-only -- '*/package.json' | xargs -r node -e '
  for (const file of process.argv.slice(1)) {
    const { name, version, private: hidden } = require(require("path").resolve(file));
    if (!hidden) console.log(`${name}@${version}`);
  }' | sort)
[ -n "$released" ] || { say "the changesets bump no public package"; exit 1; }
printf '  %s\n' $released >&2

pnpm install --frozen-lockfile --offline >/dev/null
pnpm build
node tooling/pack-check/pack-check.mjs

if $dry_run; then
  git --no-pager diff --stat >&2
  say "dry run: nothing committed or published"
  exit 0
fi
git add -A -- .changeset ':(glob)**/package.json' ':(glob)**/CHANGELOG.md'
git commit -q -m "release: $(echo $released | sed 's/ /, /g')"
pnpm exec changeset publish
say "published; push the release commit and its tags: git push --follow-tags"
