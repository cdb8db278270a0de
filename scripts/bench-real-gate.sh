#!/usr/bin/env bash
# Benchmarks `release-audit gate` on a real public history (a bare clone you fetched) against the
# git-CLI script doing the same checks (scripts/bench-git-equivalent.sh), timed interleaved
# (scripts/bench-time.py), with peak RSS from /usr/bin/time -v. Results go in docs/performance.md.
#
# usage: scripts/bench-real-gate.sh [--runs N] [--bin BINARY] REPO GA-TAG RELEASE-BRANCH [RC-SEPARATOR]
#   REPO            a bare clone, e.g. git clone --mirror https://github.com/argoproj/argo-cd
#   GA-TAG          a release with release candidates, e.g. v3.5.0
#   RELEASE-BRANCH  the branch the release was made on (the policy's protected branch), e.g. release-3.5
#   RC-SEPARATOR    what comes between the version and the RC number (default -rc, as in v3.5.0-rc3)
#   --bin           the release-audit to time (default: this checkout's release build)
#
# The repository is not changed: the evidence notes go into a clone sharing its objects
# (--shared), in a temporary directory. The policy: the last RC's tests, the GA's build, both at
# commits the tag and the RC name, any path may differ (allowed_paths "**", as a rebuild from
# the same branch after version bumps), the RC -> GA rule and the protected branch.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=11
bin=
while [[ ${1:-} == --* ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        *) break ;;
    esac
done
[[ $# -ge 3 ]] || { echo "usage: scripts/bench-real-gate.sh [--runs N] [--bin BINARY] REPO GA-TAG RELEASE-BRANCH [RC-SEPARATOR]" >&2; exit 64; }
repo=$1 ga=$2 branch=$3 separator=${4:--rc}
[[ -x /usr/bin/time ]] || { echo "bench-real-gate: GNU time is needed (apt-get install time)" >&2; exit 2; }
if [[ -z $bin ]]; then
    echo "bench-real-gate: building release-audit (release, Swift runtime linked statically as shipped)" >&2
    (cd "$root" && swift build -c release --static-swift-stdlib --product release-audit >/dev/null)
    bin="$root/.build/release/release-audit"
fi
work=$(mktemp -d)
[[ -n ${KEEP_WORK:-} ]] && echo "bench-real-gate: work in $work" >&2 || trap 'rm -rf "$work"' EXIT

git clone -q --mirror --shared "$repo" "$work/repo.git"
clone="$work/repo.git"
rc=$(git --git-dir="$clone" tag -l "$ga$separator*" | grep -E "^$ga$separator[0-9]+$" | sort -V | tail -1)
[[ -n $rc ]] || { echo "bench-real-gate: $ga has no release candidate $ga${separator}N" >&2; exit 2; }
annotated=false
[[ $(git --git-dir="$clone" cat-file -t "refs/tags/$ga") == tag ]] && annotated=true
for role in ci release auditor; do "$bin" keygen --out "$work/$role" >/dev/null 2>&1; done
cat >"$work/policy.yml" <<POLICY
version: 1
source:
  match: allowed-diff
  allowed_paths: ["**"]
  branches: [$branch]
trusted_keys:
  tester: {keys: [ci.pub]}
  builder: {keys: [release.pub]}
tag:
  annotated: $annotated
rc:
  match: allowed-diff
  patterns: ["v{version}$separator{n}"]
test:
  clean_worktree: false
build:
  clean_worktree: false
POLICY
"$bin" record test --repo "$clone" --rev "$rc" --result passed --suite unit --key "$work/ci.key" --notes --no-worktree >/dev/null
"$bin" record build --repo "$clone" --rev "$ga" --version "${ga#v}" --artifact "bench.tar.gz@sha256:$(printf '%s' "$ga" | sha256sum | cut -d' ' -f1)" \
    --key "$work/release.key" --notes --no-worktree >/dev/null

gate=("$bin" gate --repo "$clone" --release "$ga" --policy "$work/policy.yml" --key "$work/auditor.key" --out "$work/report.json" --force --format json)
export ALLOWED_PATHS='*' RC_SEPARATOR=$separator RELEASE_BRANCH=$branch TAG_ANNOTATED=$annotated
equivalent=("$root/scripts/bench-git-equivalent.sh" "$clone" "$ga")
"${gate[@]}" >/dev/null || { echo "bench-real-gate: the gate did not pass:" >&2; "${gate[@]:0:${#gate[@]}-2}" --format text >&2 || true; exit 1; }
"${equivalent[@]}" >/dev/null || { echo "bench-real-gate: the git-CLI equivalent did not pass:" >&2; "${equivalent[@]}" >&2 || true; exit 1; }

commits=$(git --git-dir="$clone" rev-list --count --all)
refs=$(git --git-dir="$clone" for-each-ref | wc -l)
graph=no; [[ -f $repo/objects/info/commit-graph ]] && graph=yes
timing=$(python3 "$root/scripts/bench-time.py" "$runs" gate "$(printf '%q ' "${gate[@]}")" git "$(printf '%q ' "${equivalent[@]}")")
ours=$(awk '$1 == "gate" { print $2 }' <<<"$timing")
theirs=$(awk '$1 == "git" { print $2 }' <<<"$timing")
rss() { { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident set size/ { printf "%.0f", $6 / 1024 }'; }
echo "| history | commits | refs | commit-graph file | release | RC | gate ms | git CLI ms | gate / git | gate peak RSS MiB | git CLI peak RSS MiB |"
echo "|---|---:|---:|---|---|---|---:|---:|---:|---:|---:|"
echo "| $(basename "$(dirname "$repo")") | $commits | $refs | $graph | $ga | $rc | $ours | $theirs | $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }') | $(rss "${gate[@]}") | $(rss "${equivalent[@]}") |"
