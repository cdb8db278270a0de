#!/usr/bin/env bash
# Fuzzes release-audit's readers of untrusted input with libFuzzer, one target after the other:
#   envelope  DSSE envelopes, in-toto statements, test-result and provenance predicates, strict JSON
#   policy    policy files (YAML and JSON)
#   junit     JUnit XML reports
#
# usage: scripts/fuzz.sh [SECONDS-PER-TARGET [RUNS-PER-TARGET]] [-- TARGET...]
#   SECONDS  time bound per target (default 60); 0 only replays the seed corpus
#   RUNS     execution bound per target (default: none); whichever bound is hit first stops the target
#   FUZZ_CONFIG=debug|release  build configuration (default release: about twice the executions per
#                              second; -O keeps Swift's overflow and bounds checks)
#
# The targets live in their own package (Fuzz/), so the main `swift build` never builds them.
# Seeds: Fuzz/corpus/<target>/ (committed). What the fuzzer learns goes to
# Fuzz/.build/fuzz-corpus/<target>/ and is reused by the next run. A crash, leak or timeout stops
# the target, leaves the input in Fuzz/.build/fuzz-artifacts/<target>/ and fails the script;
# reproduce it with `Fuzz/.build/<config>/Fuzz<Target> <file>`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/Fuzz"
seconds=60
runs=-1
targets=(envelope policy junit)
[[ $# -gt 0 && $1 != -- ]] && { seconds=$1; shift; }
[[ $# -gt 0 && $1 != -- ]] && { runs=$1; shift; }
[[ $# -gt 0 && $1 == -- ]] && { shift; targets=("$@"); }
config=${FUZZ_CONFIG:-release}

# -use-ld=lld: gold warns about every ASan symbol it cannot export.
echo "fuzz: building the targets ($config, -sanitize=fuzzer,address)"
mkdir -p "$fuzz/.build"
if ! (cd "$fuzz" && swift build -c "$config" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        -Xswiftc -use-ld=lld >"$fuzz/.build/build.log" 2>&1); then
    tail -40 "$fuzz/.build/build.log" >&2
    echo "fuzz: the build failed (full log: Fuzz/.build/build.log)" >&2
    exit 2
fi
bin=$(cd "$fuzz" && swift build -c "$config" --show-bin-path)

# swift-corelibs-foundation's XMLParser leaks one CFString per reported XML error
# (_CFErrorCreateFromXMLInterface): not ours, and bounded by one per parse in the CLI.
export LSAN_OPTIONS="suppressions=$fuzz/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=1}"

failed=0
summary=()
for target in "${targets[@]}"; do
    case $target in
        envelope) name=FuzzEnvelope ;;
        policy) name=FuzzPolicy ;;
        junit) name=FuzzJUnit ;;
        *) echo "fuzz: unknown target $target (envelope, policy, junit)" >&2; exit 64 ;;
    esac
    work="$fuzz/.build/fuzz-corpus/$target"
    artifacts="$fuzz/.build/fuzz-artifacts/$target"
    mkdir -p "$work" "$artifacts"
    log="$fuzz/.build/fuzz-$target.log"
    args=(-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=16384 -dict="$fuzz/dict/$target.dict"
          -artifact_prefix="$artifacts/")
    if [[ $seconds == 0 ]]; then
        args+=(-runs=0)  # replay the seeds and the learned corpus only
    else
        args+=(-max_total_time="$seconds" -runs="$runs")
    fi
    echo "fuzz: $target for ${seconds}s (log: ${log#"$root/"})"
    status=0
    "$bin/$name" "${args[@]}" "$work" "$fuzz/corpus/$target" >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    if [[ $status -ne 0 ]]; then
        failed=1
        grep -E -A30 'ERROR: |==[0-9]+==|Fatal error|deadly signal' "$log" | head -60 >&2 || true
        summary+=("$(printf '%-9s FAILED (exit %s) after %s executions; input in %s' "$target" "$status" "${execs:-?}" "${artifacts#"$root/"}")")
    else
        summary+=("$(printf '%-9s %12s executions, no crash (%s, peak RSS %s MB, corpus %s files)' "$target" "${execs:-?}" "${cov:-cov ?}" "${rss:-?}" "$(ls "$work" | wc -l)")")
    fi
done

echo
printf '%s\n' "${summary[@]}"
exit $failed
