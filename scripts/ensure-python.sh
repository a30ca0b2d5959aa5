#!/usr/bin/env bash
# Create the virtualenv with Python >= 3.12 (Django 6.1 needs it), or say exactly what is wrong.
set -euo pipefail
venv=${1:-.venv}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  exit 0
fi
candidates=(python3 python3.13 python3.12 python)
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    rm -rf "$venv"
    "$candidate" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    echo "Created $venv with $("$venv/bin/python" --version)"
    exit 0
  fi
done
echo "error: Kuaixiang needs Python 3.12 or newer (Django 6.1); found $(python3 --version 2>&1 || echo none)." >&2
echo "       With pyenv, the .python-version file selects 3.12: run 'pyenv install 3.12' if it is missing." >&2
exit 1
