#!/usr/bin/env bash
# Benchmarks release-audit against the same checks done with the git CLI, on large synthetic
# repositories built with git fast-import (scripts/bench-repo.py). Results go in docs/performance.md.
#
# usage: scripts/bench.sh [--runs N] [--commits "10000 100000"] [--tags 2000] [--work DIR]
#   --runs     timed runs of each command per size, interleaved (default 15; the audit rows take at
#              most 3, the git-CLI audit runs for seconds); medians are reported
#   --commits  history sizes (default "10000 100000")
#   --tags     release tags per repository (default 2000: a third GAs, the rest RCs)
#   --work     where the repositories go (default /tmp/release-audit-bench; reused when present)
#
# For each size: the repository (generated once), signed test evidence on the last RC and build
# evidence on the GA of the newest version-bump release (git notes), then
#   gate   `release-audit gate` of that release vs scripts/bench-git-equivalent.sh
#   audit  `release-audit audit` of every tag vs scripts/bench-git-equivalent.sh --all (when the
#          binary has an audit command), with git's commit-graph file and without it (the
#          git-CLI audit without it is timed only up to 10,000 commits: beyond, minutes a run)
# timed interleaved (scripts/bench-time.py), with peak RSS from /usr/bin/time -v.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=15
sizes="10000 100000"
tags=2000
work=/tmp/release-audit-bench
while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --commits) sizes=$2; shift 2 ;;
        --tags) tags=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        *) echo "usage: scripts/bench.sh [--runs N] [--commits \"10000 100000\"] [--tags 2000] [--work DIR]" >&2; exit 64 ;;
    esac
done

if [[ ! -x /usr/bin/time ]]; then
    echo "bench: installing GNU time (for peak memory)"
    if [[ $(id -u) == 0 ]]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi
for tool in git python3; do command -v $tool >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }; done

echo "bench: building release-audit (release)"
(cd "$root" && swift build -c release --product release-audit >/dev/null)
bin="$root/.build/release/release-audit"
mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem/ { print $2 }') GiB"
echo "versions: $("$bin" --version), libgit2 $(pkg-config --modversion libgit2), $(git --version), $(swift --version 2>/dev/null | head -1)"

# Keys, once: CI (tester), release (builder), auditor (signs reports).
if [[ ! -f "$work/keys/auditor.pub" ]]; then
    mkdir -p "$work/keys"
    for role in ci release auditor; do "$bin" keygen --out "$work/keys/$role" >/dev/null 2>&1; done
fi
cat >"$work/bench-policy.yml" <<'EOF'
# scripts/bench.sh: version bumps allowed, the RC -> GA rule, tests reachable from main.
version: 1
source:
  match: allowed-diff
  allowed_paths: [VERSION, CHANGELOG.md]
  branches: [main]
trusted_keys:
  tester: {keys: [keys/ci.pub]}
  builder: {keys: [keys/release.pub]}
tag:
  annotated: true
rc:
  match: allowed-diff
# Recorded with --no-worktree (the generated repository has main checked out): no clean-tree claim.
test:
  clean_worktree: false
build:
  clean_worktree: false
EOF

# The repository for one size, generated once (a marker names the generator's digest).
make_repo() {
    local n=$1 repo=$2 stamp
    stamp="$(sha256sum "$root/scripts/bench-repo.py" | cut -c1-16) $n $tags"
    [[ -f "$repo.ready" && $(cat "$repo.ready") == "$stamp" ]] && return
    echo "bench: generating $n commits and $tags tags in $repo"
    rm -rf "$repo" "$repo.ready" "$repo-no-commit-graph"
    git init -q -b main "$repo"
    local start=$SECONDS
    python3 "$root/scripts/bench-repo.py" --commits "$n" --tags "$tags" 2>"$repo.releases" | git -C "$repo" fast-import --quiet
    git -C "$repo" checkout -q -f main
    # As a maintained clone would be: packed, with a commit-graph (git gc writes one).
    git -C "$repo" gc -q
    git -C "$repo" remote add origin https://github.com/example/bench
    read -r _ _ ga _ rc < <(grep '^release bump ' "$repo.releases")
    # Signed evidence: CI tested the last RC; the GA (a version bump on top of it) was built.
    # The work tree has main checked out, not these commits: --no-worktree (no clean-tree claim).
    "$bin" record test --repo "$repo" --rev "$rc" --result passed --suite unit --key "$work/keys/ci.key" --notes --no-worktree >/dev/null
    "$bin" record build --repo "$repo" --rev "$ga" --version "${ga#v}" --artifact "bench-${ga#v}.tar.gz@sha256:$(printf '%s' "$ga" | sha256sum | cut -d' ' -f1)" \
        --key "$work/keys/release.key" --notes --no-worktree >/dev/null
    echo "bench: generated in $((SECONDS - start)) s ($(du -sh "$repo/.git" | cut -f1) .git)"
    echo "$stamp" >"$repo.ready"
}

