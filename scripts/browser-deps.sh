#!/usr/bin/env bash
# The browser tests need Debian's Chromium and a CJK font. Install them through apt when we
# can (root, as on CI); otherwise stop with the exact command to run. Never skip silently.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi\|Noto Sans CJK" || missing+=(fonts-wqy-microhei)
# axe-core (accessibility checks), pinned in package.json; no lock file is kept.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    npm install --no-package-lock --no-audit --no-fund --silent
  else
    missing+=(npm)
  fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing browser test dependencies: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fontconfig >/dev/null
  [ -f node_modules/axe-core/axe.min.js ] || npm install --no-package-lock --no-audit --no-fund --silent
  exit 0
fi
echo "error: browser tests need: ${missing[*]}" >&2
echo "       run: sudo apt-get install -y ${missing[*]}" >&2
exit 1
