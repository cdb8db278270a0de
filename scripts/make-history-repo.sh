#!/usr/bin/env bash
# Builds a synthetic repository for measuring `release-audit audit` at scale, in seconds, with
# git fast-import: COMMITS commits on main (a three-commit side branch merged every 40 commits)
# and one release every RELEASE_EVERY commits: an annotated RC tag, a version-bump commit, and an
# annotated GA tag on it (every tenth GA is lightweight). Dates increase by a minute per commit.
#
#   scripts/make-history-repo.sh DIR [COMMITS] [RELEASE_EVERY]     (defaults: 50000 100)
#   release-audit audit --repo DIR --policy DIR/policy.yml --reports DIR/reports --fail-on none
set -euo pipefail

dir=${1:?usage: make-history-repo.sh DIR [COMMITS] [RELEASE_EVERY]}
commits=${2:-50000}
every=${3:-100}
[ -e "$dir" ] && { echo "make-history-repo: $dir exists" >&2; exit 1; }

git init -q -b main "$dir"
awk -v commits="$commits" -v every="$every" '
function data(s) { printf "data %d\n%s\n", length(s), s }
function commit(ref, msg, path, content, from, merge) {
  mark++; t += 60
  printf "commit %s\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n", ref, mark, t
  data(msg)
  if (from != "") printf "from :%d\n", from
  if (merge != "") printf "merge :%d\n", merge
  printf "M 100644 inline %s\n", path
  data(content)
  return mark
}
BEGIN {
  t = 1500000000; mark = 0; release = 0
  main = commit("refs/heads/main", "initial", "VERSION", "0.0.0", "", "")
  for (i = 1; i < commits; i++) {
    if (i % 40 == 0) {
      side = commit("refs/heads/side", "side " i, "side/file" (i % 7), "side " i, main, "")
      side = commit("refs/heads/side", "side " i "b", "side/file" (i % 7), "side " i "b", "", "")
      side = commit("refs/heads/side", "side " i "c", "side/file" (i % 7), "side " i "c", "", "")
      main = commit("refs/heads/main", "merge side " i, "src/file" (i % 200), "merged " i, "", side)
      i += 3
      continue
    }
    if (i % every == every / 2) {
      release++
      version = (1 + int(release / 100)) "." (int(release / 10) % 10) "." (release % 10)
      main = commit("refs/heads/main", "work " i, "src/file" (i % 200), "line " i, "", "")
      t += 30
      printf "tag v%s-rc.1\nfrom :%d\ntagger Bench <bench@example.com> %d +0000\n", version, main, t
      data("rc " version)
      main = commit("refs/heads/main", "Release " version, "VERSION", version, "", "")
      i++
      if (release % 10 == 0) {
        printf "reset refs/tags/v%s\nfrom :%d\n\n", version, main
      } else {
        t += 30
        printf "tag v%s\nfrom :%d\ntagger Bench <bench@example.com> %d +0000\n", version, main, t
        data(version)
      }
      continue
    }
    main = commit("refs/heads/main", "work " i, "src/file" (i % 200), "line " i, "", "")
  }
}' | git -C "$dir" fast-import --quiet
git -C "$dir" reset -q --hard main

cat > "$dir/policy.yml" <<'POLICY'
version: 1
source:
  match: allowed-diff
  allowed_paths: [VERSION]
  branches: [main]
rc:
  match: allowed-diff
POLICY
mkdir -p "$dir/reports"
echo "make-history-repo: $(git -C "$dir" rev-list --count --all) commits, $(git -C "$dir" tag | wc -l) tags in $dir" >&2