peak_rss_mib() {  # peak resident memory of a command (and its children), MiB, from /usr/bin/time -v
    { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident set size/ { printf "%.1f", $6 / 1024 }'
}

has_audit=false
"$bin" --help | grep -q '^  audit ' && has_audit=true

results=()
# row LABEL COMMITS RUNS NAME COMMAND... -- GIT-COMMAND...: interleaved medians, their ratio and
# both peak RSS, as one table row. With no GIT-COMMAND, release-audit alone.
row() {
    local label=$1 n=$2 count=$3 name=$4 timing
    shift 4
    local -a ours=() theirs=()
    while [[ $1 != -- ]]; do ours+=("$1"); shift; done
    shift
    theirs=("$@")
    echo "bench: $label on $n commits: $count interleaved runs"
    if [[ ${#theirs[@]} -gt 0 ]]; then
        timing=$(python3 "$root/scripts/bench-time.py" "$count" "$name" "$(printf '%q ' "${ours[@]}")" git "$(printf '%q ' "${theirs[@]}")")
    else
        timing=$(python3 "$root/scripts/bench-time.py" "$count" "$name" "$(printf '%q ' "${ours[@]}")")
    fi
    echo "$timing"
    local git_ms=- ratio=- git_rss=-
    if [[ ${#theirs[@]} -gt 0 ]]; then
        git_ms=$(awk '$1 == "git" { print $2 }' <<<"$timing")
        ratio=$(awk '$1 == "ratio" { print $2 }' <<<"$timing")
        git_rss=$(peak_rss_mib "${theirs[@]}")
    fi
    results+=("| $label | $n | $(awk -v k="$name" '$1 == k { print $2 }' <<<"$timing") | $git_ms | $ratio | $(peak_rss_mib "${ours[@]}") | $git_rss |")
}

for n in $sizes; do
    repo="$work/repo-$n"
    make_repo "$n" "$repo"
    read -r _ _ ga _ rc < <(grep '^release bump ' "$repo.releases")
    mkdir -p "$work/reports-$n"
    gate=("$bin" gate --repo "$repo" --release "$ga" --policy "$work/bench-policy.yml" --key "$work/keys/auditor.key"
          --out "$work/reports-$n/$ga.json" --force --format json)
    equivalent=("$root/scripts/bench-git-equivalent.sh" "$repo" "$ga")
    "${gate[@]}" >/dev/null || { echo "bench: the gate did not pass:" >&2; "${gate[@]:0:${#gate[@]}-2}" --format text >&2 || true; exit 1; }
    "${equivalent[@]}" >/dev/null || { echo "bench: the git-CLI equivalent did not pass:" >&2; "${equivalent[@]}" >&2 || true; exit 1; }
    row gate "$n" "$runs" gate "${gate[@]}" -- "${equivalent[@]}"

    if $has_audit; then
        # Every release has findings (lightweight tags, missing reports...): both exit 1, every run.
        audit=("$bin" audit --repo "$repo" --policy "$work/bench-policy.yml" --reports "$work/reports-$n"
               --trusted-key "$work/keys/auditor.pub" --format json)
        # The git-CLI audit takes seconds a run: a few runs of it are enough.
        git_runs=$(( runs < 3 ? runs : 3 ))
        row "audit ($tags tags)" "$n" "$git_runs" audit "${audit[@]}" -- "$root/scripts/bench-git-equivalent.sh" --all "$repo" "$work/reports-$n"
        # The same repository as a fresh clone has it: no commit-graph file (git gc writes one).
        bare="$work/repo-$n-no-commit-graph"
        if [[ ! -d $bare ]]; then
            cp -a "$repo" "$bare"
            rm -f "$bare/.git/objects/info/commit-graph"
        fi
        audit[3]=$bare
        if (( n <= 10000 )); then
            row "audit, no commit-graph" "$n" "$git_runs" audit "${audit[@]}" -- "$root/scripts/bench-git-equivalent.sh" --all "$bare" "$work/reports-$n"
        else
            # Without a commit-graph file, the git-CLI audit of a long history takes many minutes a run.
            row "audit, no commit-graph" "$n" "$runs" audit "${audit[@]}" --
        fi
    fi
done

echo
echo "| command | commits | release-audit median (ms) | git CLI median (ms) | ratio | release-audit peak RSS (MiB) | git CLI peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"
$has_audit || echo "(this release-audit has no audit command: only the gate was measured)"
