#!/usr/bin/env bash
# Benchmarks `release-audit audit --git-only` on real public histories (bare clones you fetched),
# against the same RC -> GA work done with git plumbing from Python (scripts/audit-plumbing.py)
# and against a libgit2-only C floor (scripts/bench-floor.c), timed interleaved
# (scripts/bench-time.py), with peak RSS from /usr/bin/time -v; then checks that every RC -> GA
# pair the audit reports agrees with git plumbing (scripts/check-audit-exactness.py).
# Results go in docs/performance.md.
#
# usage: scripts/bench-real.sh [--runs N] REPO[:PREFIX] ...
#   REPO    a (bare) repository, e.g. git clone --bare https://github.com/emissary-ingress/emissary
#   PREFIX  the GA tags are PREFIX{version} (default v; linkerd2's stable releases: stable-)
#   --runs  timed runs of each command, interleaved (default 5); medians are reported
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
[[ ${1:-} == --runs ]] && { runs=$2; shift 2; }
[[ $# -gt 0 ]] || { echo "usage: scripts/bench-real.sh [--runs N] REPO[:PREFIX] ..." >&2; exit 64; }
for tool in git python3 cc pkg-config; do command -v $tool >/dev/null || { echo "bench-real: $tool is needed" >&2; exit 2; }; done
[[ -x /usr/bin/time ]] || { echo "bench-real: GNU time is needed (apt-get install time)" >&2; exit 2; }

echo "bench-real: building release-audit (release, Swift runtime linked statically as shipped) and the libgit2 floor" >&2
(cd "$root" && swift build -c release --static-swift-stdlib --product release-audit >/dev/null)
bin="$root/.build/release/release-audit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 "$root/scripts/bench-floor.c" $(pkg-config --cflags --libs libgit2) -o "$work/bench-floor"

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem/ { print $2 }') GiB"
echo "versions: $("$bin" --version), libgit2 $(pkg-config --modversion libgit2), $(git --version)"
echo
echo "| history | commits | merges | refs | replace refs | GA tags | RC -> GA pairs | audit ms | git plumbing ms | floor ms | floor + tags ms | audit / plumbing | audit / floor | audit / floor + tags | audit peak RSS MiB | exact |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for arg in "$@"; do
    repo=${arg%%:*}
    prefix=v
    [[ $arg == *:* ]] && prefix=${arg#*:}
    name=$(basename "$(dirname "$repo")")
    [[ $name == . || $name == / ]] && name=$(basename "$repo")
    policy="$work/$name.yml"
    printf 'version: 1\ntag:\n  pattern: "%s{version}"\nrc:\n  patterns: ["%s{version}-rc.{n}", "%s{version}-rc{n}"]\n' "$prefix" "$prefix" "$prefix" >"$policy"
    python3 "$root/scripts/audit-plumbing.py" "$repo" --prefix "$prefix" --pairs >"$work/$name.pairs"
    commits=$(git --git-dir="$repo" rev-list --count --all)
    merges=$(git --git-dir="$repo" rev-list --count --merges --all)
    refs=$(git --git-dir="$repo" for-each-ref | wc -l)
    replace=$(git --git-dir="$repo" for-each-ref refs/replace | wc -l)
    gas=$(git --git-dir="$repo" tag -l "${prefix}*" | grep -cE "^${prefix}[0-9]+\.[0-9]+\.[0-9]+$" || true)
    pairs=$(wc -l <"$work/$name.pairs")
    printf '#!/bin/sh\nexec "$1" "$2" ${4:+"$4"} <"$3"\n' >"$work/stdin.sh"
    times=$(python3 "$root/scripts/bench-time.py" "$runs" \
        audit "$bin audit --repo $repo --git-only --policy $policy --fail-on none --format json" \
        plumbing "python3 $root/scripts/audit-plumbing.py $repo --prefix $prefix" \
        floor "sh $work/stdin.sh $work/bench-floor $repo $work/$name.pairs" \
        floor-tags "sh $work/stdin.sh $work/bench-floor $repo $work/$name.pairs $prefix")
    audit=$(awk '$1 == "audit" { print $2 }' <<<"$times")
    plumbing=$(awk '$1 == "plumbing" { print $2 }' <<<"$times")
    floor=$(awk '$1 == "floor" { print $2 }' <<<"$times")
    floortags=$(awk '$1 == "floor-tags" { print $2 }' <<<"$times")
    rss=$( { /usr/bin/time -v "$bin" audit --repo "$repo" --git-only --policy "$policy" --fail-on none --format json >/dev/null; } 2>&1 \
        | awk '/Maximum resident/ { printf "%.0f", $6 / 1024 }')
    exact=$(python3 "$root/scripts/check-audit-exactness.py" "$bin" "$repo" --prefix "$prefix" | head -1 | sed 's/.*compared, //')
    ratio1=$(awk -v a="$audit" -v b="$plumbing" 'BEGIN { printf "%.2f", a / b }')
    ratio2=$(awk -v a="$audit" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')
    ratio3=$(awk -v a="$audit" -v b="$floortags" 'BEGIN { printf "%.2f", a / b }')
    echo "| $name | $commits | $merges | $refs | $replace | $gas | $pairs | $audit | $plumbing | $floor | $floortags | $ratio1 | $ratio2 | $ratio3 | $rss | $exact |"
done
