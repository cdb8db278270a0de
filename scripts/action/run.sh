#!/usr/bin/env bash
# The one step of the release-audit GitHub Action (action.yml): finds or builds the binary, then
# runs the command with the notes fetched before and synced after, so evidence and reports reach
# the shared repository. Every input arrives in an RA_* environment variable, never spliced into
# this script, so no input can become shell code.
set -euo pipefail

die() { echo "::error title=release-audit action::$*" >&2; exit 2; }

action_path="${RA_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
repo="${RA_REPO:-.}"

# The binary: the `binary` input, else release-audit on PATH, else a release build of this action.
ra="${RA_BINARY:-}"
if [[ -z "$ra" ]]; then
  if command -v release-audit >/dev/null 2>&1; then
    ra="$(command -v release-audit)"
  else
    ra="$action_path/.build/release/release-audit"
    if [[ ! -x "$ra" ]]; then
      command -v swift >/dev/null 2>&1 || die "release-audit is not built and swift is not installed: install Swift 6 (for example with swift-actions/setup-swift), or pass the binary input"
      "$action_path/scripts/install-deps.sh"
      swift build -c release --static-swift-stdlib --package-path "$action_path" >&2
    fi
  fi
fi
[[ -x "$ra" ]] || die "no release-audit binary at $ra"
# A binary restored from the cache still needs libgit2 on this runner.
if command -v ldd >/dev/null 2>&1 && ldd "$ra" 2>/dev/null | grep -q "not found"; then
  "$action_path/scripts/install-deps.sh" >&2
fi

# Newline-separated inputs as arrays; blank lines dropped.
lines() { local line; while IFS= read -r line; do [[ -n "${line// }" ]] && printf '%s\n' "$line"; done <<<"${1:-}"; }
mapfile -t tester_keys < <(lines "${RA_TESTER_KEYS:-}")
mapfile -t builder_keys < <(lines "${RA_BUILDER_KEYS:-}")
mapfile -t auditor_keys < <(lines "${RA_AUDITOR_KEYS:-}")
mapfile -t artifacts < <(lines "${RA_ARTIFACTS:-}")
mapfile -t extra < <(lines "${RA_ARGS:-}")

# The release tag: the input, else the tag that triggered the run.
release="${RA_RELEASE:-}"
if [[ -z "$release" && "${GITHUB_REF_TYPE:-}" == "tag" ]]; then release="${GITHUB_REF_NAME:-}"; fi

key_args=()
for k in "${tester_keys[@]}"; do key_args+=(--tester-key "$k"); done
for k in "${builder_keys[@]}"; do key_args+=(--builder-key "$k"); done
auditor_args=()
for k in "${auditor_keys[@]}"; do auditor_args+=(--auditor-key "$k"); done

sync="${RA_SYNC_NOTES:-true}"
fetch_notes() { "$ra" notes fetch --repo "$repo" --remote "${RA_REMOTE:-origin}"; }
sync_notes() { if [[ "$sync" == "true" ]]; then "$ra" notes sync --repo "$repo" --remote "${RA_REMOTE:-origin}"; fi; }
signing_key() {
  [[ -n "${RELEASE_AUDIT_SIGNING_KEY:-}" ]] || die "the $1 command signs: pass the key input (a secret holding the PEM private key)"
  echo "env:RELEASE_AUDIT_SIGNING_KEY"
}
need_release() { [[ -n "$release" ]] || die "no release tag: pass the release input, or run on a tag push"; }
# Outputs and reports live outside the work tree, so the next record does not see a dirty tree.
out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/release-audit"
mkdir -p "$out_dir"

case "${RA_COMMAND:-}" in
  record-test)
    key="$(signing_key record-test)"
    args=(record test --repo "$repo" --key "$key" --notes)
    [[ -n "${RA_SUITE:-}" ]] && args+=(--suite "$RA_SUITE")
    if [[ -n "${RA_JUNIT:-}" ]]; then
      shopt -s nullglob globstar
      mapfile -t patterns < <(lines "$RA_JUNIT")
      files=()
      for p in "${patterns[@]}"; do
        # Deliberately unquoted: each pattern is a glob, expanded here (no other word splitting).
        # shellcheck disable=SC2206
        matched=($p)
        files+=("${matched[@]}")
      done
      [[ ${#files[@]} -gt 0 ]] || die "no JUnit file matches ${RA_JUNIT//$'\n'/ }"
      args+=(--junit "${files[@]}")
    else
      args+=(--result "${RA_RESULT:-passed}")
    fi
    fetch_notes
    "$ra" "${args[@]}" "${extra[@]}"
    sync_notes
    ;;
  record-build)
    key="$(signing_key record-build)"
    need_release
    args=(record build --repo "$repo" --rev "$release" --key "$key" --notes)
    [[ -n "${RA_VERSION:-}" ]] && args+=(--version "$RA_VERSION")
    for a in "${artifacts[@]}"; do
      if [[ "$a" == *@sha256:* ]]; then args+=(--artifact "$a"); else args+=(--artifact-file "$a"); fi
    done
    fetch_notes
    "$ra" "${args[@]}" "${extra[@]}"
    sync_notes
    ;;
  gate)
    key="$(signing_key gate)"
    need_release
    fetch_notes
    status=0
    "$ra" gate --repo "$repo" --release "$release" --policy "${RA_POLICY:-exact-commit}" --key "$key" --notes \
      --out "$out_dir/$(printf '%s' "$release" | tr -c 'A-Za-z0-9._+-' '_').json" --format markdown \
      "${key_args[@]}" "${extra[@]}" || status=$?
    # A FAILED gate's report is evidence too: it is shared before the job fails.
    if [[ $status -le 1 ]]; then sync_notes; fi
    exit "$status"
    ;;
  verify)
    need_release
    fetch_notes
    # The artifacts input: files (or NAME@sha256:HEX) the report must have gated.
    artifact_args=()
    for a in "${artifacts[@]}"; do
      if [[ "$a" == *@sha256:* ]]; then artifact_args+=(--artifact-digest "$a"); else artifact_args+=(--artifact "$a"); fi
    done
    "$ra" verify --from-notes --repo "$repo" --release "$release" --policy "${RA_POLICY:-exact-commit}" \
      "${auditor_args[@]}" "${key_args[@]}" "${artifact_args[@]}" "${extra[@]}"
    ;;
  audit)
    fetch_notes
    args=(audit --repo "$repo" --policy "${RA_POLICY:-exact-commit}" "${auditor_args[@]}" "${key_args[@]}")
    # Under GitHub Actions the audit itself adds the Markdown summary, annotations and outputs.
    if [[ -n "${RA_HTML:-}" ]]; then args+=(--format html --output "$RA_HTML" --force); fi
    "$ra" "${args[@]}" "${extra[@]}"
    ;;
  notes-fetch) fetch_notes ;;
  notes-sync) sync_notes ;;
  install) echo "release-audit: $("$ra" --version) at $ra" >&2 ;;
  *) die "unknown command '${RA_COMMAND:-}': use record-test, record-build, gate, verify, audit, notes-fetch, notes-sync or install" ;;
esac
