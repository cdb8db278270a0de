#!/usr/bin/env bash
# Interoperability check (part of `make test`): every kind of envelope release-audit writes
# (test evidence, build evidence, audit reports, VSAs; Ed25519 and ECDSA P-256 keys) must verify
# with Python securesystemslib's Envelope.verify using our .pub files, and must fail with a
# wrong key or a tampered payload.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${RELEASE_AUDIT:-$root/.build/debug/release-audit}"
[ -x "$bin" ] || { echo "interop: build first (swift build): $bin not found" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The demo makes a repository, keys, notes and two signed reports (one PASSED, one FAILED).
"$bin" demo --dir "$work/demo" > "$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
d="$work/demo"
repo="$d/widget"

# Records written to files, with an Ed25519 key and with a P-256 key.
"$bin" keygen --out "$work/p256" --algorithm ecdsa-p256 >/dev/null 2>&1
"$bin" record test --repo "$repo" --result passed --suite interop --key "$d/keys/ci.key" --out "$work/test.json" 2>/dev/null
"$bin" record test --repo "$repo" --result passed --key "$work/p256.key" --out "$work/test-p256.json" 2>/dev/null
"$bin" record build --repo "$repo" --rev v1.1.0 --version 1.1.0 --key "$d/keys/release.key" --out "$work/build.json" 2>/dev/null
"$bin" gate --repo "$repo" --release v1.1.0 --policy "$d/release-policy.yml" --key "$work/p256.key" \
    --test-evidence "$work/test.json" --build-evidence "$work/build.json" \
    --out "$work/report-p256.json" --vsa "$work/vsa.json" >/dev/null 2>&1 || true   # FAILED is expected here

# The evidence the demo stored in git notes: one envelope per line.
git -C "$repo" notes --ref=release-audit show "v1.0.0-rc.1^{commit}" > "$work/notes-v1.0.0.jsonl"
sed -n 1p "$work/notes-v1.0.0.jsonl" > "$work/notes-test.json"
sed -n 2p "$work/notes-v1.0.0.jsonl" > "$work/notes-build.json"

# A tampered copy: one payload character changed.
python3 - "$work/test.json" "$work/tampered.json" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1]))
payload = bytearray(base64.b64decode(env["payload"]))
payload[10] ^= 0x01
env["payload"] = base64.b64encode(bytes(payload)).decode()
json.dump(env, open(sys.argv[2], "w"))
PY

"$here/run.sh" \
    "$work/test.json" "$d/keys/ci.pub" \
    "$work/test-p256.json" "$work/p256.pub" \
    "$work/build.json" "$d/keys/release.pub" \
    "$work/notes-test.json" "$d/keys/ci.pub" \
    "$work/notes-build.json" "$d/keys/release.pub" \
    "$d/reports/v1.0.0.json" "$d/keys/auditor.pub" \
    "$d/reports/v1.1.0.json" "$d/keys/auditor.pub" \
    "$work/report-p256.json" "$work/p256.pub" \
    "$work/vsa.json" "$work/p256.pub" \
    --fail "$work/test.json" "$d/keys/release.pub" \
    --fail "$work/tampered.json" "$d/keys/ci.pub" \
    --fail "$d/reports/v1.0.0.json" "$d/keys/ci.pub"
