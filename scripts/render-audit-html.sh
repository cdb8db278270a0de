#!/usr/bin/env bash
# Renders `release-audit audit --format html` in headless Chromium and writes a PNG screenshot.
#
#   scripts/render-audit-html.sh [--html FILE] [--out PNG] [--size WIDTH,HEIGHT]
#
# Without --html it builds the fifteen-release test repository (Tests/CLITests/AuditFixture.swift,
# through the test that checks the HTML page, which also writes the page where
# RELEASE_AUDIT_FIXTURE_HTML says) and renders its audit. Installs Debian's chromium when missing
# (apt-get as root, else through sudo); shrinks the PNG with pngquant when that is installed.
# Default output: docs/audit-html.png.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
html=""
out="$root/docs/audit-html.png"
size="1280,2000"
while [ $# -gt 0 ]; do
  case "$1" in
    --html) html=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    *) echo "usage: $0 [--html FILE] [--out PNG] [--size WIDTH,HEIGHT]" >&2; exit 64 ;;
  esac
done

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  echo "render-audit-html: installing chromium" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$html" ]; then
  (cd "$root" && swift build --build-tests >/dev/null)
  (cd "$root" && RELEASE_AUDIT_FIXTURE_HTML="$work/audit.html" \
     swift test --skip-build --filter htmlIsOneSelfContainedPageNamingEveryCase >/dev/null)
  html="$work/audit.html"
fi
[ -s "$html" ] || { echo "render-audit-html: no HTML page at $html" >&2; exit 1; }
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")

mkdir -p "$(dirname "$out")"
# A throwaway profile; no network is needed (the page is self-contained), so none is allowed.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$work/profile" --proxy-server="127.0.0.1:9" --window-size="$size" \
  --screenshot="$out" "file://$html" >/dev/null 2>"$work/chromium.log" \
  || { cat "$work/chromium.log" >&2; exit 1; }
[ -s "$out" ] || { cat "$work/chromium.log" >&2; echo "render-audit-html: no screenshot" >&2; exit 1; }
# Smaller, for committing, when pngquant is there (optional).
if command -v pngquant >/dev/null 2>&1; then
  pngquant --quality=70-90 --speed 1 --force --output "$work/small.png" "$out" && mv "$work/small.png" "$out"
fi
echo "render-audit-html: $out ($(wc -c <"$out") bytes) from $html" >&2
