#!/usr/bin/env bash
# make test's three passes: the suite on SQLite, the browser tests, the suite on PostgreSQL.
#
# The browser tests run in a process of their own (Playwright's sync API keeps an event loop in
# its thread, and the live-chat tests drive websockets with async_to_sync, which refuses that),
# and beside the SQLite pass rather than after it: Chromium spends much of its time waiting on
# pages, so the two together take about a minute less than one after the other (7.4 min
# against ~8.5 on a busy host here). Their output is printed in one piece when both have
# finished. Every pass runs whatever the others did; the exit code says whether all passed.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
LOG=$(mktemp -d /tmp/kuaixiang-test.XXXXXX)
browser=""
# Interrupted (Ctrl-C, a CI timeout): the browser pass must not go on in the background.
trap '[[ -n $browser ]] && kill "$browser" 2>/dev/null; rm -rf "$LOG"' EXIT

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

started=$SECONDS
"$PY" -m pytest -m browser >"$LOG/browser.txt" 2>&1 &
browser=$!

echo "== SQLite pass (the browser tests run beside it; their output follows) =="
bash scripts/with-redis.sh "$PY" -m pytest -n 2 --dist loadgroup -m "not browser"
sqlite=$?
sqlite_time=$((SECONDS - started))

wait "$browser"
browser_rc=$?
browser=""
browser_time=$((SECONDS - started))
echo "== Browser pass =="
cat "$LOG/browser.txt"

echo "== PostgreSQL pass =="
pg_started=$SECONDS
bash scripts/with-redis.sh bash scripts/with-postgres.sh "$PY" -m pytest -n 2 --dist loadgroup -m "not browser"
postgres=$?
postgres_time=$((SECONDS - pg_started))

echo "== make test: SQLite exit $sqlite ($(elapsed $sqlite_time)), browser exit $browser_rc" \
  "($(elapsed $browser_time), beside it), PostgreSQL exit $postgres ($(elapsed $postgres_time))"
((sqlite == 0 && browser_rc == 0 && postgres == 0))
