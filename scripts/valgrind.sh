#!/usr/bin/env bash
# Runs release-audit's commands under valgrind's memcheck: no memory error, no definite leak.
#
# usage: scripts/valgrind.sh [BINARY]   (default .build/debug/release-audit; run `swift build` first)
#   VALGRIND_KEEP=DIR  keep every command's full valgrind report in DIR
#
# The demo (run normally) leaves a repository with keys, evidence in git notes, a policy and
# reports; then record test, gate, verify, verify-evidence and (when the binary has it) audit run
# under `valgrind --leak-check=full --errors-for-leak-kinds=definite`: any memory error or definite
# leak fails. Memory still reachable at exit, or "possibly lost" (the Swift runtime's metadata
# caches, libgit2's global state and loaded CA certificates: one-time allocations that live as long
# as the process) is shown in the summary lines, not counted. scripts/valgrind.supp names the one
# report that is the Swift runtime's, not ours.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-"$root/.build/debug/release-audit"}
[[ -x $binary ]] || { echo "valgrind.sh: no binary at $binary: run swift build first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 writes; symbols are enough for its reports.
objcopy --strip-debug "$binary" "$work/release-audit"
bin="$work/release-audit"

"$bin" demo --dir "$work/demo" >/dev/null 2>&1 || { echo "valgrind.sh: the demo failed" >&2; exit 2; }
demo="$work/demo"
repo="$demo/widget"

status=0
run() {  # run NAME ARGS...: one command under memcheck; its own exit status 0 or 1 is fine
    local name=$1 log="$work/$1.valgrind"
    shift
    local code=0
    valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=30 \
        --suppressions="$root/scripts/valgrind.supp" \
        --log-file="$log" "$bin" "$@" >/dev/null 2>&1 || code=$?
    local summary
    summary=$(grep -E '^==[0-9]+== +(definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY):' "$log" \
        | sed -E 's/^==[0-9]+== +//; s/ \(suppressed.*//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')
    printf '%-16s exit %-3s %s\n' "$name" "$code" "$summary"
    [[ -z ${VALGRIND_KEEP:-} ]] || cp "$log" "$VALGRIND_KEEP/$name.valgrind"
    if [[ $code == 99 || $code -gt 2 && $code != 64 ]]; then
        status=1
        cp "$log" "${TMPDIR:-/tmp}/release-audit-$name.valgrind"
        echo "  full report: ${TMPDIR:-/tmp}/release-audit-$name.valgrind" >&2
    fi
}

run record-test record test --repo "$repo" --result passed --suite unit --key "$demo/keys/ci.key" --allow-dirty \
    --out "$work/test.json"
run verify-evidence verify-evidence "$work/test.json" --trusted-key "$demo/keys/ci.pub"
run gate gate --repo "$repo" --release v1.1.0 --policy "$demo/release-policy.yml" --key "$demo/keys/auditor.key" \
    --out "$work/report.json"
run verify verify "$work/report.json" --trusted-key "$demo/keys/auditor.pub" --repo "$repo"
if "$bin" --help | grep -q '^  audit '; then
    run audit audit --repo "$repo" --policy "$demo/release-policy.yml"
else
    echo "audit            (this release-audit has no audit command)"
fi
exit $status
