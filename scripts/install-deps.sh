#!/usr/bin/env bash
# Installs what release-audit needs to build and test, only when it is missing:
# libgit2 (with pkg-config), git, and for the tests (--with-python) Python's venv module (the
# interoperability check), gpg and ssh-keygen (real tag signatures, verified as git verifies them).
# apt-get as root, else through sudo; Homebrew on macOS.
set -euo pipefail

need=()
pkg-config --exists libgit2 2>/dev/null || need+=(libgit2-dev pkg-config)
command -v git >/dev/null 2>&1 || need+=(git)
if [ "${1:-}" = "--with-python" ]; then
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
  command -v gpg >/dev/null 2>&1 || need+=(gnupg)
  command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(uname -s)" = "Darwin" ]; then
  command -v brew >/dev/null 2>&1 || { echo "install-deps: install Homebrew, then: brew install libgit2 pkg-config" >&2; exit 1; }
  brew install libgit2 pkg-config
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing ${need[*]}; run as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
