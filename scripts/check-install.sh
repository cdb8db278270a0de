#!/usr/bin/env bash
# Part of `make test`: `make install` into a temporary prefix, then the installed binary, its
# man page and its bash completions work, and the binary needs no Swift runtime library.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
make -C "$root" --no-print-directory install PREFIX="$prefix" >/dev/null

"$prefix/bin/release-audit" --help | grep -q "record" || { echo "check-install: --help does not list the commands" >&2; exit 1; }
if ldd "$prefix/bin/release-audit" | grep -q 'libswiftCore'; then
  echo "check-install: the installed binary links the Swift runtime dynamically" >&2; exit 1
fi
page="$prefix/share/man/man1/release-audit.1"
if command -v man >/dev/null 2>&1; then
  MANPAGER=cat man -l "$page" 2>/dev/null | grep -q "notes" || { echo "check-install: man -l $page does not show the commands" >&2; exit 1; }
else
  grep -q '^\.Sh NAME' "$page" || { echo "check-install: $page is not a manual page" >&2; exit 1; }
fi
# The bash completions load and complete the subcommands.
bash -c "source '$prefix/share/bash-completion/completions/release-audit' && complete -p release-audit >/dev/null \
  && COMP_WORDS=(release-audit no) COMP_CWORD=1 COMP_LINE='release-audit no' COMP_POINT=16 && _release-audit && [[ \" \${COMPREPLY[*]} \" == *' notes '* ]]" \
  || { echo "check-install: the bash completions do not complete 'release-audit no' to notes" >&2; exit 1; }
echo "check-install: make install PREFIX=... gives a working binary ($(du -h "$prefix/bin/release-audit" | cut -f1)), man page and completions" >&2
