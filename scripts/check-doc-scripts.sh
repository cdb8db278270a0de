#!/usr/bin/env bash
# The docs' script blocks that take minutes at their documented sizes, run in CI at small sizes
# (DocumentationBlocksTests runs every other block): the benchmark (docs/performance.md, one run
# at 1,000 commits; it builds the release binary and installs GNU time when missing), then the
# scale repository and the audit on it (docs/audit.md, as written but at 5,000 commits), and the
# audit's exactness on a generated merge-heavy history.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/bench.sh --commits 1000 --tags 100 --runs 1 --work "$work/bench" >"$work/bench.txt" 2>&1 \
    || { cat "$work/bench.txt" >&2; echo "check-doc-scripts: bench.sh failed" >&2; exit 1; }
grep -q '^| gate | 1000 |' "$work/bench.txt" || { cat "$work/bench.txt" >&2; echo "check-doc-scripts: bench.sh printed no table" >&2; exit 1; }
scripts/make-history-repo.sh "$work/history" 5000 100 >/dev/null
status=0
/usr/bin/time -v .build/release/release-audit audit --repo "$work/history" --policy "$work/history/policy.yml" \
    --reports "$work/history/reports" --fail-on none --format json --output "$work/audit.json" 2>"$work/time.txt" || status=$?
[[ $status -eq 0 ]] || { cat "$work/time.txt" >&2; echo "check-doc-scripts: the audit of the scale repository exited $status" >&2; exit 1; }
grep -q '"releases"' "$work/audit.json" || { echo "check-doc-scripts: no audit JSON" >&2; exit 1; }
# Exactness: every RC -> GA pair of a merge-heavy history (sibling-branch GAs, late RCs, replace
# and pull refs) as git plumbing answers it (docs/performance.md).
python3 scripts/make-merge-heavy-repo.py "$work/merge-heavy" 3000 60 200 200 >/dev/null
python3 scripts/check-audit-exactness.py .build/release/release-audit "$work/merge-heavy" >&2 \
    || { echo "check-doc-scripts: the audit disagrees with git on the merge-heavy history" >&2; exit 1; }
echo "check-doc-scripts: bench.sh, make-history-repo.sh and the audit on it ran as docs/performance.md and docs/audit.md say" >&2
