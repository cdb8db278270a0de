#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer, and every release-audit the CLI tests spawn
# under AddressSanitizer with LeakSanitizer.
#
# usage: scripts/sanitize.sh [swift test arguments, e.g. --filter GitFactsTests]
#
# A build of its own in .build-asan/ (git-ignored), so the normal .build/ is left alone. A memory
# error anywhere fails the test that hit it. Leaks are checked in the release-audit processes (the
# CLI tests run the binary end to end, exit status and stderr checked, so a leak report fails
# them); the test runner itself runs without leak checking, since XCTest, Foundation's Process
# and the tests' own fixtures leave unreachable blocks at exit that are not ours.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch="$root/.build-asan"

echo "sanitize: building with -sanitize=address into .build-asan/"
swift build --build-tests -Xswiftc -sanitize=address --scratch-path "$scratch"

asan="detect_stack_use_after_return=1:strict_string_checks=1"
# The CLI tests spawn this: the sanitized binary, leak-checked, with the suppressions for leaks
# in libraries that are not ours (see the file). libgit2 is built without frame pointers: only
# the slow unwinder sees the libgit2 calls the suppressions name.
wrapper="$scratch/release-audit-leak-checked"
cat >"$wrapper" <<EOF
#!/bin/sh
ASAN_OPTIONS="$asan:detect_leaks=1:fast_unwind_on_malloc=0" LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0" \\
    exec "$scratch/debug/release-audit" "\$@"
EOF
chmod +x "$wrapper"
export RELEASE_AUDIT_BINARY="$wrapper"
export ASAN_OPTIONS="$asan:detect_leaks=0"

echo "sanitize: running the tests"
swift test --skip-build --scratch-path "$scratch" "$@"
echo "sanitize: no memory error in the tests, no leak in the release-audit runs"
