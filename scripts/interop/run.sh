#!/usr/bin/env bash
# Cross-checks DSSE envelopes with Python securesystemslib (FORMATS.md §6.1).
#
# Usage: scripts/interop/run.sh [--fail] ENVELOPE PUBKEY [[--fail] ENVELOPE PUBKEY ...]
#
# Each ENVELOPE (a JSON envelope, or a *.jsonl bundle: every line) must verify with PUBKEY;
# a pair after --fail must NOT verify (a tampered envelope, a wrong key). Exits 1 if any
# pair does not do what it should. The virtualenv lives in .venv-interop at the repository
# root (override with INTEROP_VENV) and is made on first use from PyPI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${INTEROP_VENV:-$repo/.venv-interop}"

usage() {
    echo "usage: $0 [--fail] ENVELOPE PUBKEY [[--fail] ENVELOPE PUBKEY ...]" >&2
    exit 64
}
[ $# -gt 0 ] || usage

if ! "$venv/bin/python" -c 'import securesystemslib, cryptography' 2>/dev/null; then
    echo "interop: creating $venv with securesystemslib and cryptography from PyPI" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "securesystemslib==1.6.0" "cryptography>=48"
fi

status=0
checked=0
while [ $# -gt 0 ]; do
    expect=pass
    if [ "$1" = "--fail" ]; then
        expect=fail
        shift
    fi
    [ $# -ge 2 ] || usage
    envelope="$1"
    key="$2"
    shift 2
    checked=$((checked + 1))
    if "$venv/bin/python" "$here/verify_dsse.py" "$envelope" "$key"; then
        result=pass
    else
        result=fail
    fi
    if [ "$result" = "$expect" ]; then
        echo "interop: ok: $envelope with $key ($expect as expected)"
    else
        echo "interop: WRONG: $envelope with $key should $expect but did $result" >&2
        status=1
    fi
done
echo "interop: $checked checked, $([ $status -eq 0 ] && echo all as expected || echo SOME WRONG)"
exit $status
