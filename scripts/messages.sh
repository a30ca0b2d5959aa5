#!/usr/bin/env bash
# Extract translatable strings for every app and the project templates, then compile.
# English .po files copy the msgid (msgen) so both languages ship complete.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
for app in core search helpdesk portal knowledgebase community chat; do
  mkdir -p "$app/locale"
  (cd "$app" && $PY ../manage.py makemessages -l zh_Hans -l en --no-obsolete --no-wrap --keep-pot -v0 \
     --ignore 'tests/*')
  (cd "$app" && $PY ../manage.py makemessages -d djangojs -l zh_Hans -l en --no-obsolete --no-wrap -v0 --ignore 'tests/*' 2>/dev/null || true)
done
mkdir -p locale
$PY manage.py makemessages -l zh_Hans -l en --no-obsolete --no-wrap --keep-pot -v0 \
  --ignore '.venv/*' --ignore 'core/*' --ignore 'search/*' --ignore 'helpdesk/*' --ignore 'portal/*' --ignore 'knowledgebase/*' \
  --ignore 'community/*' --ignore 'chat/*' --ignore 'staticfiles/*' --ignore 'var/*' --ignore 'test-artifacts/*'
# English is the source language: rebuild its catalogues from the fresh templates, so no
# fuzzy match of msgmerge can put another string's text on a new one.
for pot in $(find . -path ./.venv -prune -o -path '*/locale/django.pot' -print); do
  po="$(dirname "$pot")/en/LC_MESSAGES/django.po"
  msgen --no-wrap "$pot" | sed 's/^"Language: \\n"$/"Language: en\\n"/; /^#, fuzzy$/d; s/^"Plural-Forms: .*"$/"Plural-Forms: nplurals=2; plural=(n != 1);\\n"/' > "$po"
  rm -f "$pot"
done
$PY manage.py compilemessages --ignore .venv -v0
python3 - <<'PY'
import pathlib, re
missing = 0
for po in pathlib.Path(".").glob("**/locale/zh_Hans/LC_MESSAGES/*.po"):
    if ".venv" in po.parts:
        continue
    text = po.read_text()
    entries = re.findall(r'\nmsgid "(.+?)"\nmsgstr ""\n\n', text)
    if entries:
        print(f"{po}: {len(entries)} untranslated")
        missing += len(entries)
print("untranslated zh_Hans entries:", missing)
PY
